import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { ProblemError } from '../http/problem-error.js';
import type { ServiceEnv } from '../http/service-env.js';
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
    "200 when the configuration is loaded and every provider's last check succeeded; 503 (`not-ready`) otherwise, and while shutting down. Without credentials it says only ready or not ready; with a tenant's API key (`Authorization: Bearer`) it adds that tenant's provider checks.",
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
          }),
        },
      },
    },
    503: documentedProblem(
      'Not ready (`not-ready`); with an API key, `checks` has each of its tenant’s providers’ last check.',
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
    /** The tenant whose valid API key the request presents, if any. */
    tenantOf: (context: Context<ServiceEnv>) => string | undefined;
  },
): void {
  app.openapi(healthRoute, (context) => context.json({ status: 'ok' as const }, 200));

  app.openapi(readyRoute, (context) => {
    const report = dependencies.readiness?.report() ?? { isReady: true, checks: [] };
    // Which providers a deployment has, and why they fail, is for its tenants and operators only.
    const tenant = dependencies.tenantOf(context as unknown as Context<ServiceEnv>);
    const checks =
      tenant === undefined ? undefined : report.checks.filter((check) => check.tenant === tenant);
    if (checks !== undefined) context.header('cache-control', 'no-store');
    if (report.isReady) {
      return context.json({ status: 'ready' as const, ...(checks ? { checks } : {}) }, 200);
    }
    const failing = (checks ?? []).filter((check) => check.status !== 'ok');
    throw new ProblemError(
      'not-ready',
      {
        detail:
          failing.length > 0
            ? `Waiting for ${failing.map((check) => `${check.provider} (${check.status})`).join(', ')}.`
            : 'The service is not ready.',
        ...(checks ? { checks } : {}),
      },
      checks ? { 'cache-control': 'no-store' } : {},
    );
  });

  app.openapi(metricsRoute, async (context) => {
    const text = await dependencies.metrics.render();
    return context.text(text, 200, { 'content-type': dependencies.metrics.registry.contentType });
  });
}
