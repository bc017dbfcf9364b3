import type { MiddlewareHandler } from 'hono';
import { respondWithProblem } from '../http/problem.js';
import type { ServiceEnv } from '../http/service-env.js';
import type { KeyRateLimiter } from '../rate-limit/key-rate-limiter.js';
import type { Tenant } from '../tenancy/tenant.js';
import type { ApiKeyIndex } from './api-key.js';
import { readBearerToken } from './bearer-token.js';

const CHALLENGE = 'Bearer realm="orderbridge"';

/**
 * Authenticates `Authorization: Bearer <key>`, sets the tenant and key id on the context and takes
 * one request from the key's rate limit. Missing, malformed and unknown keys are all 401 with
 * `WWW-Authenticate: Bearer`; an exhausted budget is 429 with `Retry-After`.
 */
export function authenticate(options: {
  keys: ApiKeyIndex;
  tenants: ReadonlyMap<string, Tenant>;
  rateLimiter: KeyRateLimiter;
}): MiddlewareHandler<ServiceEnv> {
  return async (context, next) => {
    const read = readBearerToken(context.req.header('authorization'));
    if ('failure' in read) {
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
      return respondWithProblem(
        context,
        'unauthorized',
        { detail: 'The API key is not valid.' },
        { 'www-authenticate': `${CHALLENGE}, error="invalid_token"` },
      );
    }
    context.set('tenant', tenant);
    context.set('apiKeyId', owner.keyId);
    const decision = options.rateLimiter.take(
      `${tenant.id}\u0000${owner.keyId}`,
      tenant.requestsPerMinute,
    );
    if (!decision.isAllowed) {
      return respondWithProblem(
        context,
        'rate-limited',
        {
          detail: `This API key may make ${tenant.requestsPerMinute} requests per minute; retry after ${decision.retryAfterSeconds} s.`,
          retryAfter: decision.retryAfterSeconds,
        },
        { 'retry-after': String(decision.retryAfterSeconds) },
      );
    }
    context.header('ratelimit-limit', String(tenant.requestsPerMinute));
    context.header('ratelimit-remaining', String(decision.remaining));
    await next();
    // Orders carry personal data: no shared cache may keep them.
    context.res.headers.set('cache-control', 'no-store');
  };
}
