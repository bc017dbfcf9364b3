import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  ConfigurationError,
  type OrderProvider,
  SPECIFICATION_VERSION,
  type TransportOptions,
} from '@orderbridge/core';
import { createFlexFactor } from '@orderbridge/flexfactor';
import { createFlexPortal } from '@orderbridge/flexportal';
import { entryId, type ProviderEntry, type SecretValue } from './provider-entry.js';

/** Where settings come from when a provider is created. */
export interface CreateProviderOptions {
  /** Environment for `{ env }` references and the providers' own fallbacks (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Folder relative module paths are resolved against (the configuration file's folder). */
  baseDir?: string;
  /** Transport options every provider gets (hooks for logs and metrics, a custom fetch, retry). */
  transport?: TransportOptions;
}

/**
 * Creates the provider a configuration entry describes.
 * @throws ConfigurationError naming the provider, the setting and the variable when something is
 * missing or invalid, or when a custom module cannot be loaded or does not build a v1 provider.
 */
export async function createProvider(
  entry: ProviderEntry,
  options: CreateProviderOptions = {},
): Promise<OrderProvider> {
  const env = options.env ?? process.env;
  const id = entryId(entry);
  const secret = (value: SecretValue | undefined, setting: string) =>
    resolveSecret(value, { env, provider: id, setting });
  const transport = options.transport ?? {};
  try {
    return await createBuiltIn(entry, id, secret, transport, env, options);
  } catch (error) {
    throw forPeople(error, id);
  }
}

/** Where each built-in secret is found, for the message that says it is missing. */
const SECRET_ORIGINS: Readonly<Record<string, string>> = {
  apiKey: 'FlexPortal dashboard → Settings → API Keys',
  tenantId: 'FlexPortal dashboard → Settings → General',
  appKey: 'FlexFactor Merchant Portal → Developers → Api Keys',
  appSecret: 'FlexFactor Merchant Portal → Developers → Api Keys',
};

/**
 * A missing secret told in the words of the apps' configuration: the environment variable and the
 * config file key, not the library call (`createFlexFactor({ appSecret })`) a CLI or service user
 * never writes. Other errors pass through unchanged.
 */
function forPeople(error: unknown, provider: string): unknown {
  if (
    !ConfigurationError.isInstance(error) ||
    error.setting === undefined ||
    error.environmentVariable === undefined ||
    !(error.setting in SECRET_ORIGINS) ||
    !/ is missing/.test(error.message)
  ) {
    return error;
  }
  const { setting, environmentVariable } = error;
  return new ConfigurationError({
    provider,
    setting,
    environmentVariable,
    message: `provider "${provider}": ${setting} is missing. Set ${environmentVariable}, or "${setting}" in the provider entry "${provider}" of the config file (the value, or { "env": "NAME" }). Find it in the ${SECRET_ORIGINS[setting]}.`,
  });
}

async function createBuiltIn(
  entry: ProviderEntry,
  id: string,
  secret: (value: SecretValue | undefined, setting: string) => string | undefined,
  transport: TransportOptions,
  env: Readonly<Record<string, string | undefined>>,
  options: CreateProviderOptions,
): Promise<OrderProvider> {
  switch (entry.type) {
    case 'flexportal':
      return createFlexPortal({
        ...providerTransport(transport),
        id,
        apiKey: secret(entry.apiKey, 'apiKey'),
        tenantId: secret(entry.tenantId, 'tenantId'),
        region: entry.region,
        baseUrl: entry.baseUrl,
        rateLimit: entry.rateLimit ?? transport.rateLimit,
        timeout: entry.timeout ?? transport.timeoutMs,
        env,
      });
    case 'flexfactor':
      return createFlexFactor({
        ...providerTransport(transport),
        id,
        appKey: secret(entry.appKey, 'appKey'),
        appSecret: secret(entry.appSecret, 'appSecret'),
        environment: entry.environment,
        baseUrl: entry.baseUrl,
        rateLimit: entry.rateLimit ?? transport.rateLimit,
        timeout: entry.timeout ?? transport.timeoutMs,
        pageSize: entry.pageSize,
        env,
      });
    case 'module':
      return loadModuleProvider(entry, options.baseDir ?? process.cwd(), env, transport);
  }
}

/** Core's transport options under the names the built-in providers' settings use. */
function providerTransport(transport: TransportOptions) {
  return {
    fetch: transport.fetch,
    timeout: transport.timeoutMs,
    deadline: transport.deadlineMs,
    retry: transport.retry,
    rateLimit: transport.rateLimit,
    hooks: transport.hooks,
  };
}

/**
 * Reads a secret: an inline value, or the environment variable a `{ env }` reference names.
 * @throws ConfigurationError when the variable is not set.
 */
export function resolveSecret(
  value: SecretValue | undefined,
  context: { env: Readonly<Record<string, string | undefined>>; provider: string; setting: string },
): string | undefined {
  if (value === undefined || typeof value === 'string') return value;
  const resolved = context.env[value.env];
  if (resolved === undefined || resolved === '') {
    throw new ConfigurationError({
      provider: context.provider,
      setting: context.setting,
      environmentVariable: value.env,
      message: `provider "${context.provider}": ${context.setting} refers to the environment variable ${value.env}, which is not set`,
    });
  }
  return resolved;
}

async function loadModuleProvider(
  entry: Extract<ProviderEntry, { type: 'module' }>,
  baseDir: string,
  env: Readonly<Record<string, string | undefined>>,
  transport: TransportOptions,
): Promise<OrderProvider> {
  const isPath = entry.module.startsWith('.') || isAbsolute(entry.module);
  const specifier = isPath ? pathToFileURL(resolve(baseDir, entry.module)).href : entry.module;
  let loaded: { default?: unknown; createProvider?: unknown };
  try {
    loaded = (await import(specifier)) as typeof loaded;
  } catch (error) {
    throw new ConfigurationError({
      provider: entry.id,
      setting: 'module',
      message: `provider "${entry.id}": cannot load module "${entry.module}"${isPath ? ` (resolved to ${specifier})` : ''}: ${error instanceof Error ? error.message : String(error)}`,
      cause: error,
    });
  }
  const factory = typeof loaded.default === 'function' ? loaded.default : loaded.createProvider;
  if (typeof factory !== 'function') {
    throw new ConfigurationError({
      provider: entry.id,
      setting: 'module',
      message: `provider "${entry.id}": module "${entry.module}" must export a factory as default export or as "createProvider"`,
    });
  }
  const settings: Record<string, unknown> = { ...transport, id: entry.id };
  for (const [key, value] of Object.entries(entry.settings ?? {})) {
    settings[key] = isSecretReference(value)
      ? resolveSecret(value, { env, provider: entry.id, setting: `settings.${key}` })
      : value;
  }
  const provider = (await (factory as (settings: Record<string, unknown>) => unknown)(
    settings,
  )) as Partial<OrderProvider>;
  if (
    typeof provider !== 'object' ||
    provider === null ||
    provider.specificationVersion !== SPECIFICATION_VERSION ||
    typeof provider.listOrders !== 'function' ||
    typeof provider.getOrder !== 'function'
  ) {
    throw new ConfigurationError({
      provider: entry.id,
      setting: 'module',
      message: `provider "${entry.id}": the factory of "${entry.module}" did not return an OrderProvider with specificationVersion "${SPECIFICATION_VERSION}"`,
    });
  }
  if (provider.id !== entry.id) {
    throw new ConfigurationError({
      provider: entry.id,
      setting: 'id',
      message: `provider "${entry.id}": the factory of "${entry.module}" returned a provider with id "${String(provider.id)}"; pass settings.id through`,
    });
  }
  return provider as OrderProvider;
}

function isSecretReference(value: unknown): value is { env: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.keys(value).length === 1 &&
    typeof (value as { env?: unknown }).env === 'string'
  );
}
