import type { ProviderEntry } from './provider-entry.js';

/** Environment variables each built-in provider reads. */
export const PROVIDER_ENVIRONMENT = {
  flexportal: [
    'FLEXPORTAL_API_KEY',
    'FLEXPORTAL_TENANT_ID',
    'FLEXPORTAL_REGION',
    'FLEXPORTAL_BASE_URL',
  ],
  flexfactor: [
    'FLEXFACTOR_APP_KEY',
    'FLEXFACTOR_APP_SECRET',
    'FLEXFACTOR_ENVIRONMENT',
    'FLEXFACTOR_BASE_URL',
  ],
} as const;

/**
 * The providers the environment configures: FlexPortal when any FLEXPORTAL_* credential is set,
 * FlexFactor when any FLEXFACTOR_* credential is set. A half-configured provider is still returned,
 * so creating it fails with an error that names the missing variable instead of silently skipping it.
 */
export function providerEntriesFromEnvironment(
  env: Readonly<Record<string, string | undefined>>,
): ProviderEntry[] {
  const entries: ProviderEntry[] = [];
  const has = (name: string) => env[name] !== undefined && env[name] !== '';
  if (has('FLEXPORTAL_API_KEY') || has('FLEXPORTAL_TENANT_ID')) {
    entries.push({ type: 'flexportal' });
  }
  if (has('FLEXFACTOR_APP_KEY') || has('FLEXFACTOR_APP_SECRET')) {
    entries.push({ type: 'flexfactor' });
  }
  return entries;
}
