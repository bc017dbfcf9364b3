import { createProvider } from '@orderbridge/config';
import {
  createOrderClient,
  type OrderBridgeError,
  type OrderProvider,
  ProviderResponseError,
  ProviderUnavailableError,
  paginate,
  RateLimitError,
  type RetrySettings,
  TransportError,
  type TransportHooks,
} from '@orderbridge/core';
import type { FaultSettings, ProviderName, Sandbox } from '@orderbridge/sandbox';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CANARIES, evidence } from '../support/evidence.js';
import { walkProviderPages } from '../support/page-walk.js';
import {
  clientOn,
  drain,
  duplicates,
  FAST_RETRY,
  flexFactorOn,
  flexFactorTruth,
  flexPortalOn,
  flexPortalTruth,
  keysInOrder,
  keysOf,
  startSuiteSandbox,
} from '../support/suite-sandbox.js';

const QUERY = { limit: 20 } as const;
/** The transport's default budget: the first attempt plus 3 retries. */
const ATTEMPTS = 4;

/** A fault that ends a walk when it outlasts the retry budget, and the typed error it must cause. */
interface BudgetCase {
  name: string;
  fault: (count: number) => FaultSettings;
  isExpected: (error: unknown) => error is OrderBridgeError;
  /** What the message must say besides the provider id. */
  explains: RegExp;
  /** The sandbox's counter of this fault kind. */
  faultCounter: 'failed' | 'reset' | 'truncated' | 'malformed';
}

const BUDGET_CASES: BudgetCase[] = [
  {
    name: 'a burst of 503s',
    fault: (count) => ({ failNext: { count, status: 503 } }),
    isExpected: ProviderUnavailableError.isInstance,
    explains: /HTTP 503/,
    faultCounter: 'failed',
  },
  {
    name: 'connection resets',
    fault: (count) => ({ resetNext: count }),
    isExpected: TransportError.isInstance,
    explains: /before a response arrived/,
    faultCounter: 'reset',
  },
  {
    name: 'truncated bodies',
    fault: (count) => ({ truncateNext: count }),
    isExpected: ProviderResponseError.isInstance,
    explains: /truncated or not valid JSON/,
    faultCounter: 'truncated',
  },
  {
    name: 'malformed JSON bodies',
    fault: (count) => ({ malformedNext: count }),
    isExpected: ProviderResponseError.isInstance,
    explains: /truncated or not valid JSON/,
    faultCounter: 'malformed',
  },
];

/**
 * Transport faults on one provider at a time, during a walk over the provider's own page cursors:
 * within the retry budget the walk must deliver exactly the ground truth; beyond it the failure
 * must be a typed error that names the provider and the kind of failure, and resuming from the
 * cursor of the failed page must deliver exactly the rest.
 */
export function describeTransportFaults(): void {
  describe('transport faults (429, 5xx, resets, truncated and malformed bodies)', () => {
    let sandbox: Sandbox;
    const truth: Record<ProviderName, string[]> = { flexportal: [], flexfactor: [] };

    beforeAll(async () => {
      sandbox = await startSuiteSandbox({ flexportal: 130, flexfactor: 130, seed: 21 });
      truth.flexportal = keysInOrder(flexPortalTruth(sandbox).orders, QUERY);
      truth.flexfactor = keysInOrder(flexFactorTruth(sandbox).orders, QUERY);
    });
    afterEach(() => {
      sandbox.faults.clear();
      sandbox.resetStats();
    });
    afterAll(() => sandbox.close());

    const providerFor = (
      name: ProviderName,
      label: string,
      extra: { retry?: RetrySettings; extraHooks?: TransportHooks } = {},
    ): OrderProvider =>
      name === 'flexportal'
        ? flexPortalOn(sandbox, { ...extra, label })
        : flexFactorOn(sandbox, { ...extra, label });

    describe.each(['flexportal', 'flexfactor'] as const)('%s', (name) => {
      it('retries 429s without Retry-After (backoff) and still delivers exactly the ground truth', async () => {
        const retries: string[] = [];
        const provider = providerFor(name, 'transport/429-backoff', {
          extraHooks: { onRetry: (event) => retries.push(event.reason) },
        });
        const walk = await walkProviderPages(provider, QUERY, {
          beforePage: (page) => {
            if (page === 2) sandbox.faults.set(name, { failNext: { count: 3, status: 429 } });
          },
        });
        expect(walk.error).toBeUndefined();
        expect(keysOf(walk.orders)).toEqual(truth[name]);
        expect(sandbox.stats()[name].rateLimited).toBe(3);
        expect(retries).toEqual(['HTTP 429', 'HTTP 429', 'HTTP 429']);
      });

      it('waits the Retry-After a 429 asks for (1 s) before retrying, then delivers exactly', async () => {
        const events: Array<{ kind: 'response' | 'request'; status?: number; at: number }> = [];
        const provider = providerFor(name, 'transport/429-retry-after', {
          extraHooks: {
            onRequest: () => events.push({ kind: 'request', at: performance.now() }),
            onResponse: (event) =>
              events.push({ kind: 'response', status: event.status, at: performance.now() }),
          },
        });
        const walk = await walkProviderPages(provider, QUERY, {
          beforePage: (page) => {
            if (page === 3) {
              sandbox.faults.set(name, { failNext: { count: 1, status: 429, retryAfter: '1' } });
            }
          },
        });
        expect(walk.error).toBeUndefined();
        expect(keysOf(walk.orders)).toEqual(truth[name]);
        const refused = events.findIndex((event) => event.status === 429);
        expect(refused).toBeGreaterThan(-1);
        const retried = events.slice(refused).find((event) => event.kind === 'request');
        // A lower bound only: the client must not come back before the second the server asked
        // for (the backoff alone would retry after at most 5 ms here).
        expect(retried!.at - events[refused]!.at).toBeGreaterThanOrEqual(950);
      });

      it('rides out bursts of 500, 502, 503 and 504 within the retry budget, delivering exactly', async () => {
        const provider = providerFor(name, 'transport/5xx-burst');
        const statuses = [503, 500, 502, 504];
        const walk = await walkProviderPages(provider, QUERY, {
          beforePage: (page) => {
            const status = statuses[page - 2];
            if (status !== undefined) {
              sandbox.faults.set(name, { failNext: { count: ATTEMPTS - 1, status } });
            }
          },
        });
        expect(walk.error).toBeUndefined();
        expect(keysOf(walk.orders)).toEqual(truth[name]);
        expect(sandbox.stats()[name].faults.failed).toBe(statuses.length * (ATTEMPTS - 1));
      });

      it.each(BUDGET_CASES)(
        'retries $name within the budget and delivers exactly',
        async (fault) => {
          const provider = providerFor(name, `transport/${fault.faultCounter}-within`);
          const walk = await walkProviderPages(provider, QUERY, {
            beforePage: (page) => {
              if (page === 2 || page === 5) sandbox.faults.set(name, fault.fault(ATTEMPTS - 1));
            },
          });
          expect(walk.error).toBeUndefined();
          expect(keysOf(walk.orders)).toEqual(truth[name]);
          expect(sandbox.stats()[name].faults[fault.faultCounter]).toBe(2 * (ATTEMPTS - 1));
        },
      );

      it.each(BUDGET_CASES)(
        '$name beyond the budget: a typed error naming the provider; the cursor resumes exactly',
        async (fault) => {
          const provider = providerFor(name, `transport/${fault.faultCounter}-beyond`);
          // Exactly the budget: the walk fails on page 3, and the next request is healthy again.
          const first = await walkProviderPages(provider, QUERY, {
            beforePage: (page) => {
              if (page === 3) sandbox.faults.set(name, fault.fault(ATTEMPTS));
            },
          });
          evidence.addError(`transport/${name} ${fault.faultCounter}`, first.error);
          expect(fault.isExpected(first.error)).toBe(true);
          const error = first.error as OrderBridgeError;
          expect(error.provider).toBe(name);
          expect(error.isRetryable).toBe(true);
          expect(error.message).toContain(name);
          expect(error.message).toMatch(fault.explains);
          expect(first.cursor).not.toBeNull();
          expect(first.orders.length).toBe(2 * QUERY.limit);

          const rest = await walkProviderPages(provider, QUERY, { cursor: first.cursor });
          expect(rest.error).toBeUndefined();
          const keys = [...keysOf(first.orders), ...keysOf(rest.orders)];
          expect(duplicates(keys)).toEqual([]);
          expect(keys).toEqual(truth[name]);
        },
      );

      it('a server rate limit asking for a longer wait than allowed fails at once with RateLimitError, then resumes exactly', async () => {
        const provider = providerFor(name, 'transport/rate-limit', {
          retry: { baseDelayMs: 5, maxDelayMs: 50, maxRetryAfterMs: 500 },
        });
        const first = await walkProviderPages(provider, QUERY, {
          beforePage: (page) => {
            if (page === 2) sandbox.faults.set(name, { rateLimit: { requestsPerMinute: 2 } });
          },
        });
        evidence.addError(`transport/${name} rate-limit`, first.error);
        expect(RateLimitError.isInstance(first.error)).toBe(true);
        const error = first.error as RateLimitError;
        expect(error.provider).toBe(name);
        expect(error.status).toBe(429);
        expect(error.message).toContain(name);
        expect(error.message).toContain('HTTP 429');
        // The server's Retry-After (about a minute) is reported instead of slept through.
        expect(error.retryAfterMs).toBeGreaterThan(500);
        sandbox.faults.clear(name);
        const rest = await walkProviderPages(provider, QUERY, { cursor: first.cursor });
        expect(rest.error).toBeUndefined();
        expect([...keysOf(first.orders), ...keysOf(rest.orders)]).toEqual(truth[name]);
      });
    });

    it('a merged listing rides out 5xx bursts on both providers and delivers exactly the merged truth', async () => {
      const client = clientOn(sandbox, 'transport/merged-burst');
      const merged = keysInOrder(
        [...flexPortalTruth(sandbox).orders, ...flexFactorTruth(sandbox).orders],
        QUERY,
      );
      const delivered: string[] = [];
      for await (const order of client.iterate(QUERY)) {
        delivered.push(order.key);
        if (delivered.length === 25 || delivered.length === 140) {
          sandbox.faults.set('flexportal', { failNext: { count: ATTEMPTS - 1, status: 502 } });
          sandbox.faults.set('flexfactor', { failNext: { count: ATTEMPTS - 1, status: 503 } });
        }
      }
      expect(delivered).toEqual(merged);
    });

    it('a merged listing failing beyond the budget (default mode) resumes exactly from iteration.cursor()', async () => {
      const client = clientOn(sandbox, 'transport/merged-resume');
      const merged = keysInOrder(
        [...flexPortalTruth(sandbox).orders, ...flexFactorTruth(sandbox).orders],
        QUERY,
      );
      const iteration = client.iterate(QUERY);
      const first: string[] = [];
      let error: unknown;
      try {
        for await (const order of iteration) {
          first.push(order.key);
          // FlexPortal loads one page ahead (FlexFactor's pages may all be loaded in parallel by now).
          if (first.length === 90) sandbox.faults.set('flexportal', { resetNext: ATTEMPTS });
        }
      } catch (caught) {
        error = caught;
      }
      evidence.addError('transport/merged-resume', error);
      expect(TransportError.isInstance(error)).toBe(true);
      expect((error as TransportError).provider).toBe('flexportal');
      const cursor = iteration.cursor();
      expect(cursor).not.toBeNull();
      const rest = keysOf(await drain(client.iterate({ ...QUERY, cursor: cursor! })));
      expect(duplicates([...first, ...rest])).toEqual([]);
      expect([...first, ...rest]).toEqual(merged);
    });

    it('providers built from configuration entries (secrets from { env }) get the transport settings and ride out a burst', async () => {
      const env = {
        FAULT_FP_KEY: CANARIES.flexPortalApiKey,
        FAULT_FF_SECRET: CANARIES.flexFactorAppSecret,
      };
      const retries: string[] = [];
      const transport = {
        retry: FAST_RETRY,
        fetch: evidence.recordingFetch(),
        hooks: evidence.hooks('transport/config', {
          onRetry: (event) => retries.push(`${event.provider} ${event.reason}`),
        }),
      };
      const providers = await Promise.all([
        createProvider(
          {
            type: 'flexportal',
            apiKey: { env: 'FAULT_FP_KEY' },
            tenantId: CANARIES.flexPortalTenantId,
            baseUrl: sandbox.flexportal.baseUrl,
          },
          { env, transport },
        ),
        createProvider(
          {
            type: 'flexfactor',
            appKey: CANARIES.flexFactorAppKey,
            appSecret: { env: 'FAULT_FF_SECRET' },
            baseUrl: sandbox.flexfactor.baseUrl,
          },
          { env, transport },
        ),
      ]);
      const client = createOrderClient({ providers });
      sandbox.faults.set('flexportal', { failNext: { count: ATTEMPTS - 1, status: 503 } });
      sandbox.faults.set('flexfactor', { failNext: { count: ATTEMPTS - 1, status: 500 } });
      const delivered = keysOf(await drain(client.iterate(QUERY)));
      expect(delivered).toEqual(
        keysInOrder(
          [...flexPortalTruth(sandbox).orders, ...flexFactorTruth(sandbox).orders],
          QUERY,
        ),
      );
      expect(retries.sort()).toEqual([
        ...Array.from({ length: ATTEMPTS - 1 }, () => 'flexfactor HTTP 500'),
        ...Array.from({ length: ATTEMPTS - 1 }, () => 'flexportal HTTP 503'),
      ]);
    });

    it('retries faults on the FlexFactor token endpoint (scope all): one token, exact walk', async () => {
      sandbox.faults.set('flexfactor', {
        resetNext: 1,
        failNext: { count: 1, status: 503 },
        truncateNext: 1,
        scope: 'all',
      });
      const provider = flexFactorOn(sandbox, { label: 'transport/token-faults' });
      const orders = await drain(paginate(provider, QUERY, { concurrency: 1 }));
      expect(keysOf(orders)).toEqual(truth.flexfactor);
      const stats = sandbox.stats().flexfactor;
      expect(stats.tokensIssued).toBe(1);
      expect(stats.faults).toMatchObject({ reset: 1, failed: 1, truncated: 1 });
    });
  });
}
