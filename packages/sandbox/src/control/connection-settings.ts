/** How to reach a running sandbox: what the bin prints and `GET /_sandbox` returns. */
export interface SandboxConnectionSettings {
  /** `http://127.0.0.1:PORT`. */
  url: string;
  /** FlexPortal settings. */
  flexportal: {
    /** `${url}/flexportal`; API paths under it start with `/v1/`. */
    baseUrl: string;
    /** The default tenant's API key (`Authorization: Bearer <apiKey>`). */
    apiKey: string;
    /** The default tenant (`Tenant-ID` header). */
    tenantId: string;
    /** Every tenant with its key. */
    tenants: { tenantId: string; apiKey: string }[];
  };
  /** FlexFactor settings. */
  flexfactor: {
    /** `${url}/flexfactor/v1/` (documented bases end in `/v1/`, §2.1). */
    baseUrl: string;
    /** AppKey for `POST oauth2/token`. */
    appKey: string;
    /** AppSecret for `POST oauth2/token`. */
    appSecret: string;
    /** Lifetime of issued access tokens, in ms. */
    tokenTtlMs: number;
  };
  /** Environment variables to export so the CLI and service use this sandbox. */
  env: Record<string, string>;
}

/** The environment variables matching a set of settings. */
export function connectionEnvironment(
  settings: Omit<SandboxConnectionSettings, 'env'>,
): Record<string, string> {
  return {
    FLEXPORTAL_BASE_URL: settings.flexportal.baseUrl,
    FLEXPORTAL_API_KEY: settings.flexportal.apiKey,
    FLEXPORTAL_TENANT_ID: settings.flexportal.tenantId,
    FLEXFACTOR_BASE_URL: settings.flexfactor.baseUrl,
    FLEXFACTOR_APP_KEY: settings.flexfactor.appKey,
    FLEXFACTOR_APP_SECRET: settings.flexfactor.appSecret,
  };
}

/**
 * The human-readable connection settings (what `orderbridge-sandbox` prints): base URLs,
 * credentials and the `export` lines for the environment variables.
 */
export function formatConnectionSettings(
  sandbox: { settings(): SandboxConnectionSettings } | SandboxConnectionSettings,
): string {
  const settings = 'settings' in sandbox ? sandbox.settings() : sandbox;
  const lines = [
    `OrderBridge sandbox listening on ${settings.url}`,
    '',
    'FlexPortal',
    `  base URL   ${settings.flexportal.baseUrl}   (paths start with /v1/)`,
    `  API key    ${settings.flexportal.apiKey}`,
    `  Tenant-ID  ${settings.flexportal.tenantId}`,
  ];
  for (const tenant of settings.flexportal.tenants.slice(1)) {
    lines.push(`  also       tenant ${tenant.tenantId} with key ${tenant.apiKey}`);
  }
  lines.push(
    '',
    'FlexFactor',
    `  base URL   ${settings.flexfactor.baseUrl}`,
    `  AppKey     ${settings.flexfactor.appKey}`,
    `  AppSecret  ${settings.flexfactor.appSecret}`,
    `  token TTL  ${settings.flexfactor.tokenTtlMs} ms`,
    '',
    `Control endpoint: ${settings.url}/_sandbox`,
    '',
    'Environment:',
    ...Object.entries(settings.env).map(([name, value]) => `  export ${name}=${shellQuote(value)}`),
  );
  return `${lines.join('\n')}\n`;
}

function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`;
}
