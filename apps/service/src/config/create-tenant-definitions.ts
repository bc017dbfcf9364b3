import type { TenantEntry } from '@orderbridge/config';
import {
  createProvider,
  entryId,
  type ProviderEntry,
  resolvedCredentials,
  resolveSecret,
  restrictedEnvironment,
} from '@orderbridge/config';
import { ConfigurationError, registerSecret, type TransportOptions } from '@orderbridge/core';
import { hashHookSecret } from '../hooks/hook-secret.js';
import type { IncomingWebhooks, TenantDefinition } from '../tenancy/tenant.js';

/** Where provider settings come from when tenants are built. */
export interface TenantBuildOptions {
  /** The process environment; only variables a tenant's entries name are passed on. */
  env: Readonly<Record<string, string | undefined>>;
  /** Folder relative module paths resolve against (the tenants file's folder). */
  baseDir?: string | undefined;
  /** Transport options every provider gets (hooks for metrics and logs). */
  transport?: TransportOptions | undefined;
}

/**
 * Creates every tenant's providers once, with the tenant's own credentials. Each tenant's providers
 * see an environment holding only the variables that tenant's entries reference (`{ "env": "NAME" }`),
 * so a missing credential fails here instead of silently falling back to a provider's default
 * variable, which may hold another tenant's credentials.
 * @throws ConfigurationError naming the tenant, the provider, the setting and the variable.
 */
export async function createTenantDefinitions(
  tenants: readonly TenantEntry[],
  options: TenantBuildOptions,
): Promise<TenantDefinition[]> {
  const definitions: TenantDefinition[] = [];
  for (const tenant of tenants) {
    const env = restrictedEnvironment(tenant.providers, options.env);
    registerSecret(...resolvedCredentials(tenant.providers, env));
    const providers = [];
    for (const [index, entry] of tenant.providers.entries()) {
      try {
        providers.push(
          await createProvider(entry, {
            env,
            ...(options.baseDir !== undefined ? { baseDir: options.baseDir } : {}),
            ...(options.transport !== undefined ? { transport: options.transport } : {}),
          }),
        );
      } catch (error) {
        if (!ConfigurationError.isInstance(error)) throw error;
        throw new ConfigurationError({
          setting: `tenants.${tenant.id}.providers[${index}]`,
          ...(error.environmentVariable ? { environmentVariable: error.environmentVariable } : {}),
          ...(error.provider ? { provider: error.provider } : {}),
          message: `tenant "${tenant.id}", providers[${index}]: ${error.message}`,
          cause: error,
        });
      }
    }
    definitions.push({
      id: tenant.id,
      apiKeys: tenant.apiKeys,
      providers,
      rateLimit: tenant.rateLimit,
      redact: tenant.redact,
      storeScope: tenant.storeScope,
      incomingWebhooks: incomingWebhooksOf(tenant, options.env),
      source: tenant.source,
    });
  }
  return definitions;
}

/**
 * The tenant's incoming webhooks with the secret read (from the environment when referenced),
 * registered as a secret (masked in every log line) and kept only as its hash.
 * @throws ConfigurationError when the secret's variable is not set
 */
function incomingWebhooksOf(
  tenant: TenantEntry,
  env: Readonly<Record<string, string | undefined>>,
): IncomingWebhooks | undefined {
  const hook = tenant.incomingWebhooks?.flexfactor;
  if (hook === undefined) return undefined;
  // The tenants file schema checked that the tenant has exactly this one FlexFactor provider.
  const provider =
    hook.provider ??
    entryId(tenant.providers.find((entry) => entry.type === 'flexfactor') as ProviderEntry);
  const secret = resolveSecret(hook.secret, {
    env,
    provider,
    setting: `tenants.${tenant.id}.incomingWebhooks.flexfactor.secret`,
  }) as string;
  if (!/^[A-Za-z0-9_-]{32,256}$/.test(secret)) {
    throw new ConfigurationError({
      setting: `tenants.${tenant.id}.incomingWebhooks.flexfactor.secret`,
      ...(typeof hook.secret === 'object' ? { environmentVariable: hook.secret.env } : {}),
      message: `tenant "${tenant.id}": the FlexFactor webhook secret must be 32-256 letters, digits, "-" or "_" (e.g. \`openssl rand -hex 32\`)`,
    });
  }
  registerSecret(secret);
  return { flexfactor: { secretHash: hashHookSecret(secret), provider } };
}
