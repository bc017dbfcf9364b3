import { loadTenantsFile, type TenantEntry } from '@orderbridge/config';
import { ConfigurationError } from '@orderbridge/core';
import { readServiceEnvironment } from './service-environment.js';
import { type WebhookSettings, webhookSettingsOf } from './webhook-settings.js';

/** Default port. */
export const DEFAULT_PORT = 8080;
/** Default interface: loopback only, so a demo is never exposed by accident. */
export const DEFAULT_HOST = '127.0.0.1';
/** Default grace period for in-flight requests at shutdown, in ms. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;
/** Default interval of the provider checks behind `/readyz`, in ms. */
export const DEFAULT_READINESS_INTERVAL_MS = 30_000;

/** Timeouts and limits of the HTTP server. */
export interface ServerLimits {
  /** Time to receive a request's headers, in ms (Node `headersTimeout`). */
  headersTimeoutMs: number;
  /** Time to receive a whole request, headers and body, in ms (Node `requestTimeout`). */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open, in ms (Node `keepAliveTimeout`). */
  keepAliveTimeoutMs: number;
  /** Concurrent connections; more are closed at once (Node `maxConnections`). */
  maxConnections: number;
  /** Largest request head (request line and headers), in bytes (Node `maxHeaderSize`). */
  maxHeaderBytes: number;
  /** Overall deadline of one request's handling, upstream retries included, in ms (then 504). */
  requestDeadlineMs: number;
}

/** The server's limits unless configured otherwise. */
export const DEFAULT_SERVER_LIMITS: Readonly<ServerLimits> = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 1_000,
  maxHeaderBytes: 16_384,
  requestDeadlineMs: 30_000,
};

/** Settings given on the command line; they win over the environment. */
export interface CommandLineOptions {
  /** `--tenants <file>`. */
  tenantsFile?: string | undefined;
  /** `--port <n>`. */
  port?: number | undefined;
  /** `--host <address>`. */
  host?: string | undefined;
}

/** Settings shared by both modes. */
interface CommonConfig {
  port: number;
  host: string;
  logLevel: string;
  redact: boolean;
  shutdownTimeoutMs: number;
  readinessIntervalMs: number;
  /** Server timeouts and limits. */
  limits: ServerLimits;
  /** How long a signed cursor stays valid, in ms. */
  cursorLifetimeMs: number | undefined;
  /** Upstream work of one listing call. */
  scanBudget: { maxPageRequests?: number; maxDurationMs?: number };
  /** Requests without a valid key per client address and minute. */
  unauthenticatedRequestsPerMinute: number | undefined;
  /** `ORDERBRIDGE_DATABASE_URL`: the order store the reports read, if any. */
  databaseUrl: string | undefined;
  /** `REDIS_URL`: share the per-key rate limits through Redis. */
  redisUrl: string | undefined;
  /** `ORDERBRIDGE_TRUSTED_PROXIES`: proxies whose `X-Forwarded-For` names the client. */
  trustedProxies: string[] | undefined;
  /** Settings that work but are probably not what was meant; logged as warnings at start. */
  warnings: string[];
  /** Outgoing webhooks (`ORDERBRIDGE_WEBHOOK_*`). */
  webhooks: WebhookSettings;
  /** `ORDERBRIDGE_WORKER=on`: the process also runs sync jobs (see `StartServerOptions.worker`). */
  worker: SyncWorkerSettings | undefined;
  /** `ORDERBRIDGE_DEFAULT_SOURCE`: where `/v1/orders` reads when neither request nor tenant says. */
  defaultSource: 'live' | 'store' | undefined;
}

/** The sync worker role of a service process. */
export interface SyncWorkerSettings {
  intervalMs: number;
  concurrency: number;
  leaseTimeoutMs: number;
}

/** Production: tenants from a file, a shared cursor secret. */
export interface ProductionConfig extends CommonConfig {
  mode: 'production';
  /** Absolute path of the tenants file. */
  tenantsFile: string;
  /** Folder the file's relative module paths resolve against. */
  baseDir: string;
  /** The validated tenants. */
  tenants: TenantEntry[];
  /** Secret that signs cursors; every instance must have the same. */
  cursorSecret: string;
}

/** Demo: no configuration; the embedded sandbox and a demo tenant. */
export interface DemoConfig extends CommonConfig {
  mode: 'demo';
  /** A cursor secret from the environment, or undefined for a random one per process. */
  cursorSecret: string | undefined;
}

/** The validated configuration of a service process. */
export type ServiceConfig = ProductionConfig | DemoConfig;

/**
 * Reads the configuration from the environment and the command line. With a tenants file
 * (`--tenants` or `ORDERBRIDGE_TENANTS_FILE`) the service runs in production mode and needs
 * `ORDERBRIDGE_CURSOR_SECRET`; without one it runs the embedded demo.
 * @throws ConfigurationError naming the variable, or the file and key, that is wrong.
 */
export async function loadServiceConfig(
  env: Readonly<Record<string, string | undefined>>,
  options: CommandLineOptions = {},
): Promise<ServiceConfig> {
  const environment = readServiceEnvironment(env);
  const common: CommonConfig = {
    port: options.port ?? environment.PORT ?? DEFAULT_PORT,
    host: options.host ?? environment.HOST ?? DEFAULT_HOST,
    logLevel: environment.LOG_LEVEL ?? 'info',
    redact: environment.ORDERBRIDGE_REDACT ?? false,
    shutdownTimeoutMs: environment.ORDERBRIDGE_SHUTDOWN_TIMEOUT_MS ?? DEFAULT_SHUTDOWN_TIMEOUT_MS,
    readinessIntervalMs:
      environment.ORDERBRIDGE_READINESS_INTERVAL_MS ?? DEFAULT_READINESS_INTERVAL_MS,
    limits: {
      headersTimeoutMs:
        environment.ORDERBRIDGE_HEADERS_TIMEOUT_MS ?? DEFAULT_SERVER_LIMITS.headersTimeoutMs,
      requestTimeoutMs:
        environment.ORDERBRIDGE_REQUEST_TIMEOUT_MS ?? DEFAULT_SERVER_LIMITS.requestTimeoutMs,
      keepAliveTimeoutMs:
        environment.ORDERBRIDGE_KEEP_ALIVE_TIMEOUT_MS ?? DEFAULT_SERVER_LIMITS.keepAliveTimeoutMs,
      maxConnections:
        environment.ORDERBRIDGE_MAX_CONNECTIONS ?? DEFAULT_SERVER_LIMITS.maxConnections,
      maxHeaderBytes:
        environment.ORDERBRIDGE_MAX_HEADER_BYTES ?? DEFAULT_SERVER_LIMITS.maxHeaderBytes,
      requestDeadlineMs:
        environment.ORDERBRIDGE_REQUEST_DEADLINE_MS ?? DEFAULT_SERVER_LIMITS.requestDeadlineMs,
    },
    cursorLifetimeMs: environment.ORDERBRIDGE_CURSOR_LIFETIME_MS,
    scanBudget: {
      ...(environment.ORDERBRIDGE_SCAN_MAX_PAGE_REQUESTS !== undefined
        ? { maxPageRequests: environment.ORDERBRIDGE_SCAN_MAX_PAGE_REQUESTS }
        : {}),
      ...(environment.ORDERBRIDGE_SCAN_MAX_DURATION_MS !== undefined
        ? { maxDurationMs: environment.ORDERBRIDGE_SCAN_MAX_DURATION_MS }
        : {}),
    },
    unauthenticatedRequestsPerMinute: environment.ORDERBRIDGE_UNAUTHENTICATED_REQUESTS_PER_MINUTE,
    databaseUrl: environment.ORDERBRIDGE_DATABASE_URL,
    redisUrl: environment.REDIS_URL,
    trustedProxies: environment.ORDERBRIDGE_TRUSTED_PROXIES,
    warnings: [],
    webhooks: webhookSettingsOf(environment),
    worker: environment.ORDERBRIDGE_WORKER
      ? {
          intervalMs: environment.ORDERBRIDGE_WORKER_INTERVAL_MS ?? 300_000,
          concurrency: environment.ORDERBRIDGE_WORKER_CONCURRENCY ?? 1,
          leaseTimeoutMs: environment.ORDERBRIDGE_WORKER_LEASE_TIMEOUT_MS ?? 30_000,
        }
      : undefined,
    defaultSource: environment.ORDERBRIDGE_DEFAULT_SOURCE,
  };
  if (common.worker !== undefined && !/^postgres(ql)?:\/\//i.test(common.databaseUrl ?? '')) {
    throw new ConfigurationError({
      setting: 'environment',
      environmentVariable: 'ORDERBRIDGE_WORKER',
      message:
        'ORDERBRIDGE_WORKER=on needs a PostgreSQL ORDERBRIDGE_DATABASE_URL (postgres://…): sync workers share their jobs through it',
    });
  }
  if (common.limits.headersTimeoutMs > common.limits.requestTimeoutMs) {
    throw new ConfigurationError({
      setting: 'environment',
      environmentVariable: 'ORDERBRIDGE_HEADERS_TIMEOUT_MS',
      message: `ORDERBRIDGE_HEADERS_TIMEOUT_MS (${common.limits.headersTimeoutMs}) must not exceed ORDERBRIDGE_REQUEST_TIMEOUT_MS (${common.limits.requestTimeoutMs})`,
    });
  }
  const tenantsPath = options.tenantsFile ?? environment.ORDERBRIDGE_TENANTS_FILE;
  if (tenantsPath === undefined) {
    const cursorSecret = environment.ORDERBRIDGE_CURSOR_SECRET;
    // A PostgreSQL store is what replicas share: a demo pointed at one may well be one of several
    // processes, and a random secret per process makes every replica refuse the others' cursors.
    // Only a warning: the demo has a random API key per process too, so it is no deployment.
    if (cursorSecret === undefined && /^postgres(ql)?:/i.test(common.databaseUrl ?? '')) {
      common.warnings.push(
        'ORDERBRIDGE_CURSOR_SECRET is not set: this demo signs cursors with a random secret of its own, so another process on the same PostgreSQL store rejects its cursors; set the same secret on every process',
      );
    }
    return { ...common, mode: 'demo', cursorSecret };
  }
  const cursorSecret = environment.ORDERBRIDGE_CURSOR_SECRET;
  if (cursorSecret === undefined) {
    throw new ConfigurationError({
      setting: 'cursorSecret',
      environmentVariable: 'ORDERBRIDGE_CURSOR_SECRET',
      message:
        'ORDERBRIDGE_CURSOR_SECRET is not set: with a tenants file the service needs a secret of at least 32 bytes to sign cursors, the same on every instance (e.g. "openssl rand -base64 48")',
    });
  }
  const file = await loadTenantsFile(tenantsPath);
  return {
    ...common,
    mode: 'production',
    tenantsFile: file.path,
    baseDir: file.baseDir,
    tenants: file.tenants,
    cursorSecret,
  };
}
