import { inspect } from 'node:util';
import { AuthenticationError, collect, paginate, parseOrderQuery } from '@orderbridge/core';
import type { Sandbox } from '@orderbridge/sandbox';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { groundTruth, ids, sandboxProvider, startFlexFactorSandbox } from './sandbox-support.js';

// Token lifecycle over real HTTP against the sandbox's FlexFactor simulator (docs/providers/flexfactor.md §2.3).
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startFlexFactorSandbox(300);
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(() => {
  sandbox.faults.clear();
  sandbox.flexfactor.setTokenTtl(600_000);
  sandbox.resetStats();
});

const tokenRequests = () => sandbox.stats().flexfactor.routes.token;
const query = (input: Parameters<typeof parseOrderQuery>[0] = {}) => parseOrderQuery(input);

describe('FlexFactor token lifecycle (sandbox)', () => {
  it('fetches one token and reuses it for every call', async () => {
    const provider = sandboxProvider(sandbox);
    await provider.listOrders(query({ limit: 5 }));
    await provider.listOrders(query({ limit: 5 }));
    await provider.getOrder(sandbox.flexfactor.store.list()[0]?.id ?? '');
    expect(tokenRequests()).toBe(1);
    expect(sandbox.stats().flexfactor.tokensIssued).toBe(1);
  });

  it('100 concurrent listOrders calls need exactly one token request', async () => {
    const provider = sandboxProvider(sandbox);
    const pages = await Promise.all(
      Array.from({ length: 100 }, () => provider.listOrders(query({ limit: 3 }))),
    );
    expect(pages.every((page) => page.orders.length === 3)).toBe(true);
    expect(tokenRequests()).toBe(1);
    expect(sandbox.stats().flexfactor.routes.listOrders).toBe(100);
  });

  it('survives tokens expiring mid-walk: one refresh per expiry, the walk completes', async () => {
    const provider = sandboxProvider(sandbox);
    const truth = groundTruth(sandbox);
    const seen: string[] = [];
    let pagesRead = 0;
    for await (const order of paginate(provider, { limit: 50 }, { concurrency: 1 })) {
      // Expire every issued token after each page of 50 orders.
      seen.push(order.id);
      if (seen.length % 50 === 0) {
        pagesRead += 1;
        sandbox.flexfactor.expireTokens();
      }
    }
    expect(pagesRead).toBe(6);
    expect(new Set(seen).size).toBe(truth.length);
    expect(seen.sort()).toEqual(ids(truth).sort());
    // The first token, then at most one per expiry (prefetching may load a page before an expiry).
    expect(tokenRequests()).toBeGreaterThanOrEqual(2);
    expect(tokenRequests()).toBeLessThanOrEqual(1 + pagesRead);
    expect(sandbox.stats().flexfactor.statusCodes['401'] ?? 0).toBe(tokenRequests() - 1);
  });

  it('renews a short-lived token before it expires, without a 401', async () => {
    sandbox.flexfactor.setTokenTtl(1_000);
    const provider = sandboxProvider(sandbox);
    await provider.listOrders(query({ limit: 2 }));
    // Renewal starts at 90% of the lifetime (900 ms); wait past it, not past the expiry.
    await new Promise((resolve) => setTimeout(resolve, 940));
    await provider.listOrders(query({ limit: 2 }));
    expect(tokenRequests()).toBe(2);
    expect(sandbox.stats().flexfactor.statusCodes['401']).toBeUndefined();
  });

  it('a 401 on a data call fetches a new token once and retries once', async () => {
    const provider = sandboxProvider(sandbox);
    await provider.listOrders(query({ limit: 1 }));
    sandbox.faults.set('flexfactor', { failNext: { count: 1, status: 401 } });
    const page = await provider.listOrders(query({ limit: 4 }));
    expect(page.orders).toHaveLength(4);
    expect(tokenRequests()).toBe(2);
    expect(sandbox.stats().flexfactor.statusCodes['401']).toBe(1);
  });

  it('concurrent calls failing with the same stale token share one renewal', async () => {
    const provider = sandboxProvider(sandbox);
    await provider.listOrders(query({ limit: 1 }));
    sandbox.flexfactor.expireTokens();
    await Promise.all(Array.from({ length: 20 }, () => provider.listOrders(query({ limit: 2 }))));
    expect(tokenRequests()).toBe(2);
  });

  it('a second 401 is an AuthenticationError, after exactly one renewal', async () => {
    const provider = sandboxProvider(sandbox);
    sandbox.faults.set('flexfactor', { failNext: { count: 2, status: 401 } });
    const error = await provider.listOrders(query()).catch((caught: unknown) => caught);
    expect(AuthenticationError.isInstance(error)).toBe(true);
    expect((error as AuthenticationError).status).toBe(401);
    expect(tokenRequests()).toBe(2);
    expect(sandbox.stats().flexfactor.routes.listOrders).toBe(2);
  });

  it('bad credentials: AuthenticationError saying the app key/secret were rejected, secret nowhere', async () => {
    const wrongSecret = 'wrong-but-fake-app-secret-1234';
    const provider = sandboxProvider(sandbox, { appSecret: wrongSecret });
    const error = await provider.listOrders(query()).catch((caught: unknown) => caught);
    expect(AuthenticationError.isInstance(error)).toBe(true);
    const authentication = error as AuthenticationError;
    expect(authentication.status).toBe(400);
    expect(authentication.kind).toBe('authentication');
    expect(authentication.message).toContain('FlexFactor rejected the app key/secret (HTTP 400)');
    for (const text of [
      authentication.message,
      JSON.stringify(authentication),
      inspect(authentication, { depth: 10 }),
      String(authentication.stack),
    ]) {
      expect(text).not.toContain(wrongSecret);
      expect(text).not.toContain(sandbox.flexfactor.appSecret);
    }
    // No data request is sent without a token, and a bad key is not retried.
    expect(sandbox.stats().flexfactor.routes.listOrders).toBe(0);
    expect(tokenRequests()).toBe(1);
  });

  it('never shows the access token in hooks or errors', async () => {
    const logged: string[] = [];
    const provider = sandboxProvider(sandbox, {
      retry: false,
      hooks: {
        onRequest: (event) => logged.push(JSON.stringify(event)),
        onError: (event) => logged.push(JSON.stringify(event.error)),
      },
    });
    await provider.listOrders(query({ limit: 1 }));
    sandbox.faults.set('flexfactor', { failNext: { count: 1, status: 500 } });
    const error = await provider.listOrders(query({ limit: 1 })).catch((caught) => caught);
    const tokenResponse = await fetch(`${sandbox.flexfactor.baseUrl}oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        AppKey: sandbox.flexfactor.appKey,
        AppSecret: sandbox.flexfactor.appSecret,
      }),
    });
    expect(tokenResponse.status).toBe(200);
    const bearer = logged.find((line) => line.includes('authorization'));
    expect(bearer).toContain('[REDACTED]');
    expect(logged.join('\n')).not.toMatch(/Bearer [A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\./);
    expect(logged.join('\n')).not.toContain(sandbox.flexfactor.appSecret);
    expect(String(error)).not.toContain(sandbox.flexfactor.appSecret);
  });

  it('collects a listing through core with one token', async () => {
    const provider = sandboxProvider(sandbox);
    const orders = await collect(paginate(provider, { limit: 100 }), { max: 1000 });
    expect(orders).toHaveLength(300);
    expect(tokenRequests()).toBe(1);
  });
});
