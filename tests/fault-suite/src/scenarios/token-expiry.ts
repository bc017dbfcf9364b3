import { AuthenticationError, type OrderPage, paginate, parseOrderQuery } from '@orderbridge/core';
import type { Sandbox } from '@orderbridge/sandbox';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { evidence } from '../support/evidence.js';
import { walkProviderPages } from '../support/page-walk.js';
import {
  drain,
  flexFactorOn,
  flexFactorTruth,
  keysInOrder,
  keysOf,
  startSuiteSandbox,
} from '../support/suite-sandbox.js';

const WALK = { limit: 10 } as const;
const CALLERS = 50;

/**
 * FlexFactor's access token expiring while a walk is in progress and many callers share the
 * provider: the one token manager must request exactly one new token, and every call must succeed.
 */
export function describeTokenExpiry(): void {
  describe('FlexFactor token expiry during a walk', () => {
    let sandbox: Sandbox;
    let truth: string[];

    beforeAll(async () => {
      sandbox = await startSuiteSandbox({ flexportal: 0, flexfactor: 200, seed: 41 });
      truth = keysInOrder(flexFactorTruth(sandbox).orders, WALK);
    });
    afterEach(() => {
      sandbox.faults.clear();
      sandbox.flexfactor.setTokenTtl(600_000);
    });
    afterAll(() => sandbox.close());

    it(`${CALLERS} concurrent callers after expireTokens(): one token request, every call succeeds, the walk is exact`, async () => {
      const provider = flexFactorOn(sandbox, { label: 'token/expire' });
      // Some latency so that the callers and the walk's next page really overlap.
      sandbox.faults.set('flexfactor', { latencyMs: 15 });
      let callers: Array<Promise<OrderPage>> = [];
      let before = sandbox.stats().flexfactor;
      const walk = await walkProviderPages(provider, WALK, {
        beforePage: (page) => {
          if (page !== 4) return;
          before = sandbox.stats().flexfactor;
          sandbox.flexfactor.expireTokens();
          callers = Array.from({ length: CALLERS }, (_, index) =>
            provider.listOrders(parseOrderQuery({ limit: 1 + (index % 5) })),
          );
        },
      });
      const pages = await Promise.allSettled(callers);
      const after = sandbox.stats().flexfactor;

      expect(walk.error).toBeUndefined();
      expect(keysOf(walk.orders)).toEqual(truth);
      expect(pages.filter((result) => result.status === 'rejected')).toEqual([]);
      pages.forEach((result, index) => {
        const page = (result as PromiseFulfilledResult<OrderPage>).value;
        expect(keysOf(page.orders)).toEqual(truth.slice(0, 1 + (index % 5)));
      });
      expect(after.tokensIssued - before.tokensIssued).toBe(1);
      expect(after.routes.token - before.routes.token).toBe(1);
      // The callers really did meet the expired token.
      expect((after.statusCodes['401'] ?? 0) - (before.statusCodes['401'] ?? 0)).toBeGreaterThan(0);
    });

    it('a token revoked early (one 401): renewed once, the request repeated, the walk exact', async () => {
      const provider = flexFactorOn(sandbox, { label: 'token/revoked' });
      const before = sandbox.stats().flexfactor;
      const walk = await walkProviderPages(provider, WALK, {
        beforePage: (page) => {
          if (page === 5) sandbox.faults.set('flexfactor', { failNext: { count: 1, status: 401 } });
        },
      });
      const after = sandbox.stats().flexfactor;
      expect(walk.error).toBeUndefined();
      expect(keysOf(walk.orders)).toEqual(truth);
      // One token for the walk, one after the 401.
      expect(after.tokensIssued - before.tokensIssued).toBe(2);
    });

    it('a token refused twice in a row fails with AuthenticationError naming flexfactor', async () => {
      const provider = flexFactorOn(sandbox, { label: 'token/refused' });
      sandbox.faults.set('flexfactor', { failNext: { count: 2, status: 401 } });
      const walk = await walkProviderPages(provider, WALK);
      evidence.addError('token/refused', walk.error);
      expect(AuthenticationError.isInstance(walk.error)).toBe(true);
      const error = walk.error as AuthenticationError;
      expect(error.provider).toBe('flexfactor');
      expect(error.message).toMatch(/flexfactor .*refused a freshly issued access token.*HTTP 401/);
    });

    it('tokens that keep expiring under a parallel walk: never two token requests at once, exact result', async () => {
      let tokenRequestsInFlight = 0;
      let mostInFlight = 0;
      const provider = flexFactorOn(sandbox, {
        label: 'token/short-ttl',
        extraHooks: {
          onRequest: (event) => {
            if (event.url.includes('oauth2/token')) {
              tokenRequestsInFlight += 1;
              mostInFlight = Math.max(mostInFlight, tokenRequestsInFlight);
            }
          },
          onResponse: (event) => {
            if (event.url.includes('oauth2/token')) tokenRequestsInFlight -= 1;
          },
        },
      });
      sandbox.flexfactor.setTokenTtl(120);
      sandbox.flexfactor.expireTokens();
      // 40 pages, 4 at a time, 25-35 ms each: the walk outlives several 120 ms tokens.
      sandbox.faults.set('flexfactor', { latencyMs: 25, jitterMs: 10 });
      const before = sandbox.stats().flexfactor.tokensIssued;
      const orders = await drain(paginate(provider, { limit: 5 }, { concurrency: 4 }));
      expect(keysOf(orders)).toEqual(truth);
      expect(mostInFlight).toBe(1);
      expect(sandbox.stats().flexfactor.tokensIssued - before).toBeGreaterThan(1);
    });
  });
}
