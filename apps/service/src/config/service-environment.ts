import { ConfigurationError } from '@orderbridge/core';
import { z } from 'zod';
import { MIN_CURSOR_SECRET_BYTES } from '../cursor/cursor-signer.js';
import { compileTrustedProxies } from '../http/client-address.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const positiveInteger = (name: string, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `${name} must be a whole number`)
    .transform(Number)
    .refine((value) => value >= 1 && value <= max, `${name} must be between 1 and ${max}`);

const booleanVariable = (name: string) =>
  z
    .enum(['true', 'false', '1', '0'], { error: `${name} must be true or false` })
    .transform((value) => value === 'true' || value === '1');

/** The environment variables the service reads, validated. Unrelated variables are ignored. */
export const serviceEnvironmentSchema = z.object({
  /** TCP port (default 8080; 0 picks a free port). */
  PORT: z
    .string()
    .regex(/^\d+$/, 'PORT must be a whole number')
    .transform(Number)
    .refine((port) => port <= 65_535, 'PORT must be at most 65535')
    .optional(),
  /** Interface to bind (default 127.0.0.1; 0.0.0.0 for every interface). */
  HOST: z.string().min(1, 'HOST must not be empty').optional(),
  /** pino level (default info). */
  LOG_LEVEL: z
    .enum(LOG_LEVELS, { error: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` })
    .optional(),
  /** Path of the tenants file; without it (and without `--tenants`) the embedded demo runs. */
  ORDERBRIDGE_TENANTS_FILE: z
    .string()
    .min(1, 'ORDERBRIDGE_TENANTS_FILE must not be empty')
    .optional(),
  /** Secret that signs cursors; required with a tenants file; at least 32 bytes. */
  ORDERBRIDGE_CURSOR_SECRET: z
    .string()
    .refine(
      (secret) => Buffer.byteLength(secret, 'utf8') >= MIN_CURSOR_SECRET_BYTES,
      `ORDERBRIDGE_CURSOR_SECRET must be at least ${MIN_CURSOR_SECRET_BYTES} bytes (e.g. "openssl rand -base64 48")`,
    )
    .optional(),
  /** `true` masks customer emails and payment instrument tokens in responses and logs. */
  ORDERBRIDGE_REDACT: z
    .enum(['true', 'false', '1', '0'], { error: 'ORDERBRIDGE_REDACT must be true or false' })
    .transform((value) => value === 'true' || value === '1')
    .optional(),
  /** The order store the reports read: `sqlite:./orderbridge.db` or `postgres://…` (none: reports answer 500). */
  ORDERBRIDGE_DATABASE_URL: z.string().min(1).optional(),
  /**
   * Comma-separated proxies whose `X-Forwarded-For` names the client: addresses, CIDR ranges and
   * `loopback`, `linklocal`, `uniquelocal` (default none: the TCP peer is the client).
   */
  ORDERBRIDGE_TRUSTED_PROXIES: z
    .string()
    .transform((text) =>
      text
        .split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry !== ''),
    )
    .superRefine((entries, context) => {
      try {
        compileTrustedProxies(entries);
      } catch (error) {
        context.addIssue({
          code: 'custom',
          message: `ORDERBRIDGE_TRUSTED_PROXIES: ${error instanceof Error ? error.message : String(error)} (addresses, CIDR ranges, loopback, linklocal or uniquelocal, comma-separated)`,
        });
      }
    })
    .optional(),
  /**
   * `redis://…` or `rediss://…`: share the per-key rate limits between replicas through Redis
   * (default: through a PostgreSQL store, else per process).
   */
  REDIS_URL: z
    .string()
    // The message never repeats the value: it may hold a password.
    .refine(isRedisUrl, 'REDIS_URL must be a redis:// or rediss:// URL (redis://host:6379/0)')
    .optional(),
  /** Where `/v1/orders` reads when neither the request nor the tenant says: `live` (default) or `store`. */
  ORDERBRIDGE_DEFAULT_SOURCE: z
    .enum(['live', 'store'], { error: 'ORDERBRIDGE_DEFAULT_SOURCE must be live or store' })
    .optional(),
  /** How long shutdown waits for in-flight requests, in ms (default 10000). */
  ORDERBRIDGE_SHUTDOWN_TIMEOUT_MS: positiveInteger(
    'ORDERBRIDGE_SHUTDOWN_TIMEOUT_MS',
    600_000,
  ).optional(),
  /** How often providers are checked for `/readyz`, in ms (default 30000). */
  ORDERBRIDGE_READINESS_INTERVAL_MS: positiveInteger(
    'ORDERBRIDGE_READINESS_INTERVAL_MS',
    86_400_000,
  ).optional(),
  /** Time to receive a request's headers, in ms (default 10000). */
  ORDERBRIDGE_HEADERS_TIMEOUT_MS: positiveInteger(
    'ORDERBRIDGE_HEADERS_TIMEOUT_MS',
    600_000,
  ).optional(),
  /** Time to receive a whole request, in ms (default 30000). */
  ORDERBRIDGE_REQUEST_TIMEOUT_MS: positiveInteger(
    'ORDERBRIDGE_REQUEST_TIMEOUT_MS',
    600_000,
  ).optional(),
  /** How long an idle keep-alive connection stays open, in ms (default 5000). */
  ORDERBRIDGE_KEEP_ALIVE_TIMEOUT_MS: positiveInteger(
    'ORDERBRIDGE_KEEP_ALIVE_TIMEOUT_MS',
    600_000,
  ).optional(),
  /** Concurrent connections (default 1000). */
  ORDERBRIDGE_MAX_CONNECTIONS: positiveInteger('ORDERBRIDGE_MAX_CONNECTIONS', 1_000_000).optional(),
  /** Largest request head in bytes (default 16384). */
  ORDERBRIDGE_MAX_HEADER_BYTES: positiveInteger(
    'ORDERBRIDGE_MAX_HEADER_BYTES',
    1_048_576,
  ).optional(),
  /** Overall deadline of one request, upstream retries included, in ms (default 30000). */
  ORDERBRIDGE_REQUEST_DEADLINE_MS: positiveInteger(
    'ORDERBRIDGE_REQUEST_DEADLINE_MS',
    600_000,
  ).optional(),
  /** How long a signed cursor stays valid, in ms (default 86400000, a day). */
  ORDERBRIDGE_CURSOR_LIFETIME_MS: positiveInteger(
    'ORDERBRIDGE_CURSOR_LIFETIME_MS',
    366 * 86_400_000,
  ).optional(),
  /** Upstream page requests one listing call may make (default 20). */
  ORDERBRIDGE_SCAN_MAX_PAGE_REQUESTS: positiveInteger(
    'ORDERBRIDGE_SCAN_MAX_PAGE_REQUESTS',
    10_000,
  ).optional(),
  /** Time after which a listing call requests no further upstream pages, in ms (default 10000). */
  ORDERBRIDGE_SCAN_MAX_DURATION_MS: positiveInteger(
    'ORDERBRIDGE_SCAN_MAX_DURATION_MS',
    600_000,
  ).optional(),
  /** Requests without a valid API key one client address may make per minute (default 60). */
  ORDERBRIDGE_UNAUTHENTICATED_REQUESTS_PER_MINUTE: positiveInteger(
    'ORDERBRIDGE_UNAUTHENTICATED_REQUESTS_PER_MINUTE',
    1_000_000,
  ).optional(),
  /** `false` keeps this process from delivering outgoing webhooks (default true with a store). */
  ORDERBRIDGE_WEBHOOK_DELIVERY: booleanVariable('ORDERBRIDGE_WEBHOOK_DELIVERY').optional(),
  /** `true` accepts webhook URLs over http to loopback hosts: development and tests only. */
  ORDERBRIDGE_WEBHOOK_ALLOW_HTTP_LOOPBACK: booleanVariable(
    'ORDERBRIDGE_WEBHOOK_ALLOW_HTTP_LOOPBACK',
  ).optional(),
  /** Time a webhook receiver has to answer, in ms (default 10000). */
  ORDERBRIDGE_WEBHOOK_TIMEOUT_MS: positiveInteger(
    'ORDERBRIDGE_WEBHOOK_TIMEOUT_MS',
    120_000,
  ).optional(),
  /** How long a deliverer holds a claimed delivery before another may take it, in ms (default 60000). */
  ORDERBRIDGE_WEBHOOK_LEASE_MS: positiveInteger(
    'ORDERBRIDGE_WEBHOOK_LEASE_MS',
    3_600_000,
  ).optional(),
  /** Wait between outbox polls when nothing is due, in ms (default 1000). */
  ORDERBRIDGE_WEBHOOK_POLL_INTERVAL_MS: positiveInteger(
    'ORDERBRIDGE_WEBHOOK_POLL_INTERVAL_MS',
    3_600_000,
  ).optional(),
  /** Ceiling of the first retry's delay, in ms (default 5000). */
  ORDERBRIDGE_WEBHOOK_RETRY_INITIAL_DELAY_MS: positiveInteger(
    'ORDERBRIDGE_WEBHOOK_RETRY_INITIAL_DELAY_MS',
    86_400_000,
  ).optional(),
  /** Largest delay between two attempts, in ms (default 3600000). */
  ORDERBRIDGE_WEBHOOK_RETRY_MAX_DELAY_MS: positiveInteger(
    'ORDERBRIDGE_WEBHOOK_RETRY_MAX_DELAY_MS',
    86_400_000,
  ).optional(),
  /** How long a delivery is retried, in ms (default 86400000, 24 h). */
  ORDERBRIDGE_WEBHOOK_RETRY_WINDOW_MS: positiveInteger(
    'ORDERBRIDGE_WEBHOOK_RETRY_WINDOW_MS',
    30 * 86_400_000,
  ).optional(),
  /**
   * `on`: this process also runs sync jobs, as `orderbridge worker` does, for every tenant's
   * providers (needs a PostgreSQL ORDERBRIDGE_DATABASE_URL). Default off.
   */
  ORDERBRIDGE_WORKER: z
    .enum(['on', 'off', 'true', 'false', '1', '0'], {
      error: 'ORDERBRIDGE_WORKER must be on or off',
    })
    .transform((value) => value === 'on' || value === 'true' || value === '1')
    .optional(),
  /** With ORDERBRIDGE_WORKER=on: time between two runs of a sync job, cluster-wide, in ms (default 300000). */
  ORDERBRIDGE_WORKER_INTERVAL_MS: positiveInteger(
    'ORDERBRIDGE_WORKER_INTERVAL_MS',
    7 * 86_400_000,
  ).optional(),
  /** With ORDERBRIDGE_WORKER=on: sync jobs this process runs at once (default 1). */
  ORDERBRIDGE_WORKER_CONCURRENCY: positiveInteger('ORDERBRIDGE_WORKER_CONCURRENCY', 64).optional(),
  /** With ORDERBRIDGE_WORKER=on: lease timeout of a sync job, in ms (default 30000). */
  ORDERBRIDGE_WORKER_LEASE_TIMEOUT_MS: positiveInteger(
    'ORDERBRIDGE_WORKER_LEASE_TIMEOUT_MS',
    86_400_000,
  ).optional(),
});

function isRedisUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'redis:' || url.protocol === 'rediss:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** The validated environment. */
export type ServiceEnvironment = z.output<typeof serviceEnvironmentSchema>;

/**
 * Reads the service's variables from an environment; empty values count as unset.
 * @throws ConfigurationError listing every invalid variable.
 */
export function readServiceEnvironment(
  env: Readonly<Record<string, string | undefined>>,
): ServiceEnvironment {
  const relevant: Record<string, string> = {};
  for (const name of Object.keys(serviceEnvironmentSchema.shape)) {
    const value = env[name];
    if (value !== undefined && value !== '') relevant[name] = value;
  }
  const result = serviceEnvironmentSchema.safeParse(relevant);
  if (result.success) return result.data;
  throw new ConfigurationError({
    setting: 'environment',
    message: `invalid environment:\n  - ${result.error.issues.map((issue) => issue.message).join('\n  - ')}`,
  });
}
