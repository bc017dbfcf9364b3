import type { ProviderEntry, SecretValue } from './provider-entry.js';

// A tenant's providers must see only the variables its own entries name: a provider whose
// credential is missing would otherwise fall back to its default variable (FLEXPORTAL_API_KEY …),
// which may hold another tenant's credentials. The service and `orderbridge worker` both build
// tenants' providers this way.

/** Only the variables the entries reference, with their values from `env`. */
export function restrictedEnvironment(
  entries: readonly ProviderEntry[],
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const name of referencedVariables(entries)) {
    const value = env[name];
    if (value !== undefined) result[name] = value;
  }
  return result;
}

/** Names of the environment variables the entries reference. */
export function referencedVariables(entries: readonly ProviderEntry[]): string[] {
  const names = new Set<string>();
  for (const value of credentialValues(entries)) {
    if (typeof value === 'object') names.add(value.env);
  }
  for (const entry of entries) {
    if (entry.type === 'flexportal' && isReference(entry.tenantId)) names.add(entry.tenantId.env);
  }
  return [...names];
}

/** Credential settings: API keys and app secrets; for modules, every `{ env }` setting. */
export function credentialValues(entries: readonly ProviderEntry[]): SecretValue[] {
  const values: SecretValue[] = [];
  for (const entry of entries) {
    if (entry.type === 'flexportal') {
      if (entry.apiKey !== undefined) values.push(entry.apiKey);
    } else if (entry.type === 'flexfactor') {
      if (entry.appKey !== undefined) values.push(entry.appKey);
      if (entry.appSecret !== undefined) values.push(entry.appSecret);
    } else {
      for (const setting of Object.values(entry.settings ?? {})) {
        if (isReference(setting)) values.push(setting);
      }
    }
  }
  return values;
}

function isReference(value: unknown): value is { env: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.keys(value).length === 1 &&
    typeof (value as { env?: unknown }).env === 'string'
  );
}

/** The credential values (inline or resolved from `env`), to be masked in every log line. */
export function resolvedCredentials(
  entries: readonly ProviderEntry[],
  env: Readonly<Record<string, string | undefined>>,
): string[] {
  return credentialValues(entries).flatMap((value) => {
    const resolved = typeof value === 'string' ? value : env[value.env];
    return resolved === undefined ? [] : [resolved];
  });
}
