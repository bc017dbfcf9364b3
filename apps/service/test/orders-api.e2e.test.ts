import {
  matchesQuery,
  type Order,
  type OrderQueryInput,
  orderComparator,
  parseOrderQuery,
} from '@orderbridge/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ORDER_LIST_PARAMETERS } from '../src/test-support/order-list-parameters.js';
import {
  type SandboxProcess,
  type ServiceProcess,
  startSandboxProcess,
  startServiceProcess,
  writeTenantsFile,
} from './support/processes.js';
import { E2E_CURSOR_SECRET, E2E_KEYS, e2eTenants } from './support/tenants.js';

const PROBLEMS = 'https://orderbridge.dev/problems/';

interface Page {
  orders: Order[];
  nextCursor: string | null;
  warnings: Array<{ code: string; field?: string }>;
  errors?: Array<{ provider: string; type: string; status: number }>;
}

let sandbox: SandboxProcess;
let service: ServiceProcess;
let tenantsFile: string;
let serviceEnv: Record<string, string>;
let canaries: string[];
/** Every order tenant A can see, from walking its whole listing once at the largest page size. */
let allOrdersOfA: Order[];

async function call(
  path: string,
  key: string | null = E2E_KEYS.tenantA,
  headers: Record<string, string> = {},
) {
  return fetch(`${service.url}${path}`, {
    headers: key === null ? headers : { authorization: `Bearer ${key}`, ...headers },
  });
}

async function expectProblem(response: Response, status: number, name: string) {
  const body = (await response.json()) as Record<string, unknown>;
  expect(response.status, JSON.stringify(body)).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  expect(body.type).toBe(`${PROBLEMS}${name}`);
  expect(body.requestId).toBe(response.headers.get('x-request-id'));
  expect(JSON.stringify(body)).not.toMatch(/\.(ts|js):\d+/);
  return body;
}

/** Walks a listing through its `Link` headers; returns every order in order. */
async function walk(query: string, key: string = E2E_KEYS.tenantA): Promise<Order[]> {
  const orders: Order[] = [];
  let path: string | null = `/v1/orders?${query}`;
  for (let page = 0; path !== null; page++) {
    if (page > 500) throw new Error('the listing never ended');
    const response = await call(path, key);
    const body = (await response.json()) as Page;
    expect(response.status, JSON.stringify(body).slice(0, 500)).toBe(200);
    orders.push(...body.orders);
    const link = response.headers.get('link');
    if (body.nextCursor === null) {
      expect(link).toBeNull();
      path = null;
    } else {
      const target = /^<([^>]+)>; rel="next"$/.exec(link ?? '')?.[1];
      expect(target, `Link: ${link}`).toBeDefined();
      expect(new URL(target!, service.url).searchParams.get('cursor')).toBe(body.nextCursor);
      path = target!;
    }
  }
  return orders;
}

/** What a query must return, computed from tenant A's complete order set with core's semantics. */
function expected(query: OrderQueryInput, providers?: string[]): string[] {
  const parsed = parseOrderQuery(query);
  return allOrdersOfA
    .filter((order) => !providers || providers.includes(order.provider))
    .filter((order) => matchesQuery(order, parsed))
    .sort(orderComparator(parsed.sort ?? { field: 'createdAt', direction: 'desc' }))
    .map((order) => order.key);
}

const keys = (orders: Order[]) => orders.map((order) => order.key);

beforeAll(async () => {
  sandbox = await startSandboxProcess();
  const tenants = e2eTenants(sandbox.settings);
  canaries = tenants.canaries;
  tenantsFile = writeTenantsFile(tenants.file);
  serviceEnv = {
    ...tenants.env,
    ORDERBRIDGE_CURSOR_SECRET: E2E_CURSOR_SECRET,
    LOG_LEVEL: 'debug',
    // A provider variable in the service's environment must never be used as a fallback.
    FLEXPORTAL_API_KEY: 'fp_must_never_be_used_000000',
  };
  service = await startServiceProcess(['--tenants', tenantsFile], serviceEnv);
  allOrdersOfA = await walk('limit=1000');
}, 60_000);

afterAll(async () => {
  await service?.stop();
  await sandbox?.stop();
});

describe('authentication', () => {
  it('refuses a missing header, another scheme and an unknown key with 401 problem+json', async () => {
    const cases: Array<[string | null, Record<string, string>]> = [
      [null, {}],
      [null, { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }],
      [null, { authorization: `Token ${E2E_KEYS.tenantA}` }],
      [null, { authorization: 'Bearer' }],
      ['obk_e2e_unknown_key_0000000000000000000000', {}],
      [`${E2E_KEYS.tenantA}x`, {}],
    ];
    for (const [key, headers] of cases) {
      const response = await call('/v1/orders', key, headers);
      await expectProblem(response, 401, 'unauthorized');
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
  });
});

describe('tenant isolation', () => {
  it("never shows tenant B's orders to tenant A, by listing or by key", async () => {
    const ordersOfB = await walk('limit=10', E2E_KEYS.tenantB);
    expect(ordersOfB.length).toBe(await sandbox.control.flexportal.tenant('bu_sandbox_b').count());
    expect(new Set(ordersOfB.map((order) => order.provider))).toEqual(new Set(['flexportal']));
    const keysOfA = new Set(keys(allOrdersOfA));
    const onlyB = ordersOfB.filter((order) => !keysOfA.has(order.key));
    expect(onlyB.length).toBeGreaterThan(0);
    for (const order of onlyB.slice(0, 5)) {
      await expectProblem(
        await call(`/v1/orders/${encodeURIComponent(order.key)}`),
        404,
        'not-found',
      );
      const own = await call(`/v1/orders/${encodeURIComponent(order.key)}`, E2E_KEYS.tenantB);
      expect(own.status).toBe(200);
    }
    // B has no FlexFactor: A's FlexFactor orders do not exist for B.
    const flexFactorOrder = allOrdersOfA.find((order) => order.provider === 'flexfactor')!;
    await expectProblem(
      await call(`/v1/orders/${encodeURIComponent(flexFactorOrder.key)}`, E2E_KEYS.tenantB),
      404,
      'not-found',
    );
    const providersOfB = (await (await call('/v1/providers', E2E_KEYS.tenantB)).json()) as {
      providers: Array<{ id: string }>;
    };
    expect(providersOfB.providers.map((provider) => provider.id)).toEqual(['flexportal']);
  });
});

describe('pagination', () => {
  it('walks every order of tenant A through signed cursors with no duplicate and no gap', async () => {
    const total =
      (await sandbox.control.flexportal.tenant('bu_sandbox_a').count()) +
      (await sandbox.control.flexfactor.count());
    expect(allOrdersOfA).toHaveLength(total);
    expect(new Set(keys(allOrdersOfA)).size).toBe(total);
    for (const limit of [37, 150]) {
      expect(keys(await walk(`limit=${limit}`))).toEqual(keys(allOrdersOfA));
    }
    expect(keys(await walk('limit=61&sort=total:asc&currency=USD'))).toEqual(
      expected({ sort: { field: 'total', direction: 'asc' }, currency: 'USD' }),
    );
  });

  it('continues a listing on another instance with the same secret (stateless)', async () => {
    const second = await startServiceProcess(['--tenants', tenantsFile], serviceEnv);
    try {
      const seen: string[] = [];
      let cursor: string | null = null;
      for (let page = 0; page === 0 || cursor !== null; page++) {
        const base = page % 2 === 0 ? service.url : second.url;
        const query = `limit=90${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const response = await fetch(`${base}/v1/orders?${query}`, {
          headers: { authorization: `Bearer ${E2E_KEYS.tenantA}` },
        });
        const body = (await response.json()) as Page;
        expect(response.status).toBe(200);
        seen.push(...keys(body.orders));
        cursor = body.nextCursor;
      }
      expect(seen).toEqual(keys(allOrdersOfA));
    } finally {
      await second.stop();
    }
  });

  it('rejects forged, altered, truncated and foreign cursors with 400 invalid-cursor', async () => {
    const first = (await (await call('/v1/orders?limit=5')).json()) as Page;
    const cursor = first.nextCursor!;
    const [payload, signature] = cursor.split('.') as [string, string];
    // The payload is core's cursor (JSON, base64url); a forger edits it and keeps the signature.
    const inner = JSON.parse(Buffer.from(payload, 'base64url').toString()) as {
      s: number;
    };
    inner.s = 1000;
    const forged = `${Buffer.from(JSON.stringify(inner)).toString('base64url')}.${signature}`;
    const ofB = ((await (await call('/v1/orders?limit=5', E2E_KEYS.tenantB)).json()) as Page)
      .nextCursor!;
    const flip = (text: string, index: number) =>
      `${text.slice(0, index)}${text[index] === 'x' ? 'y' : 'x'}${text.slice(index + 1)}`;
    for (const candidate of [
      forged,
      flip(cursor, 10),
      flip(cursor, cursor.length - 2),
      cursor.slice(0, -4),
      `${payload}.`,
      Buffer.from(payload, 'base64url').toString(),
      ofB,
    ]) {
      const body = await expectProblem(
        await call(`/v1/orders?limit=5&cursor=${encodeURIComponent(candidate)}`),
        400,
        'invalid-cursor',
      );
      expect(body.errors).toEqual([expect.objectContaining({ field: 'cursor' })]);
    }
    // A genuine cursor with another query is refused too (core binds cursors to their query).
    await expectProblem(
      await call(`/v1/orders?limit=5&status=completed&cursor=${encodeURIComponent(cursor)}`),
      400,
      'invalid-cursor',
    );
  });
});

describe('every query parameter', () => {
  const pick = <T>(values: T[], fallback: T) => values.find((value) => value !== null) ?? fallback;

  it.each([
    ['status', 'status=processing,completed', { status: ['processing', 'completed'] }],
    [
      'paymentStatus',
      'paymentStatus=paid&paymentStatus=pending',
      { paymentStatus: ['paid', 'pending'] },
    ],
    ['fulfillmentStatus', 'fulfillmentStatus=fulfilled', { fulfillmentStatus: ['fulfilled'] }],
    [
      'sort by createdAt asc',
      'sort=createdAt:asc',
      { sort: { field: 'createdAt', direction: 'asc' } },
    ],
    [
      'sort by total, in one currency',
      'sort=total&currency=usd',
      { sort: { field: 'total', direction: 'desc' }, currency: 'USD' },
    ],
  ] as const)('%s', async (_name, query, canonical) => {
    const result = keys(await walk(`${query}&limit=200`));
    expect(result).toEqual(expected(canonical as OrderQueryInput));
    expect(result.length).toBeGreaterThan(0);
  });

  it('sort by updatedAt: FlexPortal alone, and a clear 400 where FlexFactor cannot sort by it', async () => {
    const result = keys(await walk('sort=updatedAt:desc&provider=flexportal&limit=200'));
    expect(result).toEqual(
      expected({ sort: { field: 'updatedAt', direction: 'desc' } }, ['flexportal']),
    );
    const body = await expectProblem(await call('/v1/orders?sort=updatedAt'), 400, 'invalid-query');
    expect(JSON.stringify(body.errors)).toContain('flexfactor');
  });

  it('createdFrom and createdTo, as date-times, dates and relative times', async () => {
    const times = allOrdersOfA.map((order) => order.createdAt).sort();
    const from = times[Math.floor(times.length / 4)]!;
    const to = times[Math.floor((times.length * 3) / 4)]!;
    const result = keys(await walk(`createdFrom=${from}&createdTo=${to}&limit=200`));
    expect(result).toEqual(expected({ createdFrom: from, createdTo: to }));
    const day = to.slice(0, 10);
    expect(keys(await walk(`createdTo=${day}&limit=500`))).toEqual(
      expected({ createdTo: `${day}T23:59:59.999Z` }),
    );
    const daysAgo = Math.ceil((Date.now() - Date.parse(from)) / 86_400_000);
    const relative = keys(await walk(`createdFrom=${daysAgo}d&limit=500`));
    expect(relative).toEqual(
      expected({ createdFrom: new Date(Date.now() - daysAgo * 86_400_000).toISOString() }),
    );
  });

  it('customerId, merchantId and search', async () => {
    const withCustomer = allOrdersOfA.find((order) => order.customer?.id);
    const customerId = withCustomer!.customer!.id!;
    expect(keys(await walk(`customerId=${encodeURIComponent(customerId)}`))).toEqual(
      expected({ customerId }),
    );
    const merchantId = pick(
      allOrdersOfA.map((order) => order.merchant?.id ?? null),
      'none',
    );
    const byMerchant = keys(await walk(`merchantId=${encodeURIComponent(merchantId!)}&limit=500`));
    expect(byMerchant).toEqual(expected({ merchantId: merchantId! }));
    expect(byMerchant.length).toBeGreaterThan(0);
    const name = withCustomer!.customer!.name!.split(' ')[0]!.toUpperCase();
    const bySearch = keys(await walk(`search=${encodeURIComponent(name)}&limit=500`));
    expect(bySearch).toEqual(expected({ search: name }));
    expect(bySearch).toContain(withCustomer!.key);
  });

  it('limit, provider and includeRaw', async () => {
    const page = (await (await call('/v1/orders?limit=7')).json()) as Page;
    expect(keys(page.orders)).toEqual(keys(allOrdersOfA).slice(0, 7));
    const flexFactorOnly = keys(await walk('provider=flexfactor&limit=500'));
    expect(flexFactorOnly).toEqual(expected({}, ['flexfactor']));
    const both = keys(await walk('provider=flexportal&provider=flexfactor&limit=500'));
    expect(both).toEqual(keys(allOrdersOfA));
    const raw = (await (await call('/v1/orders?limit=3&includeRaw=true')).json()) as Page;
    expect(raw.orders.every((order) => order.raw !== undefined)).toBe(true);
    expect(page.orders.every((order) => order.raw === undefined)).toBe(true);
    const one = await call(`/v1/orders/${encodeURIComponent(page.orders[0]!.key)}?includeRaw=true`);
    expect(((await one.json()) as Order).raw).toBeDefined();
  });
});

describe('bad input', () => {
  it.each([
    ['/v1/orders?colour=red', 400, 'invalid-query', 'colour'],
    ['/v1/orders?limit=0', 400, 'invalid-query', 'limit'],
    ['/v1/orders?limit=ten', 400, 'invalid-query', 'limit'],
    ['/v1/orders?limit=5&limit=6', 400, 'invalid-query', 'limit'],
    ['/v1/orders?status=lost', 400, 'invalid-query', 'status'],
    ['/v1/orders?sort=colour:asc', 400, 'invalid-query', 'sort'],
    ['/v1/orders?sort=createdAt:sideways', 400, 'invalid-query', 'sort'],
    ['/v1/orders?createdFrom=2024-13-45', 400, 'invalid-query', 'createdFrom'],
    ['/v1/orders?createdFrom=2025-02-01&createdTo=2025-01-01', 400, 'invalid-query', 'createdTo'],
    ['/v1/orders?provider=shopify', 400, 'invalid-query', 'provider'],
    ['/v1/orders?partial=perhaps', 400, 'invalid-query', 'partial'],
    ['/v1/orders?cursor=', 400, 'invalid-cursor', 'cursor'],
    ['/v1/orders/not-a-key', 400, 'invalid-query', 'key'],
    ['/v1/orders/flexportal:ord_does_not_exist_0', 404, 'not-found', undefined],
    ['/v1/orders/flexfactor:99999999', 404, 'not-found', undefined],
    ['/v1/orders/shopify:1', 404, 'not-found', undefined],
    ['/v1/providers?verbose=1', 400, 'invalid-query', 'verbose'],
  ] as const)('%s → %i %s', async (path, status, name, field) => {
    const body = await expectProblem(await call(path), status, name);
    if (field !== undefined) {
      expect(body.errors).toContainEqual(expect.objectContaining({ field }));
    }
  });

  it('random query strings never produce a 5xx', async () => {
    const token = fc.oneof(
      fc.constantFrom(...ORDER_LIST_PARAMETERS),
      fc.string({ maxLength: 12 }),
      fc.constantFrom(
        '%',
        '%zz',
        '%E0%A4%A',
        '%00',
        '%FF',
        '+',
        '=',
        ',',
        'createdAt:desc',
        '7d',
        '0',
        '1001',
        'completed',
        'flexfactor',
        'true',
      ),
    );
    const pair = fc.tuple(token, token).map(([name, value]) => `${name}=${value}`);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(pair, token), { maxLength: 5 }), async (parts) => {
        const query = parts.join('&');
        const response = await call(`/v1/orders?${query}`);
        await response.arrayBuffer();
        expect(response.status, query).toBeLessThan(500);
      }),
      { numRuns: 120 },
    );
  }, 60_000);
});

describe('partial results', () => {
  it('fails naming FlexFactor by default and answers with FlexPortal orders with partial=true', async () => {
    await sandbox.control.faults.set('flexfactor', {
      failNext: { count: 10_000, status: 503, retryAfter: '0' },
    });
    try {
      const failed = await expectProblem(
        await call('/v1/orders?limit=5'),
        503,
        'provider-unavailable',
      );
      expect(failed.provider).toBe('flexfactor');
      expect(failed.providerStatus).toBe(503);
      expect(String(failed.detail)).toContain('flexfactor');
      const response = await call('/v1/orders?limit=5&partial=true');
      const body = (await response.json()) as Page;
      expect(response.status).toBe(200);
      expect(body.orders).toHaveLength(5);
      expect(body.orders.every((order) => order.provider === 'flexportal')).toBe(true);
      expect(body.errors).toEqual([
        expect.objectContaining({
          provider: 'flexfactor',
          type: `${PROBLEMS}provider-unavailable`,
          status: 503,
        }),
      ]);
    } finally {
      await sandbox.control.faults.clear();
    }
  });
});

describe('operations', () => {
  it('reports health and readiness: only ready without a key, the checks of its tenant with one', async () => {
    expect(await (await call('/healthz', null)).json()).toEqual({ status: 'ok' });
    const anonymous = await call('/readyz', null);
    expect(anonymous.status).toBe(200);
    expect(await anonymous.json()).toEqual({ status: 'ready' });
    const ready = await call('/readyz');
    const body = (await ready.json()) as {
      status: string;
      checks: Array<{ tenant: string; provider: string; status: string }>;
    };
    expect(ready.status, JSON.stringify(body)).toBe(200);
    expect(
      body.checks.map((check) => `${check.tenant}/${check.provider}/${check.status}`).sort(),
    ).toEqual(['tenant-a/flexfactor/ok', 'tenant-a/flexportal/ok']);
  });

  it('exposes request, latency and upstream metrics by route template and provider', async () => {
    await call('/v1/orders/flexportal:missing_order_1');
    const text = await (await call('/metrics', null)).text();
    expect(text).toMatch(
      /orderbridge_http_requests_total\{route="\/v1\/orders",method="GET",status="200"\} \d+/,
    );
    expect(text).toMatch(
      /orderbridge_http_requests_total\{route="\/v1\/orders",method="GET",status="401"\} \d+/,
    );
    expect(text).toMatch(
      /orderbridge_http_requests_total\{route="\/v1\/orders\/\{key\}",method="GET",status="404"\} \d+/,
    );
    expect(text).toMatch(
      /orderbridge_http_request_duration_seconds_bucket\{le="0.1",route="\/v1\/orders",method="GET"\} \d+/,
    );
    expect(text).toMatch(
      /orderbridge_upstream_requests_total\{provider="flexportal",status="200"\} \d+/,
    );
    expect(text).toMatch(
      /orderbridge_upstream_requests_total\{provider="flexfactor",status="503"\} \d+/,
    );
    expect(text).toMatch(/orderbridge_upstream_retries_total\{provider="flexfactor"\} \d+/);
    expect(text).toMatch(
      /orderbridge_upstream_errors_total\{provider="flexfactor",kind="unavailable"\} \d+/,
    );
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).not.toContain('missing_order_1');
  });

  it('serves the OpenAPI document', async () => {
    const document = (await (await call('/openapi.json', null)).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/v1/orders', '/v1/orders/{key}', '/v1/providers']),
    );
  });
});

describe('logs', () => {
  it('log one line per request with request id, tenant, route, status and duration, and never a secret', async () => {
    const response = await call('/v1/providers', E2E_KEYS.tenantA, {
      'x-request-id': 'e2e-trace-42',
    });
    expect(response.headers.get('x-request-id')).toBe('e2e-trace-42');
    // Lines are written in batches, at the latest a second after they were logged.
    const line = await vi.waitFor(
      () => {
        const found = service
          .logs()
          .find((entry) => entry.msg === 'request' && entry.requestId === 'e2e-trace-42');
        if (!found) throw new Error('the request line is not written yet');
        return found;
      },
      { timeout: 5_000, interval: 50 },
    );
    expect(line).toMatchObject({
      tenant: 'tenant-a',
      apiKeyId: 'a-ci',
      route: '/v1/providers',
      status: 200,
      method: 'GET',
    });
    expect(typeof line!.durationMs).toBe('number');
    const requests = service.logs().filter((entry) => entry.msg === 'request');
    expect(requests.length).toBeGreaterThan(50);
    expect(requests.every((entry) => typeof entry.requestId === 'string')).toBe(true);
    expect(service.logs().some((entry) => entry.msg === 'upstream response')).toBe(true);
    const everything = [...service.stdout, ...service.stderr].join('\n');
    for (const canary of canaries) expect(everything).not.toContain(canary);
    expect(everything).not.toContain('fp_must_never_be_used');
  });
});
