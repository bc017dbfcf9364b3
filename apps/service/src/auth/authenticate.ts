import type { Context, MiddlewareHandler } from 'hono';
import { clientAddress, type TrustedProxies } from '../http/client-address.js';
import { respondWithProblem } from '../http/problem.js';
import type { ServiceEnv } from '../http/service-env.js';
import type { KeyRateLimiter } from '../rate-limit/key-rate-limiter.js';
import type { Tenant } from '../tenancy/tenant.js';
import type { AddressThrottle } from './address-throttle.js';
import type { ApiKeyIndex } from './api-key.js';
import { readBearerToken } from './bearer-token.js';

const CHALLENGE = 'Bearer realm="orderbridge"';

/**
 * Authenticates `Authorization: Bearer <key>`, sets the tenant and key id on the context and takes
 * one request from the key's rate limit. Missing, malformed and unknown keys are all 401 with
 * `WWW-Authenticate: Bearer`; an exhausted budget is 429 with `Retry-After`. Requests without a
 * valid key count against their client address's budget (`throttle`): once it is spent, every
 * request from the address is 429 until it refills, before its key is even looked at, so keys
 * cannot be guessed faster than that.
 */
export function authenticate(options: {
  keys: ApiKeyIndex;
  tenants: ReadonlyMap<string, Tenant>;
  rateLimiter: KeyRateLimiter;
  throttle: AddressThrottle;
  /** Proxies whose `X-Forwarded-For` names the client (default: none, the TCP peer is). */
  trustedProxies?: TrustedProxies | undefined;
}): MiddlewareHandler<ServiceEnv> {
  const tooMany = (context: Context<ServiceEnv>, seconds: number) =>
    respondWithProblem(
      context,
      'rate-limited',
      {
        detail: `Too many requests without a valid API key from this address; retry after ${seconds} s.`,
        retryAfter: seconds,
      },
      { 'retry-after': String(seconds) },
    );
  /** Counts a request without a valid key; a 429 when that spent the address's budget. */
  const refuseUnauthenticated = (context: Context<ServiceEnv>): Response | undefined => {
    const seconds = options.throttle.fail(clientAddress(context, options.trustedProxies));
    return seconds === undefined ? undefined : tooMany(context, seconds);
  };
  return async (context, next) => {
    const blocked = options.throttle.blockedFor(clientAddress(context, options.trustedProxies));
    if (blocked !== undefined) return tooMany(context, blocked);
    const read = readBearerToken(context.req.header('authorization'));
    if ('failure' in read) {
      const refused = refuseUnauthenticated(context);
      if (refused) return refused;
      return respondWithProblem(
        context,
        'unauthorized',
        {
          detail:
            read.failure === 'missing'
              ? 'Send an API key as "Authorization: Bearer <key>".'
              : 'The Authorization header must be "Bearer <key>".',
        },
        { 'www-authenticate': CHALLENGE },
      );
    }
    const owner = options.keys.find(read.token);
    const tenant = owner ? options.tenants.get(owner.tenantId) : undefined;
    if (!owner || !tenant) {
      const refused = refuseUnauthenticated(context);
      if (refused) return refused;
      return respondWithProblem(
        context,
        'unauthorized',
        { detail: 'The API key is not valid.' },
        { 'www-authenticate': `${CHALLENGE}, error="invalid_token"` },
      );
    }
    context.set('tenant', tenant);
    context.set('apiKeyId', owner.keyId);
    const budgetKey = `${tenant.id}\u0000${owner.keyId}`;
    // Upstream requests a call made beyond its first count against the key's budget too.
    context.set('chargeRequests', async (count) =>
      options.rateLimiter.charge?.(budgetKey, tenant.requestsPerMinute, count),
    );
    const decision = await options.rateLimiter.take(budgetKey, tenant.requestsPerMinute);
    if (!decision.isAllowed) {
      return respondWithProblem(
        context,
        'rate-limited',
        {
          detail: `This API key may make ${tenant.requestsPerMinute} requests per minute; retry after ${decision.retryAfterSeconds} s.`,
          retryAfter: decision.retryAfterSeconds,
        },
        {
          'retry-after': String(decision.retryAfterSeconds),
          'ratelimit-limit': String(tenant.requestsPerMinute),
          'ratelimit-remaining': '0',
        },
      );
    }
    context.header('ratelimit-limit', String(tenant.requestsPerMinute));
    context.header('ratelimit-remaining', String(decision.remaining));
    await next();
    // Orders carry personal data: no shared cache may keep them.
    context.res.headers.set('cache-control', 'no-store');
  };
}
