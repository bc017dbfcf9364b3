export {
  entriesWithIds,
  type LoadedConfigFile,
  loadConfigFile,
  parseConfig,
  providersConfigSchema,
} from './config-file.js';
export { type CreateProviderOptions, createProvider, resolveSecret } from './create-provider.js';
export { PROVIDER_ENVIRONMENT, providerEntriesFromEnvironment } from './environment.js';
export {
  currentProcessImage,
  hasUserHeapFlags,
  type NodeLaunch,
  type ProcessImage,
  replaceProcess,
  USER_HEAP_FLAGS,
} from './node-relaunch.js';
export {
  entryId,
  type FlexFactorEntry,
  type FlexPortalEntry,
  flexFactorEntrySchema,
  flexPortalEntrySchema,
  type ModuleEntry,
  moduleEntrySchema,
  type ProviderEntry,
  providerEntrySchema,
  type SecretValue,
  secretValueSchema,
} from './provider-entry.js';
export { sandboxProviderEntries } from './sandbox-entries.js';
export {
  credentialValues,
  referencedVariables,
  resolvedCredentials,
  restrictedEnvironment,
} from './tenant-environment.js';
export {
  apiKeyEntrySchema,
  incomingFlexFactorWebhookSchema,
  loadTenantsFile,
  parseTenants,
  type TenantEntry,
  type TenantsFile,
  tenantEntrySchema,
  tenantsFileSchema,
} from './tenants-file.js';
