import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  flexFactorProblemSchema,
  flexPortalErrorSchema,
  type Sandbox,
  startSandbox,
} from '../src/index.js';
import {
  flexFactorGet,
  flexFactorToken,
  flexPortalHeaders,
  request,
} from './support/sandbox-http.js';

describe('fault injection', () => {
  let sandbox: Sandbox;
  let token: string;
  const fpUrl = () => `${sandbox.flexportal.baseUrl}/v1/orders?limit=5`;
  const fp = () => request(fpUrl(), { headers: flexPortalHeaders(sandbox) });
  const ff = () => flexFactorGet(sandbox, 'orders?pageSize=5', token);
  const tokenRequest = () =>
    request(`${sandbox.flexfactor.baseUrl}oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        AppKey: sandbox.flexfactor.appKey,
        AppSecret: sandbox.flexfactor.appSecret,
      }),
    });

  beforeAll(async () => {
    sandbox = await startSandbox({ orders: 30 });
    token = await flexFactorToken(sandbox);
  });
  afterEach(() => {
    sandbox.faults.clear();
    sandbox.resetStats();
  });
  afterAll(() => sandbox.close());

  it('fails the next N FlexPortal data requests with INTERNAL_ERROR, then recovers', async () => {
    sandbox.faults.set('flexportal', { failNext: { count: 2, status: 503 } });
    for (let attempt = 0; attempt < 2; attempt++) {
      const failed = await fp();
      expect(failed.status).toBe(503);
      expect(flexPortalErrorSchema.parse(failed.json).error.code).toBe('INTERNAL_ERROR');
      expect(failed.headers.get('x-request-id')).toMatch(/^req_/);
    }
    expect((await fp()).status).toBe(200);
    expect(sandbox.stats().flexportal.faults.failed).toBe(2);
    expect(sandbox.faults.current().flexportal.failNext?.count).toBe(0);
  });

  it('sends a FlexPortal 429 RATE_LIMITED with the given Retry-After', async () => {
    sandbox.faults.set('flexportal', { failNext: { count: 1, status: 429, retryAfter: '3' } });
    const limited = await fp();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect(limited.json).toEqual({ error: { code: 'RATE_LIMITED', message: expect.any(String) } });
    expect(sandbox.stats().flexportal.rateLimited).toBe(1);
  });

  it('sends FlexFactor failures as ProblemDetails (429 with Retry-After, 500)', async () => {
    sandbox.faults.set('flexfactor', {
      failNext: { count: 1, status: 429, retryAfter: 'Wed, 21 Oct 2026 07:28:00 GMT' },
    });
    const limited = await ff();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('Wed, 21 Oct 2026 07:28:00 GMT');
    expect(flexFactorProblemSchema.parse(limited.json)).toMatchObject({
      status: 429,
      title: 'Too Many Requests',
    });

    sandbox.faults.set('flexfactor', { failNext: { count: 1, status: 500 } });
    const broken = await ff();
    expect(broken.status).toBe(500);
    expect(flexFactorProblemSchema.parse(broken.json).status).toBe(500);
    expect(broken.headers.get('apigw-requestid')).toBeTruthy();
  });

  it('leaves the token endpoint alone with scope "data" and hits it with scope "all"', async () => {
    sandbox.faults.set('flexfactor', { failNext: { count: 1, status: 503 } });
    expect((await tokenRequest()).status).toBe(200);
    expect((await ff()).status).toBe(503);

    sandbox.faults.set('flexfactor', { failNext: { count: 1, status: 503 }, scope: 'all' });
    expect((await tokenRequest()).status).toBe(503);
    expect((await ff()).status).toBe(200);
  });

  it('keeps faults per provider', async () => {
    sandbox.faults.set('flexportal', { failNext: { count: 5, status: 500 } });
    expect((await ff()).status).toBe(200);
    expect((await fp()).status).toBe(500);
    sandbox.faults.clear('flexportal');
    expect((await fp()).status).toBe(200);
  });

  it('rate-limits with 429 and a Retry-After in seconds once the window is full', async () => {
    sandbox.faults.set('flexportal', { rateLimit: { requestsPerMinute: 3 } });
    sandbox.faults.set('flexfactor', { rateLimit: { requestsPerMinute: 2 } });
    for (let attempt = 0; attempt < 3; attempt++) expect((await fp()).status).toBe(200);
    const limited = await fp();
    expect(limited.status).toBe(429);
    expect(flexPortalErrorSchema.parse(limited.json).error.code).toBe('RATE_LIMITED');
    const seconds = Number(limited.headers.get('retry-after'));
    expect(Number.isInteger(seconds)).toBe(true);
    expect(seconds).toBeGreaterThanOrEqual(1);
    expect(seconds).toBeLessThanOrEqual(60);

    expect((await ff()).status).toBe(200);
    expect((await ff()).status).toBe(200);
    const ffLimited = await ff();
    expect(ffLimited.status).toBe(429);
    expect(flexFactorProblemSchema.parse(ffLimited.json).status).toBe(429);
    const stats = sandbox.stats();
    expect(stats.flexportal.rateLimited).toBe(1);
    expect(stats.flexfactor.rateLimited).toBe(1);
  });

  it('resets the connection for the next N requests', async () => {
    sandbox.faults.set('flexportal', { resetNext: 1 });
    await expect(fetch(fpUrl(), { headers: flexPortalHeaders(sandbox) })).rejects.toThrow();
    expect((await fp()).status).toBe(200);
    expect(sandbox.stats().flexportal.faults.reset).toBe(1);
  });

  it('truncates the body: full Content-Length, half the bytes, then a reset', async () => {
    sandbox.faults.set('flexfactor', { truncateNext: 1 });
    const response = await fetch(`${sandbox.flexfactor.baseUrl}orders`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    expect(Number(response.headers.get('content-length'))).toBeGreaterThan(100);
    await expect(response.text()).rejects.toThrow();
    expect((await ff()).status).toBe(200);
  });

  it('sends 200 with a body that is not JSON', async () => {
    sandbox.faults.set('flexportal', { malformedNext: 1 });
    const result = await fp();
    expect(result.status).toBe(200);
    expect(result.headers.get('content-type')).toMatch(/^application\/json/);
    expect(result.text.length).toBeGreaterThan(0);
    expect(() => JSON.parse(result.text)).toThrow();
    expect((await fp()).json).toBeDefined();
  });

  it('adds latency to every request of the provider', async () => {
    sandbox.faults.set('flexfactor', { latencyMs: 200, jitterMs: 20 });
    const started = performance.now();
    expect((await ff()).status).toBe(200);
    // Only a lower bound: the response leaves no earlier than the latency after the request came.
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    expect(sandbox.faults.current().flexfactor).toEqual({ latencyMs: 200, jitterMs: 20 });
  });

  it('builds the answer while the latency runs: the page is the one at arrival', async () => {
    sandbox.faults.set('flexportal', { latencyMs: 400 });
    const newestFirst = `${sandbox.flexportal.baseUrl}/v1/orders?limit=5&sortBy=createdAt&sortDir=desc`;
    const slow = request(newestFirst, { headers: flexPortalHeaders(sandbox) });
    // The request is counted when it arrives, in the same turn that builds its page.
    while (sandbox.stats().flexportal.requests === 0) {
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    const inserted = sandbox.flexportal.store.insert({ createdAt: '2099-01-01T00:00:00Z' });
    try {
      const ids = (response: { json: unknown }) =>
        (response.json as { orders: { orderId: string }[] }).orders.map((order) => order.orderId);
      // The insert came during the latency, after the page was built: it is not on that page…
      expect(ids(await slow)).not.toContain(inserted.orderId);
      // …and a request sent after it sees it first.
      const later = await request(newestFirst, { headers: flexPortalHeaders(sandbox) });
      expect(ids(later)[0]).toBe(inserted.orderId);
    } finally {
      sandbox.flexportal.store.delete(inserted.orderId);
    }
  });

  it('validates fault settings and names the bad field', () => {
    expect(() => sandbox.faults.set('flexportal', { failNext: { count: 1, status: 200 } })).toThrow(
      /failNext\.status/,
    );
    expect(() => sandbox.faults.set('flexportal', { rateLimit: { requestsPerMinute: 0 } })).toThrow(
      /rateLimit\.requestsPerMinute/,
    );
    expect(() =>
      sandbox.faults.set('flexportal', { resetNext: 1, unknown: true } as never),
    ).toThrow(/unknown|Unrecognized/i);
  });

  it('takes faults at start', async () => {
    const other = await startSandbox({
      orders: 3,
      faults: { flexportal: { failNext: { count: 1, status: 502 } } },
    });
    try {
      const result = await request(`${other.flexportal.baseUrl}/v1/orders`, {
        headers: flexPortalHeaders(other),
      });
      expect(result.status).toBe(502);
    } finally {
      await other.close();
    }
  });
});
