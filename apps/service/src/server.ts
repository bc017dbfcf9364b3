import { type Server, STATUS_CODES } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { hostname } from 'node:os';
import { serve } from '@hono/node-server';
import type { TenantEntry } from '@orderbridge/config';
import type { ScanBudget } from '@orderbridge/core';
import type { OrderStore, WebhookDeliverer } from '@orderbridge/store';
import { createApp, type OrderBridgeApp } from './app.js';
import { createTenantDefinitions } from './config/create-tenant-definitions.js';
import {
  DEFAULT_HOST,
  DEFAULT_PORT,
  DEFAULT_READINESS_INTERVAL_MS,
  DEFAULT_SERVER_LIMITS,
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
  type ServerLimits,
} from './config/service-config.js';
import type { WebhookSettings } from './config/webhook-settings.js';
import { openServicePool } from './database/open-service-pool.js';
import { createOrderRefresher } from './hooks/order-refresher.js';
import { createProblem, PROBLEM_CONTENT_TYPE, type ProblemName } from './http/problem.js';
import { securityHeaderLines } from './http/security-headers.js';
import { createDatabaseCheck, type DatabaseCheck } from './observability/database-check.js';
import { createLogger, type ServiceLogger } from './observability/logger.js';
import { createServiceMetrics, type ServiceMetrics } from './observability/metrics.js';
import { createReadinessMonitor } from './observability/readiness.js';
import { transportHooks } from './observability/transport-hooks.js';
import { openRateLimiter } from './rate-limit/open-rate-limiter.js';
import type { TenantDefinition } from './tenancy/tenant.js';

/** Options of {@link startServer}. Only `tenants` and `cursorSecret` are required. */
export interface StartServerOptions {
  /** Validated tenant entries (from a tenants file, or built in memory). */
  tenants: readonly TenantEntry[];
  /** Secret that signs cursors (at least 32 bytes); every instance must share it. */
  cursorSecret: string | Uint8Array;
  /** Environment the tenants' `{ "env": "NAME" }` references read (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>> | undefined;
  /** Folder relative module paths resolve against (the tenants file's folder). */
  baseDir?: string | undefined;
  /** TCP port (default 8080; 0 picks a free one, see `url`). */
  port?: number | undefined;
  /** Interface (default 127.0.0.1). */
  host?: string | undefined;
  /** Logger (default: JSON lines on stdout at `info`). */
  logger?: ServiceLogger | undefined;
  /** Mask customer emails and payment instrument tokens for tenants that do not say. */
  redact?: boolean | undefined;
  /** Grace period for in-flight requests at shutdown, in ms (default 10000). */
  shutdownTimeoutMs?: number | undefined;
  /** Interval of the provider checks behind `/readyz`, in ms (default 30000). */
  readinessIntervalMs?: number | undefined;
  /** Timeouts and limits of the HTTP server (each defaults as in `DEFAULT_SERVER_LIMITS`). */
  limits?: Partial<ServerLimits> | undefined;
  /** How long a signed cursor stays valid, in ms (default 24 h). */
  cursorLifetimeMs?: number | undefined;
  /** Upstream work one `GET /v1/orders` may do (default 20 page requests, 10 s). */
  scanBudget?: ScanBudget | undefined;
  /** Requests without a valid key one client address may make per minute (default 60). */
  unauthenticatedRequestsPerMinute?: number | undefined;
  /** Proxies whose `X-Forwarded-For` names the client (`ORDERBRIDGE_TRUSTED_PROXIES`). */
  trustedProxies?: readonly string[] | undefined;
  /**
   * The order store the `/v1/reports` endpoints read (`sqlite:…` or `postgres://…`; see
   * `ORDERBRIDGE_DATABASE_URL`). Opened (and migrated) at start, closed at shutdown. With a
   * PostgreSQL store the per-key rate limits are shared through it by every replica, and
   * `/readyz` checks the database.
   */
  databaseUrl?: string | undefined;
  /**
   * `redis://…` or `rediss://…` (`REDIS_URL`): share the per-key rate limits through Redis instead
   * (wins over PostgreSQL).
   */
  redisUrl?: string | undefined;
  /**
   * Outgoing webhooks: with a store, the service runs the deliverer unless `deliver` is false
   * (default: delivering, https only).
   */
  webhooks?: WebhookSettings | undefined;
  /**
   * Also run sync jobs for every tenant's providers (each into the tenant's store scope), as
   * `orderbridge worker` does, with the same loop (`runSyncWorker`); needs a PostgreSQL
   * `databaseUrl`. Stopped at `close()`: the running jobs commit their batch and release their leases.
   */
  worker?:
    | { intervalMs: number; concurrency?: number; leaseTimeoutMs?: number; workerId?: string }
    | undefined;
  /** Where `/v1/orders` reads when neither the request nor the tenant says (default `live`). */
  defaultSource?: 'live' | 'store' | undefined;
}

/** A listening service. */
export interface RunningServer {
  /** Base URL, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /** The bound port. */
  port: number;
  /** The Hono app it serves. */
  app: OrderBridgeApp;
  /**
   * Graceful shutdown: stops accepting connections, lets in-flight requests finish (closing each
   * keep-alive connection once idle), and after the grace period closes whatever is left.
   * Resolves when every connection is closed. Safe to call more than once.
   */
  close(): Promise<void>;
}

/**
 * Creates every tenant's providers, the app, the readiness checks and the HTTP server.
 * @throws ConfigurationError when a tenant's providers cannot be created (missing credential, bad
 * module); an Error when the port cannot be bound.
 */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const logger = options.logger ?? createLogger();
  const metrics = createServiceMetrics();
  const hooks = transportHooks(metrics, logger);
  const limits: ServerLimits = { ...DEFAULT_SERVER_LIMITS, ...definedOnly(options.limits ?? {}) };
  const definitions = await createTenantDefinitions(options.tenants, {
    env: options.env ?? process.env,
    baseDir: options.baseDir,
    transport: { hooks },
  });
  const readiness = createReadinessMonitor(definitions, {
    onCheck: (check, error) => {
      // The check says what clients may read; the error itself (upstream operation, provider's
      // message) is for the operators.
      if (check.status === 'failed') {
        logger.warn(
          { check, error: error instanceof Error ? error.message : undefined },
          'provider check failed',
        );
      }
    },
  });
  // Loaded only when configured: the store and its database drivers are not needed otherwise.
  const store =
    options.databaseUrl === undefined
      ? undefined
      : await (await import('@orderbridge/store')).createOrderStore({ url: options.databaseUrl });
  const orderRefresher = store ? createOrderRefresher({ store, logger }) : undefined;
  const hooked = definitions.filter((tenant) => tenant.incomingWebhooks?.flexfactor);
  if (hooked.length > 0 && store === undefined) {
    logger.warn(
      { tenants: hooked.map((tenant) => tenant.id) },
      'incoming webhooks are configured but no order store is (ORDERBRIDGE_DATABASE_URL): they will be answered 500',
    );
  }
  // With PostgreSQL, replicas share their rate limits through it and are ready only while it
  // answers; the service's own small pool keeps those queries out of the store's pool.
  const pool =
    store?.dialect === 'postgres' && options.databaseUrl !== undefined
      ? openServicePool(options.databaseUrl)
      : undefined;
  let databaseCheck: DatabaseCheck | undefined;
  if (pool !== undefined) {
    databaseCheck = createDatabaseCheck(() => pool.query('select 1'), {
      onFailure: (error) =>
        logger.warn(
          { error: error instanceof Error ? error.message : String(error) },
          'database check failed: not ready',
        ),
    });
  }
  const rateLimits = await openRateLimiter({
    redisUrl: options.redisUrl,
    pool,
    logger,
    onStoreFailure: (failure) =>
      metrics.countRateLimitStoreFailure({ store: failure.store, operation: failure.operation }),
  }).catch(async (error: unknown) => {
    await pool?.end().catch(() => {});
    await orderRefresher?.close().catch(() => {});
    await store?.close().catch(() => {});
    throw error;
  });
  const worker =
    options.worker === undefined || store === undefined
      ? undefined
      : await startSyncWorker(store, definitions, options.worker, logger);
  const app = createApp({
    rateLimiter: rateLimits.limiter,
    databaseCheck,
    store,
    orderRefresher,
    tenants: definitions,
    cursorSecret: options.cursorSecret,
    redact: options.redact,
    logger,
    metrics,
    readiness,
    cursorLifetimeMs: options.cursorLifetimeMs,
    scanBudget: options.scanBudget,
    unauthenticatedRequestsPerMinute: options.unauthenticatedRequestsPerMinute,
    trustedProxies: options.trustedProxies,
    requestDeadlineMs: limits.requestDeadlineMs,
    webhookAllowHttpLoopback: options.webhooks?.allowHttpLoopback,
    defaultSource: options.defaultSource,
  });

  const server = await listen(
    app,
    options.port ?? DEFAULT_PORT,
    options.host ?? DEFAULT_HOST,
    limits,
    logger,
  );
  readiness.start(options.readinessIntervalMs ?? DEFAULT_READINESS_INTERVAL_MS);
  const deliverer =
    store !== undefined && options.webhooks?.deliver !== false
      ? await startWebhookDeliverer(store, options.webhooks, logger, metrics)
      : undefined;
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  logger.info(
    { url, tenants: definitions.map((tenant) => tenant.id), rateLimits: rateLimits.store },
    'orderbridge-service listening',
  );
  // Log lines are written in batches; whoever waits for this one should not wait for the batch.
  logger.flush();

  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
  let closing: Promise<void> | undefined;
  return {
    url,
    port: address.port,
    app,
    close() {
      closing ??= new Promise<void>((resolve) => {
        readiness.stop();
        logger.info({ shutdownTimeoutMs }, 'shutting down: no new connections, draining requests');
        // Keep-alive connections become idle once their response is sent: close them as they do.
        const idle = setInterval(() => server.closeIdleConnections(), 50);
        const force = setTimeout(() => {
          logger.warn('grace period over: closing the remaining connections');
          server.closeAllConnections();
        }, shutdownTimeoutMs);
        const stopWorker = worker?.stop() ?? Promise.resolve();
        server.close(() => {
          clearInterval(idle);
          clearTimeout(force);
          // Refreshes in progress, the delivery round in flight and the worker's sync jobs finish
          // before the store they use closes; what the round did not finish stays in the outbox.
          const closeStore = Promise.all([
            Promise.all([
              orderRefresher?.close() ?? Promise.resolve(),
              deliverer?.stop() ?? Promise.resolve(),
              stopWorker,
            ]).then(() => store?.close()),
            rateLimits.close().then(() => pool?.end()),
          ]);
          closeStore
            .catch((error: unknown) =>
              logger.warn({ err: error }, 'closing the order store failed'),
            )
            .then(() => {
              logger.info('shut down');
              resolve();
            });
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}

/** Starts the outgoing-webhook deliverer on the service's store, logging each attempt. */
async function startWebhookDeliverer(
  store: OrderStore,
  settings: WebhookSettings | undefined,
  logger: ServiceLogger,
  metrics: ServiceMetrics,
): Promise<WebhookDeliverer> {
  const { createWebhookDeliverer } = await import('@orderbridge/store');
  const deliverer = createWebhookDeliverer({
    store,
    allowLoopback: settings?.allowHttpLoopback ?? false,
    timeoutMs: settings?.timeoutMs,
    leaseMs: settings?.leaseMs,
    pollIntervalMs: settings?.pollIntervalMs,
    retrySchedule: settings?.retrySchedule,
    onAttempt: (attempt) => {
      metrics.observeWebhookAttempt(attempt, attempt.durationMs / 1000);
      if (attempt.endpointDisabled) metrics.observeWebhookEndpointDisabled();
      if (attempt.outcome === 'delivered') logger.debug({ webhook: attempt }, 'webhook delivered');
      else logger.warn({ webhook: attempt }, 'webhook delivery attempt failed');
      if (attempt.endpointDisabled) {
        logger.warn({ endpointId: attempt.endpointId }, 'webhook endpoint disabled after failing');
      }
    },
    onError: (error) => logger.warn({ err: error }, 'webhook delivery round failed'),
  });
  deliverer.start();
  return deliverer;
}

async function listen(
  app: OrderBridgeApp,
  port: number,
  host: string,
  limits: ServerLimits,
  logger: ServiceLogger,
): Promise<Server> {
  return new Promise<Server>((resolve, reject) => {
    const server = serve({
      fetch: app.fetch,
      port,
      hostname: host,
      // Node's own limits, set explicitly rather than inherited: a client that sends its headers
      // or body slowly, or huge headers, or holds idle connections, is cut off.
      serverOptions: {
        headersTimeout: limits.headersTimeoutMs,
        requestTimeout: limits.requestTimeoutMs,
        keepAliveTimeout: limits.keepAliveTimeoutMs,
        maxHeaderSize: limits.maxHeaderBytes,
      },
    }) as Server;
    // Connections beyond this are closed at once by Node.
    server.maxConnections = limits.maxConnections;
    server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
      logger.debug({ code: error.code, error: error.message }, 'malformed or slow client request');
      answerClientError(error, socket);
    });
    server.once('error', reject);
    server.once('listening', () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

/**
 * Answers a request Node refused before the app saw it (headers too large, a request that took
 * too long to arrive, bytes that are not HTTP) with a problem+json like every other error, instead
 * of Node's bare status line; then closes the connection.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const [name, detail]: [ProblemName, string] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? ['headers-too-large', 'The request headers are larger than this service accepts.']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? ['request-timeout', 'The request did not arrive completely in time.']
        : ['bad-request', 'The request is not valid HTTP.'];
  const body = JSON.stringify(createProblem(name, { detail }));
  const status = createProblem(name, { detail }).status;
  socket.end(
    [
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`,
      `content-type: ${PROBLEM_CONTENT_TYPE}`,
      `content-length: ${Buffer.byteLength(body)}`,
      'cache-control: no-store',
      ...securityHeaderLines(),
      'connection: close',
      '',
      body,
    ].join('\r\n'),
  );
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, entry]) => entry !== undefined),
  ) as Partial<T>;
}

/**
 * Runs the sync worker role next to the HTTP server: one job per (tenant, provider), into the
 * tenant's store scope. Events are logged one line each, as `orderbridge worker` prints them.
 */
async function startSyncWorker(
  store: OrderStore,
  definitions: readonly TenantDefinition[],
  settings: NonNullable<StartServerOptions['worker']>,
  logger: ServiceLogger,
): Promise<{ stop(): Promise<void> }> {
  const { runSyncWorker } = await import('@orderbridge/store');
  const controller = new AbortController();
  const workerId = settings.workerId ?? `${hostname()}:${process.pid}`;
  const running = runSyncWorker({
    store,
    jobs: definitions.flatMap((tenant) =>
      tenant.providers.map((provider) => ({ scope: tenant.storeScope ?? tenant.id, provider })),
    ),
    workerId,
    intervalMs: settings.intervalMs,
    ...(settings.concurrency !== undefined ? { concurrency: settings.concurrency } : {}),
    ...(settings.leaseTimeoutMs !== undefined ? { leaseTimeoutMs: settings.leaseTimeoutMs } : {}),
    signal: controller.signal,
    onEvent: (event) => {
      if (event.type === 'error') {
        logger.warn({ workerId, err: event.error }, 'sync worker error');
        return;
      }
      const job = `${event.lease.scope}/${event.lease.provider}`;
      const fields = { workerId, job, generation: event.lease.generation };
      if (event.type === 'job-start') {
        logger.info({ ...fields, mode: event.mode, resumed: event.resumed }, 'sync job started');
      } else if (event.type === 'job-end') {
        logger.info(
          { ...fields, outcome: event.outcome, counts: event.result.counts },
          'sync job finished',
        );
      } else {
        logger.warn(fields, 'sync job lease lost');
      }
    },
  }).catch((error: unknown) => logger.error({ err: error }, 'sync worker stopped'));
  logger.info({ workerId }, 'sync worker started');
  return {
    async stop() {
      controller.abort();
      await running;
    },
  };
}
