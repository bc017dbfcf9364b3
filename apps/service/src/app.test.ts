import { Writable } from 'node:stream';
import {
  NotFoundError,
  type Order,
  ProviderApiError,
  ProviderUnavailableError,
  RateLimitError,
  registerSecret,
  TimeoutError,
} from '@orderbridge/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashApiKey } from './auth/api-key.js';
import { PROBLEM_BASE } from './http/problem.js';
import { createLogger } from './observability/logger.js';
import { createServiceMetrics } from './observability/metrics.js';
import { expectProblem as expectProblemOf } from './test-support/expect-problem.js';
import { ORDER_LIST_PARAMETERS } from './test-support/order-list-parameters.js';
import { CURSOR_SECRET, createTestApp, KEYS } from './test-support/test-app.js';
import { createTestProvider, makeOrders } from './test-support/test-provider.js';

interface Page {
  orders: Order[];
  nextCursor: string | null;
  warnings: unknown[];
  errors?: Array<Record<string, unknown>>;
}

/** The shared problem checks, plus what every problem body of the app carries. */
async function expectProblem(response: Response, status: number, name: string) {
  const body = await expectProblemOf(response, status, name);
  expect(body.status).toBe(status);
  expect(typeof body.title).toBe('string');
  expect(typeof body.detail).toBe('string');
  expect(body.requestId).toBe(response.headers.get('x-request-id'));
  expect(JSON.stringify(body)).not.toMatch(/at .*\.(ts|js):\d+/);
  return body;
}

async function walk(get: (path: string) => Promise<Response>, query: string): Promise<string[]> {
  const keys: string[] = [];
  let path: string | undefined = `/v1/orders?${query}`;
  for (let page = 0; path && page < 100; page++) {
    const response = await get(path);
    const body = (await response.json()) as Page;
    expect(response.status, JSON.stringify(body)).toBe(200);
    keys.push(...body.orders.map((order) => order.key));
    const link = response.headers.get('link');
    if (body.nextCursor === null) {
      expect(link).toBeNull();
      path = undefined;
    } else {
      const match = /^<([^>]+)>; rel="next"$/.exec(link ?? '');
      expect(match, link ?? 'no Link header').not.toBeNull();
      const next = new URL(match![1]!, 'http://x');
      expect(next.searchParams.get('cursor')).toBe(body.nextCursor);
      path = `${next.pathname}${next.search}`;
    }
  }
  return keys;
}

describe('authentication', () => {
  const { get } = createTestApp();

  it('answers 401 problem+json with a Bearer challenge for a missing, malformed or unknown key', async () => {
    const cases: Array<Record<string, string>> = [
      {},
      { authorization: 'Basic dXNlcjpwYXNz' },
      { authorization: 'Bearer' },
      { authorization: `Bearer ${KEYS.acme} extra` },
      { authorization: 'Bearer obk_unknown_key_1234567890' },
    ];
    for (const headers of cases) {
      const response = await get('/v1/orders', null, headers);
      await expectProblem(response, 401, 'unauthorized');
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer /);
    }
  });

  it('checks the key before looking at the query', async () => {
    await expectProblem(await get('/v1/orders?limit=abc', null), 401, 'unauthorized');
  });

  it('does not need a key for health, readiness, metrics and docs', async () => {
    for (const path of ['/healthz', '/readyz', '/metrics', '/openapi.json', '/docs']) {
      expect((await get(path, null)).status, path).toBe(200);
    }
  });
});

describe('GET /v1/orders', () => {
  it('merges the tenant providers newest first, one page per call', async () => {
    const { get } = createTestApp();
    const response = await get('/v1/orders?limit=5');
    const body = (await response.json()) as Page;
    expect(response.status).toBe(200);
    expect(body.orders.map((order) => order.createdAt)).toEqual(
      [...body.orders.map((order) => order.createdAt)].sort().reverse(),
    );
    expect(body.orders[0]!.key).toBe('alpha:al_0022');
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('walks every page through signed cursors with no duplicate and no gap', async () => {
    const { get } = createTestApp();
    const expected = [...makeOrders('alpha', 23), ...makeOrders('beta', 17)]
      .sort(
        (left, right) =>
          left.createdAt.localeCompare(right.createdAt) || left.key.localeCompare(right.key),
      )
      .map((order) => order.key);
    for (const limit of [1, 7, 40, 1000]) {
      expect(await walk(get, `limit=${limit}&sort=createdAt:asc`)).toEqual(expected);
    }
  });

  it('filters by status, provider and dates and sorts by total', async () => {
    const { get } = createTestApp();
    const completed = await walk(get, 'status=completed&provider=beta&limit=3');
    expect(completed).toHaveLength(8);
    expect(completed.every((key) => key.startsWith('beta:'))).toBe(true);
    const both = await walk(get, 'status=completed&status=pending&provider=alpha,beta');
    expect(both).toHaveLength(40);
    const january = await walk(get, 'createdFrom=2025-01-10&createdTo=2025-01-12T23:59:59Z');
    expect(january).toHaveLength(6);
    const byTotal = (await (
      await get('/v1/orders?sort=total:desc&currency=eur&limit=2')
    ).json()) as Page;
    expect(byTotal.orders.map((order) => order.totals.total.amountMinor)).toEqual([2300, 2200]);
    // Amounts in different currencies have no order: a total sort must name one currency.
    const unranked = await get('/v1/orders?sort=total:desc');
    expect(unranked.status).toBe(400);
    expect(await unranked.text()).toMatch(/currency.*exchange rates/);
  });

  it('reads relative times against the clock', async () => {
    const { get } = createTestApp({ now: () => Date.parse('2025-01-20T00:00:00Z') });
    const recent = await walk(get, 'createdFrom=3d&createdTo=1d&provider=alpha');
    expect(recent).toEqual(['alpha:al_0018', 'alpha:al_0017', 'alpha:al_0016']);
  });

  it('reads values as the CLI does: bare dates, statuses in any case, sort without direction', async () => {
    const { get } = createTestApp();
    const days = await walk(get, 'createdFrom=2025-01-10&createdTo=2025-01-12&provider=alpha');
    expect(days).toEqual(['alpha:al_0011', 'alpha:al_0010', 'alpha:al_0009']);
    const statuses = await walk(get, 'status=Completed, PENDING&fulfillmentStatus=fulfilled');
    expect(statuses).toHaveLength(8 + 11);
    const sorted = (await (await get('/v1/orders?sort=TOTAL&currency=eur&limit=1')).json()) as Page;
    expect(sorted.orders[0]!.totals.total.amountMinor).toBe(2300);
  });

  it('reports filters done locally as warnings', async () => {
    const { get } = createTestApp();
    const body = (await (await get('/v1/orders?search=al_0001')).json()) as Page;
    expect(body.orders.map((order) => order.key)).toEqual(['alpha:al_0001']);
    expect(body.warnings).toContainEqual(
      expect.objectContaining({ code: 'filter-emulated', field: 'search' }),
    );
  });

  it.each([
    ['bogus=1', 'bogus'],
    ['limit=0', 'limit'],
    ['limit=1001', 'limit'],
    ['limit=abc', 'limit'],
    ['limit=1&limit=2', 'limit'],
    ['status=shipped', 'status'],
    ['status=', 'status'],
    ['paymentStatus=maybe', 'paymentStatus'],
    ['fulfillmentStatus=half', 'fulfillmentStatus'],
    ['sort=price:desc', 'sort'],
    ['sort=createdAt:up', 'sort'],
    ['createdFrom=yesterday', 'createdFrom'],
    ['createdFrom=2025-02-01&createdTo=2025-01-01', 'createdTo'],
    ['customerId=', 'customerId'],
    [`search=${'x'.repeat(300)}`, 'search'],
    ['partial=maybe', 'partial'],
    ['includeRaw=yes', 'includeRaw'],
    ['provider=gamma', 'provider'],
  ])('rejects %s as invalid-query naming %s', async (query, field) => {
    const { get } = createTestApp();
    const body = await expectProblem(await get(`/v1/orders?${query}`), 400, 'invalid-query');
    expect(body.errors).toContainEqual(expect.objectContaining({ field }));
  });

  it('lists every unknown parameter', async () => {
    const { get } = createTestApp();
    const body = await expectProblem(await get('/v1/orders?foo=1&bar=2'), 400, 'invalid-query');
    expect(body.errors).toEqual([
      { field: 'foo', message: 'is not a parameter of this operation' },
      { field: 'bar', message: 'is not a parameter of this operation' },
    ]);
  });
});

describe('signed cursors', () => {
  async function firstCursor(
    get: (path: string, key?: string | null) => Promise<Response>,
    key?: string,
  ) {
    const body = (await (await get('/v1/orders?limit=2', key)).json()) as Page;
    return body.nextCursor!;
  }

  it('rejects forged, altered, truncated and foreign cursors with invalid-cursor', async () => {
    const { get } = createTestApp();
    const cursor = await firstCursor(get);
    const [payload, signature] = cursor.split('.') as [string, string];
    // The payload is core's cursor (JSON, base64url); a forger edits it and keeps the signature.
    const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString());
    decoded.s = 1;
    const forgedPayload = Buffer.from(JSON.stringify(decoded)).toString('base64url');
    const flip = (text: string, index: number) =>
      text.slice(0, index) + (text[index] === 'A' ? 'B' : 'A') + text.slice(index + 1);
    const candidates = [
      `${forgedPayload}.${signature}`,
      flip(cursor, 3),
      flip(cursor, cursor.length - 1),
      cursor.slice(0, -5),
      payload,
      Buffer.from(payload, 'base64url').toString(),
      'not-a-cursor',
    ];
    for (const candidate of candidates) {
      const response = await get(`/v1/orders?limit=2&cursor=${encodeURIComponent(candidate)}`);
      const body = await expectProblem(response, 400, 'invalid-cursor');
      expect(body.errors).toEqual([expect.objectContaining({ field: 'cursor' })]);
    }
  });

  it("rejects another tenant's cursor", async () => {
    const { get } = createTestApp();
    const globexCursor = await firstCursor(get, KEYS.globex);
    await expectProblem(
      await get(`/v1/orders?limit=2&cursor=${encodeURIComponent(globexCursor)}`),
      400,
      'invalid-cursor',
    );
  });

  it('rejects a cursor reused with another query', async () => {
    const { get } = createTestApp();
    const cursor = await firstCursor(get);
    await expectProblem(
      await get(`/v1/orders?limit=2&status=completed&cursor=${encodeURIComponent(cursor)}`),
      400,
      'invalid-cursor',
    );
  });

  it('rejects a cursor signed with another secret (another deployment)', async () => {
    const { get } = createTestApp();
    const other = createTestApp({ cursorSecret: `${CURSOR_SECRET}-other` });
    const cursor = await firstCursor(other.get);
    await expectProblem(
      await get(`/v1/orders?limit=2&cursor=${encodeURIComponent(cursor)}`),
      400,
      'invalid-cursor',
    );
  });
});

describe('GET /v1/orders/{key}', () => {
  it('returns the order', async () => {
    const { get } = createTestApp();
    const response = await get('/v1/orders/beta:be_0003');
    expect(response.status).toBe(200);
    expect(((await response.json()) as Order).key).toBe('beta:be_0003');
  });

  it('is 400 for a malformed key and 404 for an unknown provider or id', async () => {
    const { get } = createTestApp();
    await expectProblem(await get('/v1/orders/no-colon'), 400, 'invalid-query');
    await expectProblem(await get('/v1/orders/Alpha:1'), 400, 'invalid-query');
    await expectProblem(await get('/v1/orders/gamma:1'), 404, 'not-found');
    await expectProblem(await get('/v1/orders/alpha:al_9999'), 404, 'not-found');
    await expectProblem(await get('/v1/orders/alpha:al_0001?debug=1'), 400, 'invalid-query');
  });

  it("never shows another tenant's order", async () => {
    const { get } = createTestApp();
    expect((await get('/v1/orders/alpha:al_0035', KEYS.globex)).status).toBe(200);
    await expectProblem(await get('/v1/orders/alpha:al_0035', KEYS.acme), 404, 'not-found');
    await expectProblem(await get('/v1/orders/beta:be_0001', KEYS.globex), 404, 'not-found');
    const globexKeys = await walk((path) => get(path, KEYS.globex), 'limit=4');
    expect(globexKeys).toHaveLength(10);
    expect(globexKeys.every((key) => Number(key.slice(-4)) >= 30)).toBe(true);
  });

  it('maps a provider that cannot read the id (400) to 404', async () => {
    const provider = createTestProvider('alpha', [], {
      beforeCall: () => {
        throw new ProviderApiError({
          provider: 'alpha',
          kind: 'bad_request',
          status: 400,
          message: 'bad id',
        });
      },
    });
    const { get } = createTestApp({ acmeProviders: [provider] });
    await expectProblem(await get('/v1/orders/alpha:%20x'), 404, 'not-found');
  });
});

describe('provider failures', () => {
  const failing = (error: Error) => [
    createTestProvider('alpha', makeOrders('alpha', 5)),
    createTestProvider('beta', makeOrders('beta', 5), {
      beforeCall: () => {
        throw error;
      },
    }),
  ];

  it('fails the request naming the provider by default', async () => {
    const cases: Array<[Error, number, string, string]> = [
      [
        new ProviderUnavailableError({
          provider: 'beta',
          status: 503,
          message: 'beta is down',
          requestId: 'req-9',
        }),
        503,
        'provider-unavailable',
        'unavailable',
      ],
      [
        new ProviderApiError({
          provider: 'beta',
          kind: 'authentication',
          status: 401,
          message: 'beta rejected the credentials',
        }),
        502,
        'provider-error',
        'authentication',
      ],
      [
        new TimeoutError({
          provider: 'beta',
          message: 'beta timed out',
          timeoutMs: 10,
          scope: 'deadline',
        }),
        504,
        'provider-unavailable',
        'timeout',
      ],
      [
        new RateLimitError({
          provider: 'beta',
          status: 429,
          message: 'slow down',
          retryAfterMs: 2500,
        }),
        503,
        'provider-unavailable',
        'rate_limited',
      ],
    ];
    for (const [error, status, name, kind] of cases) {
      const { get } = createTestApp({ acmeProviders: failing(error) });
      const response = await get('/v1/orders');
      const body = await expectProblem(response, status, name);
      expect(body.provider).toBe('beta');
      expect(body.kind).toBe(kind);
      if (kind === 'unavailable') expect(body.providerRequestId).toBe('req-9');
      if (kind === 'rate_limited') expect(response.headers.get('retry-after')).toBe('3');
    }
  });

  it('answers 200 with the other providers and an errors entry with partial=true', async () => {
    const error = new ProviderUnavailableError({
      provider: 'beta',
      status: 503,
      message: 'beta is down',
    });
    const { get } = createTestApp({ acmeProviders: failing(error) });
    const response = await get('/v1/orders?partial=true');
    const body = (await response.json()) as Page;
    expect(response.status).toBe(200);
    expect(body.orders.map((order) => order.provider)).toEqual(Array(5).fill('alpha'));
    expect(body.errors).toEqual([
      expect.objectContaining({
        provider: 'beta',
        type: `${PROBLEM_BASE}provider-unavailable`,
        status: 503,
        providerStatus: 503,
      }),
    ]);
  });

  it('hides the details of an unexpected error behind a generic 500', async () => {
    const provider = createTestProvider('alpha', [], {
      beforeCall: () => {
        throw new TypeError('secret internals at line 12');
      },
    });
    const { get } = createTestApp({ acmeProviders: [provider] });
    const body = await expectProblem(await get('/v1/orders'), 500, 'internal');
    expect(JSON.stringify(body)).not.toContain('secret internals');
  });

  it('maps an upstream 404 on a listing to 502 naming the provider, also inside partial errors', async () => {
    const provider = createTestProvider('alpha', [], {
      beforeCall: () => {
        throw new NotFoundError({
          provider: 'alpha',
          status: 404,
          message: 'alpha GET https://alpha.invalid/v1/orders?limit=10 failed (HTTP 404)',
        });
      },
    });
    const { get } = createTestApp({
      acmeProviders: [provider, createTestProvider('beta', makeOrders('beta', 2))],
    });
    const body = await expectProblem(await get('/v1/orders'), 502, 'provider-error');
    expect(body).toMatchObject({ provider: 'alpha', kind: 'not_found', providerStatus: 404 });
    expect(JSON.stringify(body)).not.toContain('alpha.invalid');
    const partial = (await (await get('/v1/orders?partial=true')).json()) as Page;
    expect(partial.errors).toEqual([
      expect.objectContaining({
        provider: 'alpha',
        status: 502,
        type: `${PROBLEM_BASE}provider-error`,
      }),
    ]);
    expect(JSON.stringify(partial)).not.toContain('alpha.invalid');
  });
});

describe('client disconnects', () => {
  it('answers 499 without an internal error when the client aborts', async () => {
    const metrics = createServiceMetrics({ defaultMetrics: false });
    const hanging = {
      ...createTestProvider('alpha', []),
      listOrders: (_query: unknown, options?: { signal?: AbortSignal }) =>
        new Promise<never>((_, reject) => {
          options?.signal?.addEventListener('abort', () => reject(options.signal?.reason));
        }),
    };
    const { app } = createTestApp({ acmeProviders: [hanging], metrics });
    const controller = new AbortController();
    const pending = app.request('/v1/orders', {
      headers: { authorization: `Bearer ${KEYS.acme}` },
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 20);
    expect((await pending).status).toBe(499);
    const text = await metrics.render();
    expect(text).toContain('route="/v1/orders",method="GET",status="499"');
    expect(text).not.toContain('status="500"');
  });
});

describe('rate limit', () => {
  it('answers 429 with Retry-After once a key spent its budget', async () => {
    const { get } = createTestApp({ limitedRequestsPerMinute: 2 });
    expect((await get('/v1/providers', KEYS.limited)).status).toBe(200);
    expect((await get('/v1/providers', KEYS.limited)).status).toBe(200);
    const response = await get('/v1/providers', KEYS.limited);
    const body = await expectProblem(response, 429, 'rate-limited');
    expect(response.headers.get('retry-after')).toBe('30');
    expect(body.retryAfter).toBe(30);
    expect((await get('/v1/providers', KEYS.acme)).status).toBe(200);
  });
});

describe('GET /v1/providers', () => {
  it("lists only the tenant's providers, without credentials", async () => {
    const { get } = createTestApp();
    const body = (await (await get('/v1/providers')).json()) as {
      providers: Array<{ id: string }>;
    };
    expect(body.providers.map((provider) => provider.id)).toEqual(['alpha', 'beta']);
    const globex = (await (await get('/v1/providers', KEYS.globex)).json()) as typeof body;
    expect(globex.providers.map((provider) => provider.id)).toEqual(['alpha']);
  });
});

describe('request ids, redaction, unknown routes', () => {
  it('echoes a sane X-Request-Id and replaces anything else', async () => {
    const { get } = createTestApp();
    const echoed = await get('/v1/providers', KEYS.acme, { 'x-request-id': 'trace-123.abc' });
    expect(echoed.headers.get('x-request-id')).toBe('trace-123.abc');
    const replaced = await get('/v1/providers', KEYS.acme, { 'x-request-id': 'a b\tc' });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs one line per request, with a registered secret masked even there', async () => {
    const canary = 'request-id-canary-5d1e08';
    registerSecret(canary);
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _encoding, callback) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        callback();
      },
    });
    const { get } = createTestApp({ logger: createLogger({ destination }) });
    const response = await get('/v1/providers', KEYS.acme, { 'x-request-id': canary });
    expect(response.status).toBe(200);
    const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logged).toEqual([
      expect.objectContaining({
        msg: 'request',
        method: 'GET',
        route: '/v1/providers',
        status: 200,
        tenant: 'acme',
        apiKeyId: 'acme-ci',
      }),
    ]);
    expect(lines.join('\n')).not.toContain(canary);
  });

  it('masks customer emails for a tenant with redaction on', async () => {
    const { app } = createTestApp({
      tenants: [
        {
          id: 'private',
          apiKeys: [{ id: 'k', sha256: hashApiKey('private-key-000000') }],
          providers: [createTestProvider('alpha', makeOrders('alpha', 2))],
          redact: true,
        },
      ],
    });
    const response = await app.request('/v1/orders', {
      headers: { authorization: 'Bearer private-key-000000' },
    });
    const text = await response.text();
    expect(text).not.toContain('buyer.');
    expect(text).toContain('b***@example.com');
  });

  it('answers unknown paths with a not-found problem', async () => {
    const { get } = createTestApp();
    await expectProblem(await get('/v2/orders'), 404, 'not-found');
    await expectProblem(await get('/nothing', null), 404, 'not-found');
  });

  it('answers another method on a known path with 405 and the allowed methods', async () => {
    const { app } = createTestApp();
    const authorization = `Bearer ${KEYS.acme}`;
    for (const [method, path] of [
      ['POST', '/v1/orders'],
      ['DELETE', '/v1/orders/alpha:al_0001'],
      ['PUT', '/v1/providers'],
      ['POST', '/healthz'],
    ] as const) {
      const response = await app.request(path, { method, headers: { authorization } });
      const body = await expectProblem(response, 405, 'method-not-allowed');
      expect(response.headers.get('allow'), `${method} ${path}`).toBe('GET, HEAD, OPTIONS');
      expect(body.detail).toContain(method);
    }
    const options = await app.request('/v1/orders', {
      method: 'OPTIONS',
      headers: { authorization },
    });
    expect(options.status).toBe(204);
    expect(options.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    // Authentication still comes first, and an unknown path stays a 404 whatever the method.
    await expectProblem(await app.request('/v1/orders', { method: 'POST' }), 401, 'unauthorized');
    await expectProblem(
      await app.request('/v2/orders', { method: 'POST', headers: { authorization } }),
      404,
      'not-found',
    );
  });
});

describe('metrics', () => {
  it('counts requests by route template and status', async () => {
    const metrics = createServiceMetrics({ defaultMetrics: false });
    const { get } = createTestApp({ metrics });
    await get('/v1/orders/alpha:al_0001');
    await get('/v1/orders/alpha:al_0002');
    await get('/v1/orders', null);
    const text = await (await get('/metrics', null)).text();
    expect(text).toContain(
      'orderbridge_http_requests_total{route="/v1/orders/{key}",method="GET",status="200"} 2',
    );
    expect(text).toContain(
      'orderbridge_http_requests_total{route="/v1/orders",method="GET",status="401"} 1',
    );
    expect(text).toContain(
      'orderbridge_http_request_duration_seconds_bucket{le="0.005",route="/v1/orders/{key}",method="GET"}',
    );
    expect(text).not.toContain('al_0001');
  });
});

describe('random query strings', () => {
  it('never answer with a 5xx', async () => {
    const { get } = createTestApp();
    const part = fc.oneof(
      fc.constantFrom(...ORDER_LIST_PARAMETERS),
      fc.string(),
      fc.constantFrom(
        '%',
        '%zz',
        '%E0%A4%A',
        '%00',
        '+',
        '&',
        '=',
        ',',
        '..',
        'createdAt:desc',
        '7d',
        '-1',
        '1e3',
        'true',
      ),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(part, part), { maxLength: 6 }), async (pairs) => {
        const query = pairs.map(([name, value]) => `${name}=${value}`).join('&');
        const response = await get(`/v1/orders?${query}`);
        expect(response.status, query).toBeLessThan(500);
      }),
      { numRuns: 300 },
    );
  });
});

describe('hardening against hostile requests', () => {
  /** Every error is a bounded problem+json. */
  async function expectBoundedProblem(response: Response, status: number, maxBytes = 4096) {
    const text = await response.text();
    expect(response.status, text.slice(0, 300)).toBe(status);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(maxBytes);
    return JSON.parse(text) as Record<string, unknown>;
  }

  it('answers a 15 KB list of commas and 1,000 unknown parameters with small problems', async () => {
    const { get } = createTestApp();
    const commas = await get(`/v1/orders?status=${','.repeat(15_000)}`);
    const body = await expectBoundedProblem(commas, 400);
    expect(body.errors).toEqual([{ field: 'status', message: 'must list at most 50 values' }]);
    const unknown = Array.from({ length: 1000 }, (_, index) => `p${index}=1`).join('&');
    const many = await expectBoundedProblem(await get(`/v1/orders?${unknown}`), 400);
    const errors = many.errors as Array<{ field: string; message: string }>;
    expect(errors).toHaveLength(11);
    expect(errors.at(-1)).toEqual({ field: '(more)', message: 'and 990 more problems not listed' });
    expect(String(many.detail)).not.toContain('p5');
  });

  it('refuses order ids that would change the upstream path with 400, asking no provider', async () => {
    const alpha = createTestProvider('alpha', makeOrders('alpha', 3));
    const { get } = createTestApp({ acmeProviders: [alpha] });
    for (const key of [
      'alpha:.',
      'alpha:..',
      'alpha:a%2Fb',
      'alpha:%2E%2E',
      'alpha:a%00b',
      'alpha:%20',
    ]) {
      const body = await expectBoundedProblem(await get(`/v1/orders/${key}`), 400);
      expect(body.type, key).toBe(`${PROBLEM_BASE}invalid-query`);
    }
    expect(alpha.lookups).toEqual([]);
  });

  it('answers a trailing slash with 404, never a self-contradicting 405', async () => {
    const { get } = createTestApp();
    for (const path of ['/v1/orders/', '/healthz/', '/metrics/', '/readyz/', '/v1/providers/']) {
      await expectProblem(await get(path), 404, 'not-found');
    }
  });

  it('passes an upstream Retry-After on clamped to whole seconds, on 503 too', async () => {
    const cases: Array<[Error, string]> = [
      [
        new RateLimitError({ provider: 'beta', status: 429, message: 'x', retryAfterMs: 1e23 }),
        '3600',
      ],
      [
        new ProviderUnavailableError({
          provider: 'beta',
          status: 503,
          message: 'x',
          retryAfterMs: 2_100,
        }),
        '3',
      ],
    ];
    for (const [error, expected] of cases) {
      const beta = createTestProvider('beta', [], {
        beforeCall: () => {
          throw error;
        },
      });
      const { get } = createTestApp({ acmeProviders: [beta] });
      const response = await get('/v1/orders');
      const body = await expectProblem(response, 503, 'provider-unavailable');
      expect(response.headers.get('retry-after')).toBe(expected);
      expect(body.retryAfter).toBe(Number(expected));
    }
  });

  it('sets security headers on every response, a frame-ancestors policy on /docs, no-store on orders', async () => {
    const { get } = createTestApp();
    for (const [path, key] of [
      ['/healthz', null],
      ['/v1/orders', KEYS.acme],
      ['/v1/orders', null],
      ['/nowhere', null],
      ['/docs', null],
    ] as const) {
      const response = await get(path, key);
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(response.headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(response.headers.get('content-security-policy'), path).toContain(
        "frame-ancestors 'none'",
      );
    }
    expect((await get('/docs', null)).headers.get('content-security-policy')).toContain(
      "script-src 'self'",
    );
    expect((await get('/v1/orders')).headers.get('cache-control')).toBe('no-store');
  });

  it('says only ready or not ready without a key; the checks of its own tenant with one', async () => {
    const readiness = {
      report: () => ({
        isReady: false,
        checks: [
          { tenant: 'acme', provider: 'alpha', status: 'ok' as const },
          { tenant: 'globex', provider: 'alpha', status: 'failed' as const, error: 'down' },
        ],
      }),
      checkNow: async () => undefined,
      start: () => undefined,
      stop: () => undefined,
    };
    const { get } = createTestApp({ readiness });
    const anonymous = await expectProblem(await get('/readyz', null), 503, 'not-ready');
    expect(anonymous.checks).toBeUndefined();
    expect(JSON.stringify(anonymous)).not.toContain('globex');
    const acme = await expectProblem(await get('/readyz', KEYS.acme), 503, 'not-ready');
    expect(acme.checks).toEqual([{ tenant: 'acme', provider: 'alpha', status: 'ok' }]);
    const globex = await expectProblem(await get('/readyz', KEYS.globex), 503, 'not-ready');
    expect(globex.detail).toBe('Waiting for alpha (failed).');
  });

  it('is not ready while the database check fails; its detail only with a key', async () => {
    let status: 'ok' | 'failed' = 'failed';
    const databaseCheck = {
      check: async () =>
        status === 'ok'
          ? { status, checkedAt: '2026-01-01T00:00:00.000Z' }
          : {
              status,
              checkedAt: '2026-01-01T00:00:00.000Z',
              error: 'the database cannot be reached (ECONNREFUSED)',
            },
    };
    const { get } = createTestApp({ databaseCheck });
    const anonymous = await expectProblem(await get('/readyz', null), 503, 'not-ready');
    expect(anonymous.detail).toBe('The service is not ready.');
    expect(anonymous.database).toBeUndefined();
    const acme = await expectProblem(await get('/readyz', KEYS.acme), 503, 'not-ready');
    expect(acme.detail).toBe(
      'Waiting for the database (the database cannot be reached (ECONNREFUSED)).',
    );
    expect(acme.database).toMatchObject({ status: 'failed' });
    status = 'ok';
    expect((await get('/readyz', null)).status).toBe(200);
    const ready = (await (await get('/readyz', KEYS.acme)).json()) as { database?: unknown };
    expect(ready.database).toMatchObject({ status: 'ok' });
  });

  it('expires a cursor after its lifetime with its own problem', async () => {
    let time = Date.UTC(2026, 0, 1);
    const { get } = createTestApp({ now: () => time, cursorLifetimeMs: 60_000 });
    const first = (await (await get('/v1/orders?limit=2')).json()) as Page;
    const next = `/v1/orders?limit=2&cursor=${first.nextCursor}`;
    expect((await get(next)).status).toBe(200);
    time += 61_000;
    const body = await expectProblem(await get(next), 400, 'cursor-expired');
    expect(body.errors).toEqual([{ field: 'cursor', message: 'has expired' }]);
  });

  it('answers 504 deadline-exceeded when upstream work outlasts the request deadline', async () => {
    const slow = createTestProvider('alpha', makeOrders('alpha', 3), { latencyMs: 5_000 });
    const { get } = createTestApp({ acmeProviders: [slow], requestDeadlineMs: 50 });
    const body = await expectProblem(await get('/v1/orders'), 504, 'deadline-exceeded');
    expect(body.detail).toContain('50 ms');
  });

  it('throttles requests without a valid key per client address, valid keys included once blocked', async () => {
    const { get } = createTestApp({ unauthenticatedRequestsPerMinute: 3 });
    expect((await get('/v1/orders', null)).status).toBe(401);
    expect((await get('/v1/orders', 'obk_wrong_guess_1')).status).toBe(401);
    expect((await get('/v1/orders', 'obk_wrong_guess_2')).status).toBe(401);
    const refused = await get('/v1/orders', 'obk_wrong_guess_3');
    await expectProblem(refused, 429, 'rate-limited');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // A correct guess now learns nothing: it is refused like the others.
    expect((await get('/v1/orders', KEYS.acme)).status).toBe(429);
  });

  it('bounds the upstream requests of a local-filter scan and charges them to the key', async () => {
    const alpha = createTestProvider('alpha', makeOrders('alpha', 300), {
      capabilities: { maxPageSize: 10 },
    });
    const charged: number[] = [];
    const rateLimiter = {
      take: async () => ({ isAllowed: true as const, remaining: 100 }),
      charge: async (_key: string, _perMinute: number, count: number) => {
        charged.push(count);
      },
    };
    const { get } = createTestApp({
      acmeProviders: [alpha],
      rateLimiter,
      scanBudget: { maxPageRequests: 5 },
    });
    const response = await get('/v1/orders?search=zzz&limit=1');
    const body = (await response.json()) as Omit<Page, 'warnings'> & {
      warnings: Array<{ code: string }>;
    };
    expect(response.status).toBe(200);
    expect(alpha.calls).toHaveLength(5);
    expect(alpha.calls.every((query) => query.limit === 10)).toBe(true);
    expect(body.nextCursor).not.toBeNull();
    expect(body.warnings.map((warning) => warning.code)).toContain('scan-budget-exhausted');
    expect(charged).toEqual([4]);
  });
});

describe('query parsing (property)', () => {
  it('never answers a random query with a 5xx; every error is a small problem+json', async () => {
    const { get } = createTestApp({ acmeRequestsPerMinute: 1_000_000 });
    const name = fc.oneof(
      fc.constantFrom(...ORDER_LIST_PARAMETERS),
      fc.string({ maxLength: 40 }),
      fc.constantFrom('cursor', 'status[]', '__proto__', 'constructor', 'toString'),
    );
    const value = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.constantFrom('%', '%zz', '%00', '%E0%A4%A', ',,,,', '..', '-1', '1e309', 'NaN', 'true'),
      fc.constantFrom(
        'createdAt:desc',
        'total:sideways',
        '7d',
        '99999999999999999999d',
        '2025-02-30',
      ),
      fc
        .array(fc.constantFrom('pending', 'PAID', 'x', '', ' '), { maxLength: 300 })
        .map((items) => items.join(',')),
      fc.string({ minLength: 200, maxLength: 2000 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(name, value), { maxLength: 12 }), async (pairs) => {
        const query = pairs
          .map(([key, text]) => `${encodeURIComponent(key)}=${encodeURIComponent(text)}`)
          .join('&');
        const response = await get(`/v1/orders?${query}`);
        const text = await response.text();
        expect(response.status, query).toBeLessThan(500);
        if (response.status >= 400) {
          expect(response.headers.get('content-type'), query).toBe('application/problem+json');
          expect(Buffer.byteLength(text), query).toBeLessThanOrEqual(8192);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
