import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import {
  type ClientCallOptions,
  type Order,
  type OrderQueryInput,
  ProviderApiError,
  parseOrderKey,
} from '@orderbridge/core';
import type { OrderStore } from '@orderbridge/store';
import type { CursorSigner } from '../cursor/cursor-signer.js';
import { jsonResponse } from '../http/json-body.js';
import { createProblem } from '../http/problem.js';
import { ProblemError } from '../http/problem-error.js';
import { problemFromError } from '../http/problem-from-error.js';
import type { ServiceEnv } from '../http/service-env.js';
import type { ServiceLogger } from '../observability/logger.js';
import {
  getOrderQuerySchema,
  type ListOrdersRequest,
  listOrdersQuerySchema,
  type OrderSource,
  toListOrdersRequest,
} from '../query/list-orders-query.js';
import { redactOrder } from '../redaction/redact-order.js';
import type { Tenant } from '../tenancy/tenant.js';
import { projectOrders } from './order-projection.js';
import {
  AUTHENTICATED_PROBLEMS,
  documentedProblem,
  RETRY_AFTER_HEADER,
} from './problem-responses.js';
import { orderPageResponseSchema, orderResponseSchema } from './schemas.js';
import {
  oldestSync,
  requireStore,
  SOURCE_HEADER,
  SYNCED_AT_HEADER,
  storeFreshness,
} from './store-source.js';

const SOURCE_HEADERS = {
  'OrderBridge-Source': z.enum(['live', 'store']).openapi({
    description: 'Which source answered: `live` (the providers) or `store` (the order store).',
  }),
  'OrderBridge-Synced-At': z.string().optional().openapi({
    description:
      'Store answers only: the oldest end of a successful sync run among the providers read (ISO 8601 UTC), so every order in the answer is at least this fresh. Absent when one of them never completed a sync.',
  }),
};

const STORE_PROBLEMS = {
  503: documentedProblem(
    'A provider is unavailable, rate-limited or unreachable (`provider-unavailable`; names the provider, `Retry-After` is set when the provider said how long to wait), or `source=store` was asked of a service without an order store (`store-not-configured`: set `ORDERBRIDGE_DATABASE_URL`).',
    { 'Retry-After': RETRY_AFTER_HEADER },
  ),
};

/** Longest order key accepted in a path. */
const MAX_KEY_LENGTH = 512;

const listOrdersRoute = createRoute({
  method: 'get',
  path: '/v1/orders',
  operationId: 'listOrders',
  tags: ['Orders'],
  summary: 'List orders',
  description:
    "One page of the tenant's orders, merged across its providers in the requested sort order. Follow `nextCursor` (or the `Link: rel=\"next\"` header) for the next page; a cursor is signed, carries its query (pass it alone to continue), is valid only for a key of the same tenant, and expires (default 24 h: `cursor-expired`). Unknown parameters are rejected. A filter a provider cannot apply is applied while scanning its pages; one call scans at most its scan budget of upstream pages (default 20) and time (default 10 s), then returns the orders found so far with a `nextCursor` that continues the scan and a `scan-budget-exhausted` warning. Upstream page requests beyond the first count against the key's rate limit.\n\nWith `source=store` (or a tenant whose default source is `store`) the page is read from the order store instead: the tenant's own store scope and providers only, every filter and sort answered by an index range scan (`search` is a substring test on the rows the other filters and the sort select), no upstream request, no scan budget. The body says `source` and, per provider, `freshness` (the end of its last successful sync). Its cursor is bound to the query, scope and providers: repeat the same parameters with it (the `Link` header does). `includeRaw` is refused (the store keeps canonical documents only); vanished orders are left out.",
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
        ...SOURCE_HEADERS,
      }),
      content: { 'application/json': { schema: orderPageResponseSchema } },
    },
    ...AUTHENTICATED_PROBLEMS,
    ...STORE_PROBLEMS,
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
    "One order by its key. An order of a provider the tenant does not have, or one the tenant's provider account cannot see, is 404. An id that is empty, `.` or `..`, or holds `/` or a control character is 400 (`invalid-query`), and no provider is asked. With `source=store` the order is read from the order store (the tenant's scope); an order the store has not seen (not synced yet) is 404 saying so, and a vanished order is returned with an `OrderBridge-Vanished-At` header.",
  security: [{ bearerAuth: [] }],
  request: { params: keyParameter, query: getOrderQuerySchema },
  responses: {
    200: {
      description: 'The order.',
      headers: z.object({
        ...SOURCE_HEADERS,
        'OrderBridge-Vanished-At': z.string().optional().openapi({
          description:
            'Store answers only: when a full sync last missed the order at its provider (ISO 8601 UTC); absent while the provider still lists it.',
        }),
      }),
      content: { 'application/json': { schema: orderResponseSchema } },
    },
    404: documentedProblem(
      'No such order for this tenant (`not-found`); with `source=store`, the store has not seen it.',
    ),
    ...AUTHENTICATED_PROBLEMS,
    ...STORE_PROBLEMS,
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
  /** The order store `source=store` reads; none: such requests are 503 `store-not-configured`. */
  store: OrderStore | undefined;
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
    const source = sourceOf(request.source, tenant);
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
    context.header(SOURCE_HEADER, source);
    if (source === 'store') {
      const store = requireStore(dependencies.store, 'source=store');
      const page = await listFromStore(store, tenant, request, query);
      const nextCursor =
        page.nextCursor === null ? null : dependencies.signer.sign(tenant.id, page.nextCursor);
      const syncedAt = oldestSync(page.freshness);
      if (syncedAt !== undefined) context.header(SYNCED_AT_HEADER, syncedAt);
      if (nextCursor !== null) {
        context.header('link', `<${nextPageUrl(context.req.url, nextCursor)}>; rel="next"`);
      }
      const body: Record<string, unknown> = {
        orders: present(tenant, page.orders, request.fields),
        nextCursor,
        warnings: [],
        ...(request.isPartial ? { errors: [] } : {}),
        source,
        freshness: page.freshness,
      };
      return jsonResponse(context, body as z.infer<typeof orderPageResponseSchema>, 200);
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
      source,
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
    return jsonResponse(context, body as z.infer<typeof orderPageResponseSchema>, 200);
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
    const parameters = context.req.valid('query');
    const source = sourceOf(parameters.source, tenant);
    context.header(SOURCE_HEADER, source);
    if (source === 'store') {
      const store = requireStore(dependencies.store, 'source=store');
      refuseRawFromStore(parameters.includeRaw);
      const [stored, freshness] = await Promise.all([
        store.getOrder(key, tenant.storeScope),
        storeFreshness(store, tenant.storeScope, [parsed.provider]),
      ]);
      const syncedAt = freshness[0]?.lastSyncedAt ?? null;
      if (stored === null) {
        throw new ProblemError('not-found', {
          detail: `The order store has not seen order ${key}: ${
            syncedAt === null
              ? `provider "${parsed.provider}" has not completed a sync for this tenant yet`
              : `provider "${parsed.provider}" was last synced at ${syncedAt}`
          }. Ask with source=live to read the provider, or sync again.`,
        });
      }
      if (syncedAt !== null) context.header(SYNCED_AT_HEADER, syncedAt);
      if (stored.vanishedAt !== null) context.header('orderbridge-vanished-at', stored.vanishedAt);
      return jsonResponse(
        context,
        present(tenant, [stored.order], parameters.fields)[0] as z.infer<
          typeof orderResponseSchema
        >,
        200,
      );
    }
    try {
      const order = await tenant.client.get(key, {
        signal: context.get('signal'),
        includeRaw: parameters.includeRaw ?? false,
      });
      return jsonResponse(
        context,
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

/** The request's `source`, else the tenant's default. */
function sourceOf(requested: OrderSource | undefined, tenant: Tenant): OrderSource {
  return requested ?? tenant.defaultSource;
}

/**
 * The store keeps canonical documents without the provider's wire object.
 * @throws ProblemError (`invalid-query` on `includeRaw`) when it is asked for.
 */
function refuseRawFromStore(includeRaw: boolean | undefined): void {
  if (includeRaw !== true) return;
  throw new ProblemError('invalid-query', {
    detail:
      "includeRaw cannot be answered with source=store: the store keeps canonical orders without the provider's wire object; ask with source=live.",
    errors: [{ field: 'includeRaw', message: 'is not available with source=store' }],
  });
}

/**
 * One page from the order store: the tenant's scope, its providers (or the requested subset of
 * them), and each provider's freshness.
 * @throws ProblemError for `includeRaw` or a provider the tenant does not have; InvalidQueryError
 * from the store for a bad query or cursor.
 */
async function listFromStore(
  store: OrderStore,
  tenant: Tenant,
  request: ListOrdersRequest,
  query: OrderQueryInput,
) {
  refuseRawFromStore(request.includeRaw);
  const configured = tenant.providers.map((provider) => provider.id);
  const unknown = (request.providers ?? []).filter((id) => !configured.includes(id));
  if (unknown.length > 0) {
    throw new ProblemError('invalid-query', {
      detail: `Invalid query: provider: unknown provider${unknown.length > 1 ? 's' : ''} ${unknown.map((id) => `"${id}"`).join(', ')}; configured: ${configured.join(', ')}`,
      errors: [
        {
          field: 'provider',
          message: `unknown provider ${unknown.map((id) => `"${id}"`).join(', ')}; configured: ${configured.join(', ')}`,
        },
      ],
    });
  }
  const providers =
    request.providers !== undefined && request.providers.length > 0
      ? [...new Set(request.providers)].sort()
      : [...configured].sort();
  const [page, freshness] = await Promise.all([
    store.listOrders({ scope: tenant.storeScope, providers, query }),
    storeFreshness(store, tenant.storeScope, providers),
  ]);
  return { ...page, freshness };
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
