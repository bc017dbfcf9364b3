import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import {
  type ClientCallOptions,
  type Order,
  type OrderQueryInput,
  ProviderApiError,
  parseOrderKey,
} from '@orderbridge/core';
import type { CursorSigner } from '../cursor/cursor-signer.js';
import { createProblem } from '../http/problem.js';
import { ProblemError } from '../http/problem-error.js';
import { problemFromError } from '../http/problem-from-error.js';
import type { ServiceEnv } from '../http/service-env.js';
import type { ServiceLogger } from '../observability/logger.js';
import {
  getOrderQuerySchema,
  listOrdersQuerySchema,
  toListOrdersRequest,
} from '../query/list-orders-query.js';
import { redactOrder } from '../redaction/redact-order.js';
import type { Tenant } from '../tenancy/tenant.js';
import { projectOrders } from './order-projection.js';
import { AUTHENTICATED_PROBLEMS, documentedProblem } from './problem-responses.js';
import { orderPageResponseSchema, orderResponseSchema } from './schemas.js';

/** Longest order key accepted in a path. */
const MAX_KEY_LENGTH = 512;

const listOrdersRoute = createRoute({
  method: 'get',
  path: '/v1/orders',
  operationId: 'listOrders',
  tags: ['Orders'],
  summary: 'List orders',
  description:
    'One page of the tenant\'s orders, merged across its providers in the requested sort order. Follow `nextCursor` (or the `Link: rel="next"` header) for the next page; a cursor is signed, carries its query (pass it alone to continue), is valid only for a key of the same tenant, and expires (default 24 h: `cursor-expired`). Unknown parameters are rejected. A filter a provider cannot apply is applied while scanning its pages; one call scans at most its scan budget of upstream pages (default 20) and time (default 10 s), then returns the orders found so far with a `nextCursor` that continues the scan and a `scan-budget-exhausted` warning. Upstream page requests beyond the first count against the key\'s rate limit.',
  security: [{ bearerAuth: [] }],
  request: { query: listOrdersQuerySchema },
  responses: {
    200: {
      description:
        'One page. With `partial=true`, `errors` lists providers that failed and whose orders are missing.',
      headers: z.object({
        Link: z.string().optional().openapi({
          description: '`<...&cursor=...>; rel="next"` when more orders remain.',
        }),
        'X-Request-Id': z.string().openapi({ description: 'The request id.' }),
      }),
      content: { 'application/json': { schema: orderPageResponseSchema } },
    },
    ...AUTHENTICATED_PROBLEMS,
  },
});

const keyParameter = z.object({
  key: z
    .string()
    .min(3)
    .max(MAX_KEY_LENGTH)
    .openapi({
      param: { name: 'key', in: 'path' },
      description: 'The order key, `<provider>:<id>` (e.g. `flexportal:ord_123`).',
      example: 'flexportal:ord_123',
    }),
});

const getOrderRoute = createRoute({
  method: 'get',
  path: '/v1/orders/{key}',
  operationId: 'getOrder',
  tags: ['Orders'],
  summary: 'Get an order',
  description:
    "One order by its key. An order of a provider the tenant does not have, or one the tenant's provider account cannot see, is 404. An id that is empty, `.` or `..`, or holds `/` or a control character is 400 (`invalid-query`), and no provider is asked.",
  security: [{ bearerAuth: [] }],
  request: { params: keyParameter, query: getOrderQuerySchema },
  responses: {
    200: {
      description: 'The order.',
      content: { 'application/json': { schema: orderResponseSchema } },
    },
    404: documentedProblem('No such order for this tenant (`not-found`).'),
    ...AUTHENTICATED_PROBLEMS,
  },
});

/** What the order routes need from the app. */
export interface OrderRouteDependencies {
  /** Signs and verifies composite cursors. */
  signer: CursorSigner;
  /** Clock for relative times. */
  now: () => number;
  /** For per-provider failures of partial answers. */
  logger: ServiceLogger;
}

/** Registers `GET /v1/orders` and `GET /v1/orders/{key}`. */
export function registerOrderRoutes(
  app: OpenAPIHono<ServiceEnv>,
  dependencies: OrderRouteDependencies,
): void {
  app.openapi(listOrdersRoute, async (context) => {
    const tenant = context.get('tenant');
    const request = toListOrdersRequest(context.req.valid('query'), dependencies.now);
    let query: OrderQueryInput = request.query;
    if (query.cursor !== undefined) {
      const checked = dependencies.signer.check(tenant.id, query.cursor);
      if (checked.status === 'expired') {
        throw new ProblemError('cursor-expired', {
          detail: `The cursor was issued at ${checked.issuedAt.toISOString()} and has expired; start the listing again without a cursor.`,
          errors: [{ field: 'cursor', message: 'has expired' }],
        });
      }
      if (checked.status === 'invalid') {
        throw new ProblemError('invalid-cursor', {
          detail:
            'The cursor is not one this service issued for this tenant (forged, altered or truncated); use the nextCursor of a previous page unchanged.',
          errors: [{ field: 'cursor', message: 'has an invalid signature' }],
        });
      }
      query = { ...query, cursor: checked.cursor };
    }
    const options: ClientCallOptions = {
      onProviderError: request.isPartial ? 'partial' : 'fail',
      includeRaw: request.includeRaw,
      signal: context.get('signal'),
      ...(request.providers !== undefined ? { providers: request.providers } : {}),
    };
    const result = await tenant.client.list(query, options);
    // The request itself paid for one upstream request; a scan that needed more pays for them too.
    await context.get('chargeRequests')(result.scanned.pageRequests - 1);
    const nextCursor =
      result.nextCursor === null ? null : dependencies.signer.sign(tenant.id, result.nextCursor);
    const body: Record<string, unknown> = {
      orders: present(tenant, result.orders, request.fields),
      nextCursor,
      warnings: result.warnings,
    };
    if (request.isPartial) {
      body.errors = result.errors.map((failure) => {
        const { name, init } = problemFromError(failure.error);
        const problem = createProblem(name, init);
        dependencies.logger.warn(
          {
            requestId: context.get('requestId'),
            tenant: tenant.id,
            provider: failure.provider,
            error: failure.error.message,
          },
          'provider failed; answering with partial results',
        );
        return {
          provider: failure.provider,
          type: problem.type,
          title: problem.title,
          detail: problem.detail,
          status: problem.status,
          ...(problem.kind !== undefined ? { kind: problem.kind } : {}),
          ...(problem.providerStatus !== undefined
            ? { providerStatus: problem.providerStatus }
            : {}),
          ...(problem.providerRequestId !== undefined
            ? { providerRequestId: problem.providerRequestId }
            : {}),
        };
      });
    }
    if (nextCursor !== null) {
      context.header('link', `<${nextPageUrl(context.req.url, nextCursor)}>; rel="next"`);
    }
    return context.json(body as z.infer<typeof orderPageResponseSchema>, 200);
  });

  app.openapi(getOrderRoute, async (context) => {
    const tenant = context.get('tenant');
    const { key } = context.req.valid('param');
    const parsed = parseOrderKey(key);
    if (!parsed) {
      throw new ProblemError('invalid-query', {
        detail: `"${key}" is not an order key; use <provider>:<id>, e.g. flexportal:ord_123`,
        errors: [{ field: 'key', message: 'must be <provider>:<id>' }],
      });
    }
    const notFound = () =>
      new ProblemError('not-found', { detail: `No order ${key} for this API key.` });
    // Another tenant's provider, or one nobody has: 404 either way, so existence does not leak.
    if (!tenant.providers.some((provider) => provider.id === parsed.provider)) throw notFound();
    try {
      const parameters = context.req.valid('query');
      const order = await tenant.client.get(key, {
        signal: context.get('signal'),
        includeRaw: parameters.includeRaw ?? false,
      });
      return context.json(
        present(tenant, [order], parameters.fields)[0] as z.infer<typeof orderResponseSchema>,
        200,
      );
    } catch (error) {
      // A provider that cannot parse the id (400) or does not know it (404) both mean: no such order.
      if (
        ProviderApiError.isInstance(error) &&
        (error.kind === 'not_found' || error.kind === 'bad_request')
      ) {
        throw notFound();
      }
      throw error;
    }
  });
}

/** The orders as the response carries them: projected to `fields`, then redacted for the tenant. */
function present(
  tenant: Tenant,
  orders: Order[],
  fields: readonly string[] | undefined,
): Record<string, unknown>[] {
  const projected = projectOrders(orders, fields);
  return tenant.redact ? projected.map((order) => redactOrder(order as Order)) : projected;
}

/**
 * The next page's URL: the same path and parameters with the new cursor. Relative, so a spoofed
 * `Host` header cannot point clients elsewhere.
 */
function nextPageUrl(requestUrl: string, cursor: string): string {
  const url = new URL(requestUrl);
  const parameters = new URLSearchParams(url.search);
  parameters.delete('cursor');
  parameters.append('cursor', cursor);
  return `${url.pathname}?${parameters.toString()}`;
}
