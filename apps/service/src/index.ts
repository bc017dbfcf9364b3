/**
 * `@orderbridge/service`: the OrderBridge HTTP service — REST API with OpenAPI, tenants and API
 * keys. Use `startServer` to run it, or `createApp` to embed the Hono app.
 */

export {
  loadTenantsFile,
  parseTenants,
  type TenantEntry,
  type TenantsFile,
  tenantsFileSchema,
} from '@orderbridge/config';
export {
  type AppOptions,
  createApp,
  DEFAULT_REQUEST_DEADLINE_MS,
  type OrderBridgeApp,
} from './app.js';
export {
  type AddressThrottle,
  createAddressThrottle,
  DEFAULT_UNAUTHENTICATED_REQUESTS_PER_MINUTE,
} from './auth/address-throttle.js';
export {
  type ApiKeyRecord,
  createApiKeyIndex,
  generateApiKey,
  hashApiKey,
} from './auth/api-key.js';
export {
  createTenantDefinitions,
  type TenantBuildOptions,
} from './config/create-tenant-definitions.js';
export {
  type CommandLineOptions,
  DEFAULT_SERVER_LIMITS,
  type DemoConfig,
  loadServiceConfig,
  type ProductionConfig,
  type ServerLimits,
  type ServiceConfig,
} from './config/service-config.js';
export { readServiceEnvironment, type ServiceEnvironment } from './config/service-environment.js';
export {
  type CursorCheck,
  type CursorSigner,
  type CursorSignerOptions,
  createCursorSigner,
  DEFAULT_CURSOR_LIFETIME_MS,
} from './cursor/cursor-signer.js';
export {
  type FieldError,
  PROBLEM_BASE,
  PROBLEM_TYPES,
  type Problem,
  type ProblemName,
} from './http/problem.js';
export {
  createDatabaseCheck,
  type DatabaseCheck,
  type DatabaseCheckOptions,
  type DatabaseCheckResult,
} from './observability/database-check.js';
export { createLogger, type LoggerSettings, type ServiceLogger } from './observability/logger.js';
export { createServiceMetrics, type ServiceMetrics } from './observability/metrics.js';
export {
  createReadinessMonitor,
  type ProviderCheck,
  type ReadinessMonitor,
  type ReadinessReport,
} from './observability/readiness.js';
export {
  createKeyRateLimiter,
  type KeyRateLimiter,
  type RateLimitDecision,
} from './rate-limit/key-rate-limiter.js';
export {
  createPostgresRateLimiter,
  type PostgresRateLimiterOptions,
  RATE_LIMIT_TABLE,
} from './rate-limit/postgres-rate-limiter.js';
export {
  createRedisRateLimiter,
  type RedisRateLimitClient,
  type RedisRateLimiterOptions,
} from './rate-limit/redis-rate-limiter.js';
export {
  createStoreRateLimiter,
  RATE_LIMIT_WINDOW_SECONDS,
  type RateLimitStoreFailure,
  type StoreRateLimiterOptions,
} from './rate-limit/store-rate-limiter.js';
export { createTokenBuckets, type TokenBuckets } from './rate-limit/token-buckets.js';
export { type RunningServer, type StartServerOptions, startServer } from './server.js';
export type { TenantDefinition } from './tenancy/tenant.js';
