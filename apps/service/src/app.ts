import { OpenAPIHono } from '@hono/zod-openapi';
import { linkAbort, type ScanBudget } from '@orderbridge/core';
import type { OrderStore } from '@orderbridge/store';
import type { Context } from 'hono';
import { matchedRoutes } from 'hono/route';
import { createAddressThrottle } from './auth/address-throttle.js';
import { createApiKeyIndex } from './auth/api-key.js';
import { authenticate } from './auth/authenticate.js';
import { readBearerToken } from './auth/bearer-token.js';
import { createCursorSigner } from './cursor/cursor-signer.js';
import { registerDashboardRoutes } from './dashboard/dashboard-routes.js';
import { registerIncomingWebhookRoutes } from './hooks/incoming-webhook-routes.js';
import { createOrderRefresher, type OrderRefresher } from './hooks/order-refresher.js';
import { clientAddress, compileTrustedProxies } from './http/client-address.js';
import { respondWithProblem } from './http/problem.js';
import { describeIssues, fieldErrorsFromZod, problemFromError } from './http/problem-from-error.js';
import { requestIdFrom } from './http/request-id.js';
import { securityHeaders } from './http/security-headers.js';
import type { ServiceEnv } from './http/service-env.js';
import type { DatabaseCheck } from './observability/database-check.js';
import { createLogger, type ServiceLogger } from './observability/logger.js';
import { createServiceMetrics, type ServiceMetrics } from './observability/metrics.js';
import type { ReadinessMonitor } from './observability/readiness.js';
import { createKeyRateLimiter, type KeyRateLimiter } from './rate-limit/key-rate-limiter.js';
import { registerChangeRoutes } from './routes/change-routes.js';
import { registerDocsRoutes } from './routes/docs-routes.js';
import { registerOperationsRoutes } from './routes/operations-routes.js';
import { registerOrderRoutes } from './routes/order-routes.js';
import { registerProviderRoutes } from './routes/provider-routes.js';
import { registerReportRoutes } from './routes/report-routes.js';
import { registerWebhookRoutes } from './routes/webhook-routes.js';
import { createTenant, type Tenant, type TenantDefinition } from './tenancy/tenant.js';
import { SERVICE_VERSION } from './version.js';

/** Everything `createApp` needs. Only `tenants` and `cursorSecret` are required. */
export interface AppOptions {
  /** The tenants with their key hashes and ready-made providers. */
  tenants: readonly TenantDefinition[];
  /** Secret that signs cursors (at least 32 bytes); every instance must share it. */
  cursorSecret: string | Uint8Array;
  /** Mask customer emails and payment instrument tokens for tenants that do not say (default false). */
  redact?: boolean | undefined;
  /** Logger (default: a silent one). */
  logger?: ServiceLogger | undefined;
  /** Metrics (default: a fresh registry). Pass the one whose transport hooks the providers use. */
  metrics?: ServiceMetrics | undefined;
  /** Provider checks behind `/readyz` (default: none, always ready). */
  readiness?: ReadinessMonitor | undefined;
  /** Per-key request budgets (default: in-memory token buckets). */
  rateLimiter?: KeyRateLimiter | undefined;
  /** The database check behind `/readyz` (default: none; `startServer` sets it for PostgreSQL). */
  databaseCheck?: DatabaseCheck | undefined;
  /** Clock, for relative times such as `createdFrom=7d` and cursor lifetimes (default `Date.now`). */
  now?: (() => number) | undefined;
  /**
   * Overall deadline of one request in ms, upstream calls and their retries included (default
   * 30000); past it the request is answered 504 `deadline-exceeded` and its upstream calls aborted.
   */
  requestDeadlineMs?: number | undefined;
  /** How long a signed cursor stays valid, in ms (default 24 h). */
  cursorLifetimeMs?: number | undefined;
  /** Upstream work one `GET /v1/orders` may do (default: core's, 20 page requests and 10 s). */
  scanBudget?: ScanBudget | undefined;
  /** Requests without a valid key one client address may make per minute (default 60). */
  unauthenticatedRequestsPerMinute?: number | undefined;
  /**
   * Proxies (addresses, CIDR ranges, `loopback`, `linklocal`, `uniquelocal`) whose
   * `X-Forwarded-For` names the client for the per-address throttle (default none: the TCP peer).
   */
  trustedProxies?: readonly string[] | undefined;
  /** The order store the `/v1/reports` endpoints read (each tenant its own scope); none: 500. */
  store?: OrderStore | undefined;
  /**
   * Re-fetches orders named by incoming webhooks into `store` (default: one created here when a
   * store is given; pass your own to close it before the store at shutdown).
   */
  orderRefresher?: OrderRefresher | undefined;
  /** Accept webhook URLs over http to loopback hosts (development and tests only; default false). */
  webhookAllowHttpLoopback?: boolean | undefined;
  /**
   * Where `/v1/orders` reads for tenants that do not say (`source` in the tenants file) when a
   * request does not say either: `live` (default) or `store`.
   */
  defaultSource?: 'live' | 'store' | undefined;
}

/** Default overall deadline of one request, in ms. */
export const DEFAULT_REQUEST_DEADLINE_MS = 30_000;

/** The service's Hono app (an `OpenAPIHono`): call `app.fetch` or `app.request` on it. */
export type OrderBridgeApp = OpenAPIHono<ServiceEnv>;

/**
 * Creates the HTTP app: authentication, rate limits, the `/v1` API, OpenAPI document and reference
 * page, health, readiness and metrics. Creates one order client per tenant.
 * @throws ConfigurationError when a tenant's providers are invalid (none, or repeated ids).
 * @throws RangeError when the cursor secret is shorter than 32 bytes.
 * @throws TypeError when a trusted proxy is not an address or a range.
 */
export function createApp(options: AppOptions): OrderBridgeApp {
  const logger = options.logger ?? createLogger({ level: 'silent' });
  // The request line's fields are ids, a route label, a status and a duration, none of which a
  // redaction path can match; pino's path redaction still walked every line (≈ 7 µs and 26 KB of
  // garbage per request). The line still goes through the logger's secret masking on write.
  const requestLogger = logger.child({}, { redact: [] });
  const metrics = options.metrics ?? createServiceMetrics({ defaultMetrics: false });
  const now = options.now ?? Date.now;
  const signer = createCursorSigner(options.cursorSecret, {
    lifetimeMs: options.cursorLifetimeMs,
    now,
  });
  const tenants = new Map<string, Tenant>();
  for (const definition of options.tenants) {
    tenants.set(
      definition.id,
      createTenant(definition, {
        redact: options.redact ?? false,
        scanBudget: options.scanBudget,
        defaultSource: options.defaultSource,
      }),
    );
  }
  const keys = createApiKeyIndex(options.tenants);
  const throttle = createAddressThrottle({
    requestsPerMinute: options.unauthenticatedRequestsPerMinute,
  });
  const deadlineMs = options.requestDeadlineMs ?? DEFAULT_REQUEST_DEADLINE_MS;
  const trustedProxies =
    options.trustedProxies === undefined || options.trustedProxies.length === 0
      ? undefined
      : compileTrustedProxies(options.trustedProxies);

  const app: OrderBridgeApp = new OpenAPIHono<ServiceEnv>({
    // Validation failures of parameters become invalid-query problems naming each parameter.
    defaultHook: (result, context) => {
      if (result.success) return;
      const errors = fieldErrorsFromZod(result.error);
      return respondWithProblem(context as Context<ServiceEnv>, 'invalid-query', {
        detail: describeIssues(errors),
        errors,
      });
    },
  });

  app.use('*', async (context, next) => {
    const started = performance.now();
    const requestId = requestIdFrom(context.req.header('x-request-id'));
    context.set('requestId', requestId);
    // One deadline for the whole request, upstream retries included: a slow provider cannot hold
    // a request (and its connection) open for the transport's own, much longer, deadline.
    const request = linkAbort([context.req.raw.signal], { timeoutMs: deadlineMs });
    context.set('deadline', request);
    context.set('signal', request.signal);
    try {
      await next();
    } finally {
      request.release();
    }
    context.res.headers.set('x-request-id', requestId);
    securityHeaders(context.res.headers, context.req.path);
    const status = context.res.status;
    const route = routeLabel(context);
    const seconds = (performance.now() - started) / 1000;
    metrics.observeRequest({ route, method: context.req.method, status }, seconds);
    const tenant = context.get('tenant') as Tenant | undefined;
    requestLogger.info(
      {
        requestId,
        method: context.req.method,
        route,
        status,
        durationMs: Math.round(seconds * 10_000) / 10,
        ...(tenant ? { tenant: tenant.id, apiKeyId: context.get('apiKeyId') } : {}),
      },
      'request',
    );
  });

  app.onError((error, context) => {
    const requestId = context.get('requestId');
    if (context.req.raw.signal.aborted) {
      // The client went away and its upstream calls were cancelled: nobody reads this answer, and
      // it is no failure of the service. 499 (as nginx logs it) keeps it apart in metrics.
      logger.info({ requestId }, 'client closed the request');
      return new Response(null, { status: 499 });
    }
    if (context.get('deadline')?.timedOut) {
      logger.warn({ requestId, deadlineMs }, 'request deadline passed; upstream calls aborted');
      return respondWithProblem(context, 'deadline-exceeded', {
        detail: `The request did not complete within ${deadlineMs} ms, upstream calls included; try again, or narrow the query.`,
      });
    }
    const { name, init, headers, isInternal } = problemFromError(error);
    if (isInternal) logger.error({ requestId, err: error }, 'request failed');
    // The full message (upstream operation, status, provider's own words) is for operators only.
    else logger.warn({ requestId, error: error.message }, 'request failed');
    return respondWithProblem(context, name, init, headers);
  });

  app.notFound((context) => {
    const allowed = allowedMethods(app, context.req.path);
    if (allowed.length === 0) {
      return respondWithProblem(context, 'not-found', {
        detail: `There is no ${context.req.method} ${context.req.path}; see /openapi.json.`,
      });
    }
    const allow = allowed.join(', ');
    // No CORS: an OPTIONS request only learns which methods the path has.
    if (context.req.method === 'OPTIONS') {
      return new Response(null, { status: 204, headers: { allow } });
    }
    return respondWithProblem(
      context,
      'method-not-allowed',
      { detail: `${context.req.path} accepts ${allow}, not ${context.req.method}.` },
      { allow },
    );
  });

  app.use(
    '/v1/*',
    authenticate({
      keys,
      tenants,
      rateLimiter: options.rateLimiter ?? createKeyRateLimiter(),
      throttle,
      trustedProxies,
    }),
  );
  registerOrderRoutes(app, { signer, now, logger, store: options.store });
  registerChangeRoutes(app, { store: options.store });
  registerProviderRoutes(app);
  registerReportRoutes(app, { store: options.store, now });
  registerWebhookRoutes(app, {
    store: options.store,
    allowHttpLoopback: options.webhookAllowHttpLoopback ?? false,
  });
  registerOperationsRoutes(app, {
    metrics,
    readiness: options.readiness,
    database: options.databaseCheck,
    // A key presented to /readyz counts like one presented to /v1: a blocked address is answered
    // as unauthenticated, and a wrong key spends the address's budget.
    tenantOf: (context) => {
      const address = clientAddress(context, trustedProxies);
      if (throttle.blockedFor(address) !== undefined) return undefined;
      const read = readBearerToken(context.req.header('authorization'));
      // A probe without credentials (a load balancer) spends nothing.
      if ('failure' in read && read.failure === 'missing') return undefined;
      const owner = 'failure' in read ? undefined : keys.find(read.token);
      if (!owner) throttle.fail(address);
      return owner?.tenantId;
    },
  });
  registerDocsRoutes(app, SERVICE_VERSION);
  registerDashboardRoutes(app);
  registerIncomingWebhookRoutes(app, {
    tenants,
    refresher:
      options.orderRefresher ??
      (options.store ? createOrderRefresher({ store: options.store, logger }) : undefined),
    logger,
  });
  return app;
}

/** The matched route template (`/v1/orders/{key}`), never the raw path; `unmatched` for 404s. */
function routeLabel(context: Context<ServiceEnv>): string {
  const routes = matchedRoutes(context).filter((route) => route.method !== 'ALL');
  const path = routes.at(-1)?.path;
  return path === undefined ? 'unmatched' : path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/**
 * The methods a path has routes for (GET also answers HEAD), for a 405's `Allow` header; none when
 * no route matches the path. Middleware (`app.use`) registers `ALL` and does not count.
 */
function allowedMethods(app: OrderBridgeApp, path: string): string[] {
  const methods = new Set<string>();
  for (const route of app.routes) {
    if (route.method === 'ALL' || !routePattern(route.path).test(path)) continue;
    methods.add(route.method);
    if (route.method === 'GET') methods.add('HEAD');
  }
  if (methods.size > 0) methods.add('OPTIONS');
  return [...methods].sort();
}

/** `/v1/orders/:key` → a regular expression matching `/v1/orders/<one segment>` (`*`: anything). */
function routePattern(path: string): RegExp {
  const source = path
    .split('/')
    .map((segment) =>
      segment === '*'
        ? '.*'
        : segment.startsWith(':')
          ? '[^/]+'
          : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('/');
  // No optional trailing slash: `/v1/orders/` is no route (404), not a route with another method.
  return new RegExp(`^${source}$`);
}
