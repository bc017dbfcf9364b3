import {
  AuthenticationError,
  ConfigurationError,
  InvalidQueryError,
  NotFoundError,
  type OrderQueryInput,
  PermissionError,
  ProviderApiError,
  ProviderResponseError,
  ProviderUnavailableError,
  parseOrderQuery,
  RateLimitError,
} from '@orderbridge/core';
import { describe, expect, it } from 'vitest';
import {
  errorBody,
  fullOrder,
  listPage,
  minimalOrder,
} from './__fixtures__/flexportal-payloads.js';
import {
  createFlexPortal,
  FLEXPORTAL_BASE_URLS,
  type FlexPortalSettings,
  resolveFlexPortalSettings,
} from './flexportal-provider.js';
import { type FakeResponse, fakeFetch, type RecordedRequest } from './test-support/fake-fetch.js';

const API_KEY = 'fp_test_fake_key_0001';
const TENANT = 'bu_test';

/** Expects `action` to throw and returns the error. */
async function failure(action: () => unknown): Promise<unknown> {
  try {
    await action();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

function configurationErrorOf(settings: FlexPortalSettings, env: Record<string, string> = {}) {
  try {
    resolveFlexPortalSettings(settings, env);
  } catch (error) {
    if (ConfigurationError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a ConfigurationError');
}

function providerWith(
  handler: (request: RecordedRequest, index: number) => FakeResponse,
  settings: FlexPortalSettings = {},
) {
  const fetch = fakeFetch(handler);
  const provider = createFlexPortal({
    apiKey: API_KEY,
    tenantId: TENANT,
    baseUrl: 'https://api-eu.flexportal.io',
    fetch,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    ...settings,
  });
  return { provider, fetch };
}

/** A provider whose every listing answers with `page`; returns the page and the request sent. */
async function listWith(
  query: OrderQueryInput,
  page: unknown = listPage([]),
  options: { strict?: boolean; includeRaw?: boolean } = {},
) {
  const { provider, fetch } = providerWith(() => ({ body: page }));
  const result = await provider.listOrders(parseOrderQuery(query), options);
  return { result, requests: fetch.requests, params: fetch.requests[0]?.url.searchParams };
}

describe('resolveFlexPortalSettings', () => {
  it('reads the API key and tenant id from the environment when not passed', () => {
    expect(
      resolveFlexPortalSettings({}, { FLEXPORTAL_API_KEY: 'k_env', FLEXPORTAL_TENANT_ID: 't_env' }),
    ).toEqual({
      id: 'flexportal',
      apiKey: 'k_env',
      tenantId: 't_env',
      baseUrl: 'https://api-eu.flexportal.io',
    });
  });

  it('prefers explicit settings over the environment', () => {
    const resolved = resolveFlexPortalSettings(
      { apiKey: 'k_set', tenantId: 't_set', region: 'us' },
      {
        FLEXPORTAL_API_KEY: 'k_env',
        FLEXPORTAL_TENANT_ID: 't_env',
        FLEXPORTAL_REGION: 'qatar',
      },
    );
    expect(resolved).toMatchObject({
      apiKey: 'k_set',
      tenantId: 't_set',
      baseUrl: 'https://api-us.flexportal.io',
    });
  });

  it('picks the documented base URL of each region', () => {
    const credentials = { apiKey: 'k', tenantId: 't' };
    expect(resolveFlexPortalSettings({ ...credentials, region: 'eu' }, {}).baseUrl).toBe(
      'https://api-eu.flexportal.io',
    );
    expect(resolveFlexPortalSettings({ ...credentials, region: 'us' }, {}).baseUrl).toBe(
      'https://api-us.flexportal.io',
    );
    expect(resolveFlexPortalSettings({ ...credentials, region: 'qatar' }, {}).baseUrl).toBe(
      'https://api-qatar.flexportal.io',
    );
    expect(resolveFlexPortalSettings({ ...credentials, region: 'test' }, {}).baseUrl).toBe(
      'https://api-test.flexportal.io',
    );
    expect(resolveFlexPortalSettings(credentials, { FLEXPORTAL_REGION: 'qatar' }).baseUrl).toBe(
      FLEXPORTAL_BASE_URLS.qatar,
    );
  });

  it('lets a base URL (setting or environment) override the region', () => {
    const credentials = { apiKey: 'k', tenantId: 't' };
    expect(
      resolveFlexPortalSettings(
        { ...credentials, region: 'us', baseUrl: 'http://127.0.0.1:9/fp/' },
        {},
      ).baseUrl,
    ).toBe('http://127.0.0.1:9/fp');
    expect(
      resolveFlexPortalSettings(credentials, {
        FLEXPORTAL_BASE_URL: 'http://localhost:4010/flexportal',
      }).baseUrl,
    ).toBe('http://localhost:4010/flexportal');
  });

  it('names the setting and the variable when the API key is missing', () => {
    const error = configurationErrorOf({ tenantId: 't' }, { FLEXPORTAL_API_KEY: '  ' });
    expect(error.setting).toBe('apiKey');
    expect(error.environmentVariable).toBe('FLEXPORTAL_API_KEY');
    expect(error.message).toMatch(
      /^FlexPortal API key is missing: pass "apiKey" to createFlexPortal\(\) or set FLEXPORTAL_API_KEY/,
    );
  });

  it('names the setting and the variable when the tenant id is missing', () => {
    const error = configurationErrorOf({ apiKey: 'k' });
    expect(error.setting).toBe('tenantId');
    expect(error.environmentVariable).toBe('FLEXPORTAL_TENANT_ID');
    expect(error.message).toContain(
      'pass "tenantId" to createFlexPortal() or set FLEXPORTAL_TENANT_ID',
    );
  });

  it('refuses an unknown region, naming where it came from', () => {
    const credentials = { apiKey: 'k', tenantId: 't' };
    const fromSetting = configurationErrorOf({ ...credentials, region: 'asia' as 'eu' });
    expect(fromSetting.setting).toBe('region');
    expect(fromSetting.environmentVariable).toBe('FLEXPORTAL_REGION');
    expect(fromSetting.message).toContain(
      '"asia" (from "region") is not one of eu, us, qatar, test',
    );
    const fromEnvironment = configurationErrorOf(credentials, { FLEXPORTAL_REGION: 'EU1' });
    expect(fromEnvironment.message).toContain('(from FLEXPORTAL_REGION)');
  });

  it('refuses a base URL that is not an absolute http(s) URL', () => {
    const credentials = { apiKey: 'k', tenantId: 't' };
    for (const baseUrl of ['api-eu.flexportal.io', 'ftp://example.org', 'https://x.test/?a=1']) {
      const error = configurationErrorOf({ ...credentials, baseUrl });
      expect(error.setting).toBe('baseUrl');
      expect(error.environmentVariable).toBe('FLEXPORTAL_BASE_URL');
      expect(error.message).toContain('is not an absolute http(s) URL');
    }
    expect(configurationErrorOf(credentials, { FLEXPORTAL_BASE_URL: '/v1' }).message).toContain(
      '(from FLEXPORTAL_BASE_URL)',
    );
  });

  it('refuses an invalid provider id, unknown settings and bad transport settings', () => {
    const credentials = { apiKey: 'k', tenantId: 't' };
    expect(configurationErrorOf({ ...credentials, id: 'Flex Portal' }).setting).toBe('id');
    const unknown = configurationErrorOf({ ...credentials, prefixUrl: 'x' } as FlexPortalSettings);
    expect(unknown.setting).toBe('prefixUrl');
    expect(unknown.message).toContain('does not know the setting "prefixUrl"');
    const nested = configurationErrorOf({
      ...credentials,
      retry: { limit: 3 } as FlexPortalSettings['retry'],
    });
    expect(nested.setting).toBe('retry.limit');
    expect(configurationErrorOf({ ...credentials, timeout: -1 }).setting).toBe('timeout');
    const rate = configurationErrorOf({ ...credentials, rateLimit: { requestsPerMinute: 0 } });
    expect(rate.setting).toBe('rateLimit.requestsPerMinute');
    expect(rate.message).toContain('must be at least 1');
  });
});

describe('createFlexPortal', () => {
  it('fails at creation, not on the first request, when a setting is missing', () => {
    expect(() => createFlexPortal({ apiKey: API_KEY, tenantId: '' })).toThrow(
      /tenant id is missing/,
    );
  });

  it('reads fallbacks from the env setting, and from nowhere when it is empty', () => {
    const fakeEnv = { FLEXPORTAL_API_KEY: 'fp_test_env_key_123', FLEXPORTAL_TENANT_ID: 'bu_env' };
    expect(createFlexPortal({ env: fakeEnv }).tenantId).toBe('bu_env');
    expect(() => createFlexPortal({ env: {} })).toThrow(/API key is missing/);
    // process.env itself (not a plain object) is accepted too.
    expect(() =>
      createFlexPortal({ env: process.env, apiKey: 'fp_test_key_123', tenantId: 'bu_1' }),
    ).not.toThrow();
  });

  it('exposes the port, its capabilities and its configuration', () => {
    const { provider } = providerWith(() => ({ body: listPage([]) }), { id: 'flexportal-eu' });
    expect(provider.specificationVersion).toBe('v1');
    expect(provider.id).toBe('flexportal-eu');
    expect(provider.statusMap.provider).toBe('flexportal-eu');
    expect(provider.statusMap.entries).toHaveLength(5);
    expect(provider.baseUrl).toBe('https://api-eu.flexportal.io');
    expect(provider.tenantId).toBe(TENANT);
    expect(provider.capabilities).toEqual({
      filters: ['status', 'customerId'],
      statusFilterValues: 'one',
      sorts: ['createdAt', 'updatedAt', 'id', 'total'],
      neverMatchingFilters: ['merchantId'],
      defaultPageSize: 50,
      maxPageSize: 100,
      pageNumbers: false,
      totalCount: false,
      incrementalSync: { strategy: 'change-time', field: 'updatedAt', overlapMs: 600_000 },
    });
  });
});

describe('listOrders: the request', () => {
  it('sends the documented headers and the default parameters explicitly', async () => {
    const { requests } = await listWith({});
    const [request] = requests;
    expect(request?.method).toBe('GET');
    expect(`${request?.url.origin}${request?.url.pathname}`).toBe(
      'https://api-eu.flexportal.io/v1/orders',
    );
    expect(request?.headers.get('authorization')).toBe(`Bearer ${API_KEY}`);
    expect(request?.headers.get('tenant-id')).toBe(TENANT);
    expect(request?.headers.get('user-agent')).toMatch(/^@orderbridge\/flexportal\/\d+\.\d+\.\d+ /);
    expect(Object.fromEntries(request?.url.searchParams ?? [])).toEqual({
      limit: '50',
      sortBy: 'createdAt',
      sortDir: 'desc',
    });
  });

  it('maps each sort field to FlexPortal sortBy and sends the direction', async () => {
    const sorts = [
      [{ field: 'createdAt', direction: 'asc' }, 'createdAt'],
      [{ field: 'updatedAt', direction: 'desc' }, 'updatedAt'],
      [{ field: 'id', direction: 'asc' }, 'orderId'],
      [{ field: 'total', direction: 'desc' }, 'totals.total'],
    ] as const;
    for (const [sort, sortBy] of sorts) {
      // A total sort names one currency (FlexPortal cannot filter by it: done locally).
      const { params } = await listWith({
        sort,
        ...(sort.field === 'total' ? { currency: 'EUR' } : {}),
      });
      expect(params?.get('sortBy')).toBe(sortBy);
      expect(params?.get('sortDir')).toBe(sort.direction);
    }
  });

  it('refuses a status sort (FlexPortal sorts the raw value alphabetically) without a request', async () => {
    const { provider, fetch } = providerWith(() => ({ body: listPage([]) }));
    const error = await failure(() =>
      provider.listOrders(parseOrderQuery({ sort: { field: 'status', direction: 'asc' } })),
    );
    expect(InvalidQueryError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('cannot sort by "status"');
    expect(fetch.requests).toHaveLength(0);
  });

  it('sends limit as a decimal string and clamps it to 100 with a warning', async () => {
    expect((await listWith({ limit: 7 })).params?.get('limit')).toBe('7');
    const clamped = await listWith({ limit: 500 });
    expect(clamped.params?.get('limit')).toBe('100');
    expect(clamped.result.warnings).toEqual([
      expect.objectContaining({ code: 'limit-clamped', field: 'limit' }),
    ]);
  });

  it('passes the cursor as startAfter', async () => {
    const { params } = await listWith({ cursor: 'ord_abc123xyz' });
    expect(params?.get('startAfter')).toBe('ord_abc123xyz');
  });

  it('pushes down a status filter that maps to one FlexPortal value', async () => {
    expect((await listWith({ status: ['pending'] })).params?.get('status')).toBe('pending');
    expect((await listWith({ status: ['completed'] })).params?.get('status')).toBe('fulfilled');
    expect((await listWith({ status: ['cancelled'] })).params?.get('status')).toBe('cancelled');
    const partial = await listWith({ fulfillmentStatus: ['partially_fulfilled'] });
    expect(partial.params?.get('status')).toBe('partial');
    expect(partial.result.warnings).toEqual([]);
    const confirmed = await listWith({
      status: ['processing'],
      fulfillmentStatus: ['unfulfilled'],
    });
    expect(confirmed.params?.get('status')).toBe('confirmed');
  });

  it('pushes down customerId and re-checks it locally', async () => {
    const page = listPage([
      minimalOrder({ orderId: 'ord_a' }),
      minimalOrder({
        orderId: 'ord_b',
        customer: {
          customerId: 'cust_other',
          email: 'o@example.org',
          firstName: 'O',
          lastName: 'T',
        },
      }),
    ]);
    const { params, result } = await listWith({ customerId: 'cust_min' }, page);
    expect(params?.get('customerId')).toBe('cust_min');
    expect(result.orders.map((order) => order.id)).toEqual(['ord_a']);
    expect(result.warnings).toEqual([]);
  });

  it('answers without a request when no FlexPortal status can match', async () => {
    const { provider, fetch } = providerWith(() => ({ body: listPage([]) }));
    const page = await provider.listOrders(parseOrderQuery({ status: ['draft', 'on_hold'] }));
    expect(page).toEqual({ orders: [], nextCursor: null, warnings: [] });
    expect(fetch.requests).toHaveLength(0);
  });
});

describe('listOrders: what is done locally', () => {
  const statuses = ['pending', 'confirmed', 'partial', 'fulfilled', 'cancelled', 'on_hold'];
  const mixedPage = listPage(
    statuses.map((status, index) =>
      minimalOrder({
        orderId: `ord_${status}`,
        status,
        payment: { status: index % 2 ? 'paid' : 'pending' },
      }),
    ),
    { hasMore: true, nextCursor: 'ord_on_hold' },
  );

  it('filters a status set that maps to several FlexPortal values locally, with a warning', async () => {
    const { params, result } = await listWith({ status: ['processing'] }, mixedPage);
    expect(params?.has('status')).toBe(false);
    expect(result.orders.map((order) => order.id)).toEqual(['ord_confirmed', 'ord_partial']);
    expect(result.warnings).toContainEqual(
      expect.objectContaining({
        code: 'filter-emulated',
        field: 'status',
        message: expect.stringContaining('matches the raw values "confirmed", "partial"'),
      }),
    );
    expect(result.nextCursor).toBe('ord_on_hold');
  });

  it('filters the payment status locally (decided by payment.status)', async () => {
    const { params, result } = await listWith({ paymentStatus: ['paid'] }, mixedPage);
    expect(params?.has('status')).toBe(false);
    expect(result.orders.map((order) => order.id)).toEqual([
      'ord_confirmed',
      'ord_fulfilled',
      'ord_on_hold',
    ]);
    expect(result.warnings).toContainEqual(
      expect.objectContaining({ code: 'filter-emulated', field: 'paymentStatus' }),
    );
  });

  it('keeps orders with an unknown status, warns, and finds them with an unknown filter', async () => {
    const { params, result } = await listWith({ status: ['unknown'] }, mixedPage);
    expect(params?.has('status')).toBe(false);
    expect(result.orders.map((order) => order.id)).toEqual(['ord_on_hold']);
    expect(result.warnings).toContainEqual(
      expect.objectContaining({ code: 'unknown-status', orderKey: 'flexportal:ord_on_hold' }),
    );
  });

  it('emulates search with a warning; a merchant filter matches nothing and sends no request (FlexPortal orders have no merchant)', async () => {
    const searched = await listWith({ search: 'ORD_PART' }, mixedPage);
    expect(searched.result.orders.map((order) => order.id)).toEqual(['ord_partial']);
    expect(searched.result.warnings).toContainEqual(
      expect.objectContaining({ code: 'filter-emulated', field: 'search' }),
    );
    expect(searched.params?.has('search')).toBe(false);
    const merchant = await listWith({ merchantId: 'm_1' }, mixedPage);
    expect(merchant.result.orders).toEqual([]);
    expect(merchant.result.nextCursor).toBeNull();
    expect(merchant.requests).toEqual([]);
    expect(merchant.result.warnings).toContainEqual(
      expect.objectContaining({ code: 'filter-never-matches', field: 'merchantId' }),
    );
  });

  it('stops at a createdFrom bound when sorted by createdAt descending', async () => {
    const page = listPage(
      [
        minimalOrder({ orderId: 'ord_3', createdAt: '2025-03-03T00:00:00Z' }),
        minimalOrder({ orderId: 'ord_2', createdAt: '2025-03-02T00:00:00Z' }),
        minimalOrder({ orderId: 'ord_1', createdAt: '2025-03-01T00:00:00Z' }),
      ],
      { hasMore: true, nextCursor: 'ord_1' },
    );
    const { result, params } = await listWith({ createdFrom: '2025-03-02' }, page);
    expect(result.orders.map((order) => order.id)).toEqual(['ord_3', 'ord_2']);
    expect(result.nextCursor).toBeNull();
    expect(result.warnings).toEqual([
      expect.objectContaining({ code: 'early-stop', field: 'createdFrom' }),
    ]);
    expect(params?.has('createdFrom')).toBe(false);
  });

  it('filters created bounds locally (and keeps going) when not sorted by createdAt', async () => {
    const page = listPage(
      [
        minimalOrder({ orderId: 'ord_a', createdAt: '2025-03-03T00:00:00Z' }),
        minimalOrder({ orderId: 'ord_b', createdAt: '2025-03-01T00:00:00Z' }),
      ],
      { hasMore: true, nextCursor: 'ord_b' },
    );
    const { result } = await listWith(
      { createdFrom: '2025-03-02', sort: { field: 'id', direction: 'asc' } },
      page,
    );
    expect(result.orders.map((order) => order.id)).toEqual(['ord_a']);
    expect(result.nextCursor).toBe('ord_b');
    expect(result.warnings).toEqual([
      expect.objectContaining({ code: 'filter-emulated', field: 'createdFrom' }),
    ]);
  });
});

describe('listOrders: the response', () => {
  it('ends the listing when hasMore is false or nextCursor is null or empty', async () => {
    const one = [minimalOrder()];
    expect(
      (await listWith({}, listPage(one, { hasMore: true, nextCursor: 'c1' }))).result.nextCursor,
    ).toBe('c1');
    expect(
      (await listWith({}, listPage(one, { hasMore: false, nextCursor: 'c1' }))).result.nextCursor,
    ).toBeNull();
    expect(
      (await listWith({}, listPage(one, { hasMore: true, nextCursor: null }))).result.nextCursor,
    ).toBeNull();
    expect(
      (await listWith({}, listPage(one, { hasMore: true, nextCursor: '' }))).result.nextCursor,
    ).toBeNull();
  });

  it('delivers the rest of a page around a record that breaks the schema, with a warning', async () => {
    const broken = minimalOrder({ orderId: 'ord_bad' });
    (broken.totals as Record<string, unknown>).total = 'n/a';
    const page = listPage([
      minimalOrder({ orderId: 'ord_a' }),
      broken,
      minimalOrder({ orderId: 'ord_c' }),
    ]);
    const { result } = await listWith({}, page);
    expect(result.orders.map((order) => order.id)).toEqual(['ord_a', 'ord_c']);
    expect(result.warnings).toEqual([
      expect.objectContaining({
        code: 'invalid-record',
        recordId: 'ord_bad',
        issues: [expect.objectContaining({ path: 'orders[1].totals.total' })],
      }),
    ]);
  });

  it('throws for a broken record in strict mode, with the JSON path', async () => {
    const page = listPage([minimalOrder(), { orderId: 'ord_x', status: 'pending' }]);
    const { provider } = providerWith(() => ({ body: page, headers: { 'x-request-id': 'req_9' } }));
    const error = await failure(() => provider.listOrders(parseOrderQuery({}), { strict: true }));
    expect(ProviderResponseError.isInstance(error)).toBe(true);
    expect((error as ProviderResponseError).path).toMatch(/^orders\[1\]\./);
    expect((error as ProviderResponseError).requestId).toBe('req_9');
  });

  it('announces the next cursor it returns through onNextCursor, once, null on the last page', async () => {
    const one = [minimalOrder()];
    for (const [envelope, expected] of [
      [{ hasMore: true, nextCursor: 'c1' }, 'c1'],
      [{ hasMore: false, nextCursor: 'c1' }, null],
      [{ hasMore: true, nextCursor: '' }, null],
    ] as const) {
      const { provider } = providerWith(() => ({ body: listPage(one, envelope) }));
      const announced: Array<string | null> = [];
      const result = await provider.listOrders(parseOrderQuery({}), {
        onNextCursor: (cursor) => announced.push(cursor),
      });
      expect(announced).toEqual([expected]);
      expect(result.nextCursor).toBe(expected);
    }
  });

  it('announces the next cursor before it maps the records', async () => {
    // In strict mode the first record fails its mapping: the cursor was announced before that.
    const page = listPage([{ orderId: 'ord_x', status: 'pending' }, minimalOrder()], {
      hasMore: true,
      nextCursor: 'c7',
    });
    const { provider } = providerWith(() => ({ body: page }));
    const announced: Array<string | null> = [];
    const error = await failure(() =>
      provider.listOrders(parseOrderQuery({}), {
        strict: true,
        onNextCursor: (cursor) => announced.push(cursor),
      }),
    );
    expect(ProviderResponseError.isInstance(error)).toBe(true);
    expect(announced).toEqual(['c7']);
  });

  it('awaits what onNextCursor returns before it maps the page', async () => {
    const { provider } = providerWith(() => ({
      body: listPage([minimalOrder()], { hasMore: true, nextCursor: 'c1' }),
    }));
    let release!: () => void;
    const turn = new Promise<void>((resolve) => {
      release = resolve;
    });
    let isDone = false;
    const call = provider
      .listOrders(parseOrderQuery({}), { onNextCursor: () => turn })
      .then((page) => {
        isDone = true;
        return page;
      });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(isDone).toBe(false);
    release();
    expect((await call).orders).toHaveLength(1);
  });

  it('announces nothing when the listing may stop early at a date bound', async () => {
    const page = listPage(
      [
        minimalOrder({ orderId: 'ord_3', createdAt: '2025-03-03T00:00:00Z' }),
        minimalOrder({ orderId: 'ord_1', createdAt: '2025-03-01T00:00:00Z' }),
      ],
      { hasMore: true, nextCursor: 'ord_1' },
    );
    const { provider } = providerWith(() => ({ body: page }));
    const announced: Array<string | null> = [];
    const result = await provider.listOrders(parseOrderQuery({ createdFrom: '2025-03-02' }), {
      onNextCursor: (cursor) => announced.push(cursor),
    });
    expect(result.nextCursor).toBeNull(); // the bound was passed: the walk ends here
    expect(announced).toEqual([]);
  });

  it('rejects an envelope that does not match the documented shape, with the path', async () => {
    const cases: Array<[unknown, string]> = [
      [{ orders: {}, hasMore: false, nextCursor: null }, 'orders'],
      [{ orders: [], nextCursor: null }, 'hasMore'],
      [{ orders: [], hasMore: true, nextCursor: 42 }, 'nextCursor'],
      // FP-OV-OLD's `{ data, pagination }` envelope is not the current API.
      [{ data: [], pagination: { page: 1 } }, 'orders'],
    ];
    for (const [body, path] of cases) {
      const { provider } = providerWith(() => ({ body }));
      const error = await failure(() => provider.listOrders(parseOrderQuery({})));
      expect(ProviderResponseError.isInstance(error)).toBe(true);
      expect((error as ProviderResponseError).path).toBe(path);
      expect((error as Error).message).toContain('does not match the documented envelope');
    }
  });

  it('keeps the wire object only with includeRaw', async () => {
    const page = listPage([fullOrder()]);
    expect((await listWith({}, page, { includeRaw: true })).result.orders[0]?.raw).toEqual(
      fullOrder(),
    );
    expect((await listWith({}, page)).result.orders[0]).not.toHaveProperty('raw');
  });
});

describe('getOrder', () => {
  it('requests the order by its encoded id and maps the bare object', async () => {
    const { provider, fetch } = providerWith(() => ({ body: fullOrder() }));
    const order = await provider.getOrder('ord 7?Qm');
    expect(fetch.requests[0]?.url.pathname).toBe('/v1/orders/ord%207%3FQm');
    expect(fetch.requests[0]?.headers.get('tenant-id')).toBe(TENANT);
    expect(order.key).toBe('flexportal:ord_7Qm2xk');
  });

  it('refuses ids that would change the request path, without a request', async () => {
    const { provider, fetch } = providerWith(() => ({ body: fullOrder() }));
    for (const id of ['', '.', '..', 'ord/7', 'ord\r\nx']) {
      const error = await failure(() => provider.getOrder(id));
      expect(InvalidQueryError.isInstance(error), JSON.stringify(id)).toBe(true);
    }
    expect(fetch.requests).toEqual([]);
  });

  it('throws NotFoundError keeping the provider code', async () => {
    const { provider } = providerWith(() => ({
      status: 404,
      body: errorBody('NOT_FOUND', 'Order not found'),
      headers: { 'x-request-id': 'req_404' },
    }));
    const error = await failure(() => provider.getOrder('ord_missing'));
    expect(NotFoundError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ providerCode: 'NOT_FOUND', status: 404, requestId: 'req_404' });
    expect((error as Error).message).toContain('Order not found');
  });

  it('throws ProviderResponseError with the path for an order that breaks the schema', async () => {
    const { provider } = providerWith(() => ({ body: minimalOrder({ rentalProgress: null }) }));
    const error = await failure(() => provider.getOrder('ord_min1'));
    expect(ProviderResponseError.isInstance(error)).toBe(true);
    expect((error as ProviderResponseError).path).toBe('rentalProgress');
  });

  it('refuses an empty id without a request', async () => {
    const { provider, fetch } = providerWith(() => ({ body: fullOrder() }));
    expect(InvalidQueryError.isInstance(await failure(() => provider.getOrder(' ')))).toBe(true);
    expect(fetch.requests).toHaveLength(0);
  });
});

describe('errors', () => {
  async function errorFor(status: number, body: unknown, headers: Record<string, string> = {}) {
    const { provider, fetch } = providerWith(() => ({ status, body, headers }), {
      retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 2 },
    });
    const error = await failure(() => provider.listOrders(parseOrderQuery({})));
    return { error: error as ProviderApiError, attempts: fetch.requests.length };
  }

  it('maps 401 to AuthenticationError with the provider code, never echoing the key', async () => {
    const { error, attempts } = await errorFor(
      401,
      errorBody('INVALID_TOKEN', `Key ${API_KEY} is invalid or expired`),
    );
    expect(AuthenticationError.isInstance(error)).toBe(true);
    expect(error.providerCode).toBe('INVALID_TOKEN');
    expect(error.message).not.toContain(API_KEY);
    expect(attempts).toBe(1);
  });

  it('maps 403 to PermissionError with the provider code', async () => {
    const { error } = await errorFor(
      403,
      errorBody('NO_TENANT_ACCESS', 'Tenant-ID missing or invalid'),
    );
    expect(PermissionError.isInstance(error)).toBe(true);
    expect(error.providerCode).toBe('NO_TENANT_ACCESS');
  });

  it('maps 400 VALIDATION_ERROR to a bad_request error with the details', async () => {
    const { error, attempts } = await errorFor(
      400,
      errorBody('VALIDATION_ERROR', 'Invalid query', [{ path: 'limit', message: 'too big' }]),
    );
    expect(ProviderApiError.isInstance(error)).toBe(true);
    expect(error.kind).toBe('bad_request');
    expect(error.providerCode).toBe('VALIDATION_ERROR');
    expect(error.details).toEqual([{ path: 'limit', message: 'too big' }]);
    expect(attempts).toBe(1);
  });

  it('retries 429 and 5xx, then fails with the typed error', async () => {
    const limited = await errorFor(429, errorBody('RATE_LIMITED', 'Slow down'), {
      'retry-after': '0',
    });
    expect(RateLimitError.isInstance(limited.error)).toBe(true);
    expect(limited.attempts).toBe(3);
    const unavailable = await errorFor(503, errorBody('UNAVAILABLE', 'Maintenance'));
    expect(ProviderUnavailableError.isInstance(unavailable.error)).toBe(true);
    expect(unavailable.error.providerCode).toBe('UNAVAILABLE');
    expect(unavailable.attempts).toBe(3);
  });

  it('recovers when a retry succeeds', async () => {
    const { provider, fetch } = providerWith((_request, index) =>
      index === 0
        ? { status: 500, body: errorBody('INTERNAL', 'oops') }
        : { body: listPage([minimalOrder()]) },
    );
    const page = await provider.listOrders(parseOrderQuery({}));
    expect(page.orders).toHaveLength(1);
    expect(fetch.requests).toHaveLength(2);
  });
});

describe('checkConnection', () => {
  it('sends the cheapest listing request', async () => {
    const { provider, fetch } = providerWith(() => ({ body: listPage([]) }));
    await provider.checkConnection();
    expect(fetch.requests[0]?.url.pathname).toBe('/v1/orders');
    expect(fetch.requests[0]?.url.searchParams.get('limit')).toBe('1');
  });

  it('fails with ProviderResponseError when the base URL does not answer like FlexPortal', async () => {
    const { provider } = providerWith(() => ({ body: { status: 'ok' } }));
    const error = await failure(() => provider.checkConnection());
    expect(ProviderResponseError.isInstance(error)).toBe(true);
  });

  it('fails with AuthenticationError for a bad key', async () => {
    const { provider } = providerWith(() => ({
      status: 401,
      body: errorBody('AUTH_REQUIRED', 'No Authorization header'),
    }));
    expect(AuthenticationError.isInstance(await failure(() => provider.checkConnection()))).toBe(
      true,
    );
  });
});
