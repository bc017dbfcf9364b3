import { existsSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import {
  entryId,
  loadConfigFile,
  PROVIDER_ENVIRONMENT,
  type ProviderEntry,
  providerEntriesFromEnvironment,
  providerEntrySchema,
} from '@orderbridge/config';
import { ConfigurationError, formatPath } from '@orderbridge/core';
import { type CliConfig, cliConfigSchema, DEFAULT_CONFIG_FILE } from './cli-config-schema.js';
import type { SettingSource, Sourced } from './setting-source.js';

type Environment = Readonly<Record<string, string | undefined>>;

/** One setting of a configured provider, as `orderbridge providers` shows it. */
export interface ResolvedSetting {
  /** Setting name (`apiKey`, `region`, `settings.token`). */
  name: string;
  /** The value (secrets too: mask them before display with `maskSecret`). */
  value: unknown;
  /** Whether the value is a credential that must never be shown. */
  isSecret: boolean;
  /** Where it came from; undefined when unset. */
  source: SettingSource | undefined;
}

/** A configured provider: its entry (what `createProvider` gets) and each setting's source. */
export interface ResolvedProvider {
  /** Provider id (`flexportal`, `fp-eu`). */
  id: string;
  /** Entry type: `flexportal`, `flexfactor` or `module`. */
  type: ProviderEntry['type'];
  /** The merged entry (environment over file), validated. */
  entry: ProviderEntry;
  /** Every known setting with its value and source. */
  settings: ResolvedSetting[];
}

/** The configuration a command runs with. */
export interface ResolvedConfig {
  /** The config file that was read, if any, and why that one. */
  configFile: Sourced<string> | undefined;
  /** Folder relative paths in the config (module providers) resolve against. */
  baseDir: string;
  /** Providers configured by the file and the environment. */
  providers: ResolvedProvider[];
  /**
   * Why the embedded sandbox is used: `flag` (`--sandbox`) or `no-credentials`; undefined when the
   * configured providers are used.
   */
  sandbox: 'flag' | 'no-credentials' | undefined;
  /** CLI defaults from `ORDERBRIDGE_FORMAT` and the file's `defaults`, with their sources. */
  defaults: {
    /** Output format of `list` and `get` (`ORDERBRIDGE_FORMAT`, else `defaults.format`). */
    format?: Sourced<string> | undefined;
    /** Page size of `list` (`defaults.limit`). */
    limit?: Sourced<number> | undefined;
    /** Redact by default (`defaults.redact`). */
    redact?: Sourced<boolean> | undefined;
    /** Accept partial results by default (`defaults.allowPartial`). */
    allowPartial?: Sourced<boolean> | undefined;
    /** The order store (`ORDERBRIDGE_DATABASE_URL`, else `defaults.database`). */
    database?: Sourced<string> | undefined;
  };
}

/** What `resolveConfig` reads. */
export interface ResolveConfigInput {
  /** `--config`. */
  configFlag?: string | undefined;
  /** `--sandbox`. */
  sandboxFlag?: boolean | undefined;
  /** The environment. */
  env: Environment;
  /** The working directory. */
  cwd: string;
}

/** Which environment variable sets which setting of a built-in provider. */
const ENVIRONMENT_SETTINGS: Readonly<Record<'flexportal' | 'flexfactor', Record<string, string>>> =
  {
    flexportal: {
      apiKey: 'FLEXPORTAL_API_KEY',
      tenantId: 'FLEXPORTAL_TENANT_ID',
      region: 'FLEXPORTAL_REGION',
      baseUrl: 'FLEXPORTAL_BASE_URL',
    },
    flexfactor: {
      appKey: 'FLEXFACTOR_APP_KEY',
      appSecret: 'FLEXFACTOR_APP_SECRET',
      environment: 'FLEXFACTOR_ENVIRONMENT',
      baseUrl: 'FLEXFACTOR_BASE_URL',
    },
  };

/**
 * Settings that name the same thing, the endpoint: a region (environment) or an explicit base URL.
 * When the environment sets one, the file's value of the other is dropped, otherwise a file region
 * plus an environment base URL would be two contradicting endpoints.
 */
const ENDPOINT_PAIRS: Readonly<Record<'flexportal' | 'flexfactor', readonly [string, string]>> = {
  flexportal: ['region', 'baseUrl'],
  flexfactor: ['environment', 'baseUrl'],
};

/** Every setting each provider type has, in display order, and which are secrets. */
const KNOWN_SETTINGS: Readonly<
  Record<'flexportal' | 'flexfactor', ReadonlyArray<{ name: string; isSecret?: boolean }>>
> = {
  flexportal: [
    { name: 'apiKey', isSecret: true },
    { name: 'tenantId' },
    { name: 'region' },
    { name: 'baseUrl' },
    { name: 'rateLimit' },
    { name: 'timeout' },
  ],
  flexfactor: [
    { name: 'appKey', isSecret: true },
    { name: 'appSecret', isSecret: true },
    { name: 'environment' },
    { name: 'baseUrl' },
    { name: 'rateLimit' },
    { name: 'timeout' },
    { name: 'pageSize' },
  ],
};

const SECRET_NAME = /secret|key|token|password/i;
/** Settings a built-in provider reads from its environment variables when the entry leaves them unset. */
const CREDENTIALS: ReadonlySet<string> = new Set(['apiKey', 'tenantId', 'appKey', 'appSecret']);

/**
 * Works out the configuration, highest precedence first: flags, environment, config file. The
 * config file is `--config`, else `ORDERBRIDGE_CONFIG`, else `orderbridge.config.json` in the
 * working directory when it exists. Environment variables of a built-in provider configure the
 * provider with its default id (`flexportal`, `flexfactor`): when the file has that id too, each
 * variable that is set overrides the file's value of its setting. With no provider configured at
 * all (or `--sandbox`) the embedded sandbox is used.
 * @throws ConfigurationError naming the file or variable, the key and what was expected.
 */
export async function resolveConfig(input: ResolveConfigInput): Promise<ResolvedConfig> {
  const { env, cwd } = input;
  const configFile = locateConfigFile(input);
  let config: CliConfig = {};
  let baseDir = cwd;
  if (configFile) {
    const loaded = await loadConfigFile(configFile.value, cliConfigSchema);
    config = loaded.config;
    baseDir = loaded.baseDir;
  }
  const fileLabel = configFile ? displayName(configFile.value, cwd) : '';
  const providers: ResolvedProvider[] = [];
  const fileEntries = config.providers ?? [];
  fileEntries.forEach((entry, index) => {
    providers.push(fromFileEntry(entry, index, fileLabel, env));
  });
  for (const environmentEntry of providerEntriesFromEnvironment(env)) {
    const type = environmentEntry.type as 'flexportal' | 'flexfactor';
    const existing = providers.find((provider) => provider.id === type && provider.type === type);
    if (existing) applyEnvironment(existing, type, env);
    else {
      const created: ResolvedProvider = {
        id: type,
        type,
        entry: { type } as ProviderEntry,
        settings: [{ name: 'id', value: type, isSecret: false, source: { kind: 'default' } }],
      };
      applyEnvironment(created, type, env);
      providers.push(created);
    }
  }
  for (const provider of providers) {
    provider.entry = validateMerged(provider);
    fillUnsetSettings(provider, env);
  }

  const defaults: ResolvedConfig['defaults'] = {};
  const fileDefaults = config.defaults ?? {};
  const fileSource = (key: string): SettingSource => ({
    kind: 'file',
    file: fileLabel,
    key: `defaults.${key}`,
  });
  if (env.ORDERBRIDGE_FORMAT) {
    defaults.format = {
      value: env.ORDERBRIDGE_FORMAT,
      source: { kind: 'env', variable: 'ORDERBRIDGE_FORMAT' },
    };
  } else if (fileDefaults.format !== undefined) {
    defaults.format = { value: fileDefaults.format, source: fileSource('format') };
  }
  if (env.ORDERBRIDGE_DATABASE_URL) {
    defaults.database = {
      value: env.ORDERBRIDGE_DATABASE_URL,
      source: { kind: 'env', variable: 'ORDERBRIDGE_DATABASE_URL' },
    };
  } else if (fileDefaults.database !== undefined) {
    defaults.database = { value: fileDefaults.database, source: fileSource('database') };
  }
  if (fileDefaults.limit !== undefined)
    defaults.limit = { value: fileDefaults.limit, source: fileSource('limit') };
  if (fileDefaults.redact !== undefined)
    defaults.redact = { value: fileDefaults.redact, source: fileSource('redact') };
  if (fileDefaults.allowPartial !== undefined) {
    defaults.allowPartial = {
      value: fileDefaults.allowPartial,
      source: fileSource('allowPartial'),
    };
  }

  const sandbox = input.sandboxFlag
    ? 'flag'
    : providers.length === 0
      ? 'no-credentials'
      : undefined;
  return { configFile, baseDir, providers, sandbox, defaults };
}

function locateConfigFile(input: ResolveConfigInput): Sourced<string> | undefined {
  if (input.configFlag !== undefined && input.configFlag !== '') {
    return {
      value: resolve(input.cwd, input.configFlag),
      source: { kind: 'flag', flag: '--config' },
    };
  }
  const fromEnvironment = input.env.ORDERBRIDGE_CONFIG;
  if (fromEnvironment !== undefined && fromEnvironment !== '') {
    return {
      value: resolve(input.cwd, fromEnvironment),
      source: { kind: 'env', variable: 'ORDERBRIDGE_CONFIG' },
    };
  }
  const fallback = resolve(input.cwd, DEFAULT_CONFIG_FILE);
  return existsSync(fallback) ? { value: fallback, source: { kind: 'default' } } : undefined;
}

/** The file as sources name it: relative to the working directory when inside it. */
function displayName(path: string, cwd: string): string {
  return dirname(path) === resolve(cwd) ? basename(path) : path;
}

function fromFileEntry(
  entry: ProviderEntry,
  index: number,
  file: string,
  env: Environment,
): ResolvedProvider {
  const id = entryId(entry);
  const settings: ResolvedSetting[] = [
    {
      name: 'id',
      value: id,
      isSecret: false,
      source:
        entry.id === undefined
          ? { kind: 'default' }
          : { kind: 'file', file, key: `providers[${index}].id` },
    },
  ];
  const record = entry as Record<string, unknown>;
  if (entry.type === 'module') {
    settings.push({
      name: 'module',
      value: entry.module,
      isSecret: false,
      source: { kind: 'file', file, key: `providers[${index}].module` },
    });
    for (const [name, value] of Object.entries(entry.settings ?? {})) {
      settings.push(
        fileSetting(
          `settings.${name}`,
          value,
          SECRET_NAME.test(name),
          file,
          `providers[${index}].settings.${name}`,
          env,
        ),
      );
    }
  } else {
    for (const known of KNOWN_SETTINGS[entry.type]) {
      if (record[known.name] === undefined) continue;
      settings.push(
        fileSetting(
          known.name,
          record[known.name],
          known.isSecret ?? false,
          file,
          `providers[${index}].${known.name}`,
          env,
        ),
      );
    }
  }
  return { id, type: entry.type, entry, settings };
}

/** A file setting; `{ "env": "NAME" }` references show the variable and its value. */
function fileSetting(
  name: string,
  value: unknown,
  isSecret: boolean,
  file: string,
  key: string,
  env: Environment,
): ResolvedSetting {
  const reference = secretReference(value);
  if (reference) {
    return {
      name,
      value: env[reference],
      isSecret: true,
      source: { kind: 'file', file, key, variable: reference },
    };
  }
  return { name, value, isSecret, source: { kind: 'file', file, key } };
}

function secretReference(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const candidate = value as { env?: unknown };
  return Object.keys(value).length === 1 && typeof candidate.env === 'string'
    ? candidate.env
    : undefined;
}

function applyEnvironment(
  provider: ResolvedProvider,
  type: 'flexportal' | 'flexfactor',
  env: Environment,
): void {
  const entry = { ...(provider.entry as Record<string, unknown>) };
  const [first, second] = ENDPOINT_PAIRS[type];
  for (const [setting, variable] of Object.entries(ENVIRONMENT_SETTINGS[type])) {
    const value = env[variable];
    if (value === undefined || value === '') continue;
    entry[setting] = value;
    const isSecret =
      KNOWN_SETTINGS[type].find((known) => known.name === setting)?.isSecret ?? false;
    provider.settings = provider.settings.filter((existing) => existing.name !== setting);
    provider.settings.push({ name: setting, value, isSecret, source: { kind: 'env', variable } });
    const other = setting === first ? second : setting === second ? first : undefined;
    if (other !== undefined && env[ENVIRONMENT_SETTINGS[type][other]!] === undefined) {
      delete entry[other];
      provider.settings = provider.settings.filter((existing) => existing.name !== other);
    }
  }
  provider.entry = entry as ProviderEntry;
}

/** Validates an entry after the environment was merged in, naming the variable of a bad value. */
function validateMerged(provider: ResolvedProvider): ProviderEntry {
  const result = providerEntrySchema.safeParse(provider.entry);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? '');
    const source = provider.settings.find((setting) => setting.name === name)?.source;
    const where =
      source?.kind === 'env'
        ? `environment variable ${source.variable}`
        : source?.kind === 'file'
          ? `${source.file} ${source.key}`
          : `provider "${provider.id}" ${formatPath(issue.path)}`;
    return `${where}: ${issue.message}`;
  });
  throw new ConfigurationError({
    provider: provider.id,
    message: `invalid settings for provider "${provider.id}":\n  - ${problems.join('\n  - ')}`,
  });
}

/**
 * Records where unset settings will come from: a built-in provider falls back to its environment
 * variables (e.g. a second FlexPortal account without `apiKey` uses FLEXPORTAL_API_KEY), else the
 * provider's default.
 */
function fillUnsetSettings(provider: ResolvedProvider, env: Environment): void {
  if (provider.type === 'module') return;
  const variables = ENVIRONMENT_SETTINGS[provider.type];
  const ordered: ResolvedSetting[] = [provider.settings.find((setting) => setting.name === 'id')!];
  for (const known of KNOWN_SETTINGS[provider.type]) {
    const existing = provider.settings.find((setting) => setting.name === known.name);
    if (existing) {
      ordered.push(existing);
      continue;
    }
    // Only credentials fall back to the environment in the providers (see @orderbridge/config).
    const variable = CREDENTIALS.has(known.name) ? variables[known.name] : undefined;
    const fromEnvironment = variable === undefined ? undefined : env[variable];
    ordered.push(
      fromEnvironment !== undefined && fromEnvironment !== '' && variable !== undefined
        ? {
            name: known.name,
            value: fromEnvironment,
            isSecret: known.isSecret ?? false,
            source: { kind: 'env', variable },
          }
        : {
            name: known.name,
            value: undefined,
            isSecret: known.isSecret ?? false,
            source: CREDENTIALS.has(known.name) ? undefined : { kind: 'default' },
          },
    );
  }
  provider.settings = ordered;
}

/** The environment variables a built-in provider reads (re-exported for help texts). */
export const PROVIDER_VARIABLES: readonly string[] = [
  ...PROVIDER_ENVIRONMENT.flexportal,
  ...PROVIDER_ENVIRONMENT.flexfactor,
];
