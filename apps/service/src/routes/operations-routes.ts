import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { ProblemError } from '../http/problem-error.js';
import type { ServiceEnv } from '../http/service-env.js';
import type { DatabaseCheck } from '../observability/database-check.js';
import type { ServiceMetrics } from '../observability/metrics.js';
import type { ReadinessMonitor } from '../observability/readiness.js';
import { documentedProblem } from './problem-responses.js';

const checkSchema = z
  .object({
    tenant: z.string().openapi({ description: 'Tenant id.' }),
    provider: z.string().openapi({ description: 'Provider id.' }),
    status: z
      .enum(['pending', 'ok', 'failed'])
      .openapi({ description: '`pending` until the first check finishes.' }),
    checkedAt: z.string().optional().openapi({ description: 'When the last check finished.' }),
    error: z.string().optional().openapi({ description: 'Why the last check failed.' }),
  })
  .openapi('ProviderCheck', { description: "One provider's last readiness check." });

const databaseCheckSchema = z
  .object({
    status: z.enum(['ok', 'failed']).openapi({
      description: '`ok` when the database answered a trivial query within the check timeout.',
    }),
    checkedAt: z.string().openapi({ description: 'When the check finished.' }),
    error: z.string().optional().openapi({ description: 'Why the check failed.' }),
  })
  .openapi('DatabaseCheck', {
    description:
      "The PostgreSQL store's last check (at most one query per second and replica, however often it is probed).",
  });

const healthRoute = createRoute({
  method: 'get',
  path: '/healthz',
  operationId: 'health',
  // No authentication: probes and scrapers call these without an API key.
  security: [],
  tags: ['Operations'],
  summary: 'Liveness',
  description: 'Answers 200 while the process runs; checks nothing else.',
  responses: {
    200: {
      description: 'The process is alive.',
      content: {
        'application/json': {
          schema: z.object({ status: z.literal('ok').openapi({ description: 'Always `ok`.' }) }),
        },
      },
    },
  },
});

const readyRoute = createRoute({
  method: 'get',
  path: '/readyz',
  operationId: 'ready',
  // A key is optional: without one the answer is only ready or not; with one it adds the checks.
  security: [{}, { bearerAuth: [] }],
  tags: ['Operations'],
  summary: 'Readiness',
  description:
    "200 when the configuration is loaded, every provider's last check succeeded and, with a PostgreSQL store, the database answers a trivial query within a second; 503 (`not-ready`) otherwise, and while shutting down. Without credentials it says only ready or not ready; with a tenant's API key (`Authorization: Bearer`) it adds that tenant's provider checks and the database check.",
  responses: {
    200: {
      description: 'Ready.',
      content: {
        'application/json': {
          schema: z.object({
            status: z.literal('ready').openapi({ description: 'Always `ready`.' }),
            checks: z.array(checkSchema).optional().openapi({
              description: "With an API key: each of the key's tenant's providers' last check.",
            }),
            database: databaseCheckSchema.optional().openapi({
              description: 'With an API key and a PostgreSQL store: the database check.',
            }),
          }),
        },
      },
    },
    503: documentedProblem(
      'Not ready (`not-ready`); with an API key, `checks` has each of its tenant’s providers’ last check and `database` the database check (with a PostgreSQL store).',
    ),
  },
});

const metricsRoute = createRoute({
  method: 'get',
  path: '/metrics',
  operationId: 'metrics',
  // No authentication: probes and scrapers call these without an API key.
  security: [],
  tags: ['Operations'],
  summary: 'Prometheus metrics',
  description:
    'Requests by route and status, latency, upstream requests, retries and errors by provider, and process metrics, in the Prometheus text format.',
  responses: {
    200: {
      description: 'The metrics.',
      content: { 'text/plain': { schema: z.string() } },
    },
  },
});

/** Registers `/healthz`, `/readyz` and `/metrics`. */
export function registerOperationsRoutes(
  app: OpenAPIHono<ServiceEnv>,
  dependencies: {
    metrics: ServiceMetrics;
    readiness: ReadinessMonitor | undefined;
    /** The PostgreSQL store's check, when the service has one. */
    database?: DatabaseCheck | undefined;
    /** The tenant whose valid API key the request presents, if any. */
    tenantOf: (context: Context<ServiceEnv>) => string | undefined;
  },
): void {
  app.openapi(healthRoute, (context) => context.json({ status: 'ok' as const }, 200));

  app.openapi(readyRoute, async (context) => {
    const report = dependencies.readiness?.report() ?? { isReady: true, checks: [] };
    const database = await dependencies.database?.check();
    const isReady = report.isReady && database?.status !== 'failed';
    // Which providers a deployment has, and why they fail, is for its tenants and operators only.
    const tenant = dependencies.tenantOf(context as unknown as Context<ServiceEnv>);
    const checks =
      tenant === undefined ? undefined : report.checks.filter((check) => check.tenant === tenant);
    if (checks !== undefined) context.header('cache-control', 'no-store');
    // The database's state is detail like the provider checks: only for a key's holder.
    const databaseDetail = checks && database ? { database } : {};
    if (isReady) {
      return context.json(
        { status: 'ready' as const, ...(checks ? { checks } : {}), ...databaseDetail },
        200,
      );
    }
    const failing = [
      ...(checks ?? [])
        .filter((check) => check.status !== 'ok')
        .map((check) => `${check.provider} (${check.status})`),
      ...(checks && database?.status === 'failed' ? [`the database (${database.error})`] : []),
    ];
    throw new ProblemError(
      'not-ready',
      {
        detail:
          failing.length > 0 ? `Waiting for ${failing.join(', ')}.` : 'The service is not ready.',
        ...(checks ? { checks } : {}),
        ...databaseDetail,
      },
      checks ? { 'cache-control': 'no-store' } : {},
    );
  });

  app.openapi(metricsRoute, async (context) => {
    const text = await dependencies.metrics.render();
    return context.text(text, 200, { 'content-type': dependencies.metrics.registry.contentType });
  });
}
