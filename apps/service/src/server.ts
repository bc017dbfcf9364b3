import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { TransportHooks } from '@orderbridge/core';
import { createApp, type OrderBridgeApp } from './app.js';
import { createTenantDefinitions } from './config/create-tenant-definitions.js';
import {
  DEFAULT_HOST,
  DEFAULT_PORT,
  DEFAULT_READINESS_INTERVAL_MS,
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
} from './config/service-config.js';
import type { TenantEntry } from './config/tenants-file.js';
import { createLogger, type ServiceLogger } from './observability/logger.js';
import { createServiceMetrics } from './observability/metrics.js';
import { createReadinessMonitor } from './observability/readiness.js';

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
  const hooks: TransportHooks = {
    onRequest(event) {
      metrics.transportHooks.onRequest?.(event);
      logger.debug(
        { provider: event.provider, method: event.method, url: event.url, attempt: event.attempt },
        'upstream request',
      );
    },
    onResponse(event) {
      metrics.transportHooks.onResponse?.(event);
      logger.debug(
        {
          provider: event.provider,
          method: event.method,
          url: event.url,
          status: event.status,
          durationMs: event.durationMs,
          upstreamRequestId: event.requestId,
        },
        'upstream response',
      );
    },
    onRetry(event) {
      metrics.transportHooks.onRetry?.(event);
      logger.debug(
        { provider: event.provider, url: event.url, attempt: event.attempt, reason: event.reason },
        'upstream retry',
      );
    },
    onError(event) {
      metrics.transportHooks.onError?.(event);
      logger.debug(
        { provider: event.provider, url: event.url, error: event.error.message },
        'upstream error',
      );
    },
  };
  const definitions = await createTenantDefinitions(options.tenants, {
    env: options.env ?? process.env,
    baseDir: options.baseDir,
    transport: { hooks },
  });
  const readiness = createReadinessMonitor(definitions, {
    onCheck: (check) => {
      if (check.status === 'failed') logger.warn({ check }, 'provider check failed');
    },
  });
  const app = createApp({
    tenants: definitions,
    cursorSecret: options.cursorSecret,
    redact: options.redact,
    logger,
    metrics,
    readiness,
  });

  const server = await listen(app, options.port ?? DEFAULT_PORT, options.host ?? DEFAULT_HOST);
  readiness.start(options.readinessIntervalMs ?? DEFAULT_READINESS_INTERVAL_MS);
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  logger.info(
    { url, tenants: definitions.map((tenant) => tenant.id) },
    'orderbridge-service listening',
  );

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
        server.close(() => {
          clearInterval(idle);
          clearTimeout(force);
          logger.info('shut down');
          resolve();
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}

async function listen(app: OrderBridgeApp, port: number, host: string): Promise<Server> {
  return new Promise<Server>((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname: host }) as Server;
    server.once('error', reject);
    server.once('listening', () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
