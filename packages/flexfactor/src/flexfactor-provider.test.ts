import {
  AuthenticationError,
  ConfigurationError,
  InvalidQueryError,
  NotFoundError,
  type OrderQueryInput,
  ProviderApiError,
  ProviderResponseError,
  parseOrderQuery,
} from '@orderbridge/core';
import { describe, expect, it } from 'vitest';
import {
  createFlexFactor,
  type FlexFactorSettings,
  resolveFlexFactorSettings,
} from './flexfactor-provider.js';
import { fakeFetch, json, type SeenRequest, tokenBody } from './test-support/fake-fetch.js';
import { readFixture } from './test-support/read-fixture.js';

const SECRET = 'fake-app-secret-for-unit-tests';
const seed = readFixture('seed-002-list-response.json') as {
  orders: { rows: Record<string, unknown>[] };
};

function listBody(
  rows: unknown[],
  page: { pageNumber?: number; pageSize?: number; total?: number } = {},
) {
  const pageSize = page.pageSize ?? 10;
  const total = page.total ?? rows.length;
  const pageNumber = page.pageNumber ?? 1;
  const pageCount = Math.ceil(total / pageSize);
  return {
    orders: {
      firstItemOnPage: (pageNumber - 1) * pageSize + 1,
      hasNextPage: pageNumber < pageCount,
      hasPreviousPage: pageNumber > 1,
      isFirstPage: pageNumber === 1,
      isLastPage: pageNumber >= pageCount,
      lastItemOnPage: (pageNumber - 1) * pageSize + rows.length,
      pageCount,
      pageNumber,
      pageSize,
      totalItemCount: total,
      rows,
    },
    orderStatuses: {},
    success: true,
    result: null,
    status: null,
    statusCode: null,
    errors: [],
    customProperties: {},
  };
}

/** A provider over a fake FlexFactor: tokens are issued, data requests answered by `onData`. */
function fakeProvider(
  onData: (request: SeenRequest) => Response | Promise<Response>,
  settings: FlexFactorSettings = {},
) {
  const fake = fakeFetch((request) =>
    request.url.pathname.endsWith('/oauth2/token')
      ? json(200, tokenBody('fake-access-token'))
      : onData(request),
  );
  const provider = createFlexFactor({
    appKey: 'fake-app-key',
    appSecret: SECRET,
    baseUrl: 'https://flexfactor.test/v1',
    fetch: fake.fetch,
    retry: false,
    ...settings,
  });
  return {
    provider,
    fake,
    data: () => fake.requests.filter((r) => !r.url.pathname.endsWith('/token')),
  };
}

const list = (input: OrderQueryInput = {}) => parseOrderQuery(input);

describe('resolveFlexFactorSettings', () => {
  const env = { FLEXFACTOR_APP_KEY: 'env-key', FLEXFACTOR_APP_SECRET: 'env-secret' };

  it('reads secrets from the environment and defaults to production', () => {
    expect(resolveFlexFactorSettings({}, env)).toEqual({
      id: 'flexfactor',
      appKey: 'env-key',
      appSecret: 'env-secret',
      baseUrl: 'https://api.flexfactor.io/v1/',
      pageSize: 500,
    });
  });

  it('reads the environment from the env setting, so {} turns the fallbacks off', () => {
    expect(resolveFlexFactorSettings({ env }).appKey).toBe('env-key');
    expect(() => createFlexFactor({ env: {} })).toThrow(/FLEXFACTOR_APP_KEY/);
  });

  it('prefers explicit settings over the environment', () => {
    expect(
      resolveFlexFactorSettings({ appKey: 'k', appSecret: 's', id: 'ff-eu', pageSize: 50 }, env),
    ).toMatchObject({ id: 'ff-eu', appKey: 'k', appSecret: 's', pageSize: 50 });
  });

  it('picks the environment URL, from the setting or FLEXFACTOR_ENVIRONMENT', () => {
    expect(resolveFlexFactorSettings({ environment: 'sandbox' }, env).baseUrl).toBe(
      'https://api-sandbox.flexfactor.io/v1/',
    );
    expect(
      resolveFlexFactorSettings({}, { ...env, FLEXFACTOR_ENVIRONMENT: 'sandbox' }).baseUrl,
    ).toBe('https://api-sandbox.flexfactor.io/v1/');
    expect(
      resolveFlexFactorSettings(
        { environment: 'production' },
        {
          ...env,
          FLEXFACTOR_ENVIRONMENT: 'sandbox',
        },
      ).baseUrl,
    ).toBe('https://api.flexfactor.io/v1/');
  });

  it('defaults to the newest hosts and keeps the flex-charge.com family reachable', () => {
    expect(resolveFlexFactorSettings({}, env).baseUrl).toBe('https://api.flexfactor.io/v1/');
    expect(resolveFlexFactorSettings({ environment: 'production-flex-charge' }, env).baseUrl).toBe(
      'https://api.flex-charge.com/v1/',
    );
    expect(
      resolveFlexFactorSettings({}, { ...env, FLEXFACTOR_ENVIRONMENT: 'sandbox-flex-charge' })
        .baseUrl,
    ).toBe('https://api-sandbox.flex-charge.com/v1/');
    expect(() => resolveFlexFactorSettings({ environment: 'staging' as 'sandbox' }, env)).toThrow(
      /"production", "sandbox", "production-flex-charge", "sandbox-flex-charge"/,
    );
  });

  it('lets baseUrl (setting, then FLEXFACTOR_BASE_URL) override the environment, with a trailing slash', () => {
    expect(
      resolveFlexFactorSettings(
        { environment: 'sandbox' },
        { ...env, FLEXFACTOR_BASE_URL: 'http://127.0.0.1:9/flexfactor/v1' },
      ).baseUrl,
    ).toBe('http://127.0.0.1:9/flexfactor/v1/');
    expect(
      resolveFlexFactorSettings(
        { baseUrl: 'http://localhost:1/v1/' },
        { ...env, FLEXFACTOR_BASE_URL: 'http://127.0.0.1:9/v1' },
      ).baseUrl,
    ).toBe('http://localhost:1/v1/');
  });

  it.each([
    [{}, {}, 'appKey', 'FLEXFACTOR_APP_KEY'],
    [{}, { FLEXFACTOR_APP_KEY: 'k' }, 'appSecret', 'FLEXFACTOR_APP_SECRET'],
    [{ appSecret: '  ' }, env, 'appSecret', 'FLEXFACTOR_APP_SECRET'],
    [{ environment: 'staging' }, env, 'environment', 'FLEXFACTOR_ENVIRONMENT'],
    [{}, { ...env, FLEXFACTOR_ENVIRONMENT: 'prod' }, 'environment', 'FLEXFACTOR_ENVIRONMENT'],
    [{ baseUrl: 'api.flex-charge.com/v1' }, env, 'baseUrl', 'FLEXFACTOR_BASE_URL'],
    [{ baseUrl: 'ftp://example.com/v1/' }, env, 'baseUrl', 'FLEXFACTOR_BASE_URL'],
  ])('fails on %j with env %j naming %s and %s', (settings, environment, setting, variable) => {
    let thrown: unknown;
    try {
      resolveFlexFactorSettings(settings as FlexFactorSettings, environment);
    } catch (error) {
      thrown = error;
    }
    expect(ConfigurationError.isInstance(thrown)).toBe(true);
    const error = thrown as ConfigurationError;
    expect(error.setting).toBe(setting);
    expect(error.environmentVariable).toBe(variable);
    expect(error.message).toContain(setting);
    expect(error.message).toContain(variable);
  });

  it.each([
    [{ id: 'Flex Factor' }, 'id'],
    [{ pageSize: 0 }, 'pageSize'],
    [{ pageSize: 2.5 }, 'pageSize'],
    [{ timeout: -1 }, 'timeout'],
  ])('rejects %j', (settings, setting) => {
    expect(() => resolveFlexFactorSettings(settings, env)).toThrow(ConfigurationError);
    expect(() => resolveFlexFactorSettings(settings, env)).toThrow(setting);
  });
});

describe('createFlexFactor', () => {
  it('declares port v1, its capabilities and the status map under its id', () => {
    const { provider } = fakeProvider(() => json(200, listBody([])), { id: 'flexfactor-eu' });
    expect(provider.specificationVersion).toBe('v1');
    expect(provider.id).toBe('flexfactor-eu');
    expect(provider.statusMap.provider).toBe('flexfactor-eu');
    expect(provider.capabilities).toEqual({
      filters: ['status', 'createdFrom', 'createdTo', 'merchantId', 'search'],
      statusFilterValues: 'many',
      sorts: ['createdAt', 'total', 'id'],
      neverMatchingFilters: ['customerId'],
      defaultPageSize: 100,
      maxPageSize: 500,
      pageNumbers: true,
      totalCount: true,
      incrementalSync: { strategy: 'lookback', windowMs: 30 * 86_400_000 },
    });
  });

  it('sends every query parameter FlexFactor documents, with a bearer token', async () => {
    const { provider, data } = fakeProvider(() => json(200, listBody([])));
    await provider.listOrders(
      list({
        status: ['processing', 'returned'],
        createdFrom: '2024-03-01T00:00:00Z',
        createdTo: '2024-03-31T23:59:59Z',
        merchantId: 'mid-1',
        search: 'Appleseed',
        currency: 'USD',
        sort: { field: 'total', direction: 'asc' },
        limit: 25,
      }),
    );
    const [request] = data();
    expect(request?.url.pathname).toBe('/v1/orders');
    expect(request?.headers.get('authorization')).toBe('Bearer fake-access-token');
    const params = request?.url.searchParams;
    expect(params?.getAll('status')).toEqual(['4', '5', '6']);
    expect(params?.get('from')).toBe('2024-03-01T00:00:00.000Z');
    expect(params?.get('to')).toBe('2024-03-31T23:59:59.000Z');
    expect(params?.get('mid')).toBe('mid-1');
    expect(params?.get('query')).toBe('Appleseed');
    expect(params?.get('orderBy')).toBe('amount');
    expect(params?.get('sort')).toBe('asc');
    expect(params?.get('pageSize')).toBe('25');
    expect(params?.get('pageNumber')).toBe('1');
    expect(request?.headers.get('user-agent')).toMatch(/^@orderbridge\/flexfactor\/\d/);
  });

  it.each([
    ['createdAt', 'createdOn'],
    ['id', 'id'],
  ] as const)('sorts by %s with orderBy=%s, newest first by default', async (field, orderBy) => {
    const { provider, data } = fakeProvider(() => json(200, listBody([])));
    await provider.listOrders(list({ sort: { field, direction: 'desc' } }));
    await provider.listOrders(list());
    expect(data()[0]?.url.searchParams.get('orderBy')).toBe(orderBy);
    expect(data()[1]?.url.searchParams.get('orderBy')).toBe('createdOn');
    expect(data()[1]?.url.searchParams.get('sort')).toBe('desc');
    expect(data()[1]?.url.searchParams.get('pageSize')).toBe('100');
  });

  it('pins the first page to the current time when no createdTo is given', async () => {
    const { provider, data } = fakeProvider(() => json(200, listBody([])));
    const before = new Date().toISOString();
    await provider.listOrders(list());
    const to = data()[0]?.url.searchParams.get('to') ?? '';
    expect(to >= before && to <= new Date().toISOString()).toBe(true);
  });

  it('refuses an unsupported sort and sends nothing for an impossible status filter', async () => {
    const { provider, fake } = fakeProvider(() => json(200, listBody([])));
    await expect(
      provider.listOrders(list({ sort: { field: 'updatedAt', direction: 'asc' } })),
    ).rejects.toThrow(InvalidQueryError);
    const empty = await provider.listOrders(list({ fulfillmentStatus: ['fulfilled'] }));
    expect(empty).toMatchObject({ orders: [], nextCursor: null, totalCount: 0 });
    expect(fake.requests).toHaveLength(0);
  });

  it('answers a customerId filter empty without a request (FlexFactor rows carry no customer id)', async () => {
    const { provider, data } = fakeProvider(() => json(200, listBody(seed.orders.rows)));
    const page = await provider.listOrders(list({ customerId: 'c-1' }));
    expect(page.orders).toEqual([]);
    expect(page.nextCursor).toBeNull();
    expect(data()).toEqual([]);
    expect(page.warnings).toContainEqual(
      expect.objectContaining({ code: 'filter-never-matches', field: 'customerId' }),
    );
  });

  it('refuses order ids that would change the request path, without a request', async () => {
    const { provider, data } = fakeProvider(() => json(200, listBody([])));
    for (const id of ['.', '..', 'a/b', 'a\u0000b']) {
      const error = await provider.getOrder(id).catch((caught: unknown) => caught);
      expect(InvalidQueryError.isInstance(error), JSON.stringify(id)).toBe(true);
    }
    expect(data()).toEqual([]);
  });

  it('maps the seed page, reporting page number, count and total', async () => {
    const { provider } = fakeProvider(() => json(200, readFixture('seed-002-list-response.json')));
    const page = await provider.listOrders(list());
    expect(page.orders.map((order) => order.totals.total.amountMinor)).toEqual([4565, 300]);
    expect(page).toMatchObject({ nextCursor: null, totalCount: 2, pageNumber: 1, pageCount: 1 });
  });

  it('treats success:false with HTTP 200 as an error with the provider message', async () => {
    const { provider } = fakeProvider(() =>
      json(200, {
        success: false,
        status: 'FAILED',
        errors: [{ item1: 'Merchant is suspended', item2: '403002', item3: 'x', item4: false }],
      }),
    );
    const error = await provider.listOrders(list()).catch((caught: unknown) => caught);
    expect(ProviderApiError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ kind: 'permission', status: 200, providerCode: '403002' });
    expect((error as Error).message).toContain('Merchant is suspended');
  });

  it('treats a non-empty errors array as an error even with success:true', async () => {
    const { provider } = fakeProvider(() =>
      json(200, { ...listBody([]), errors: [{ item1: 'Invalid status', item2: '400010' }] }),
    );
    await expect(provider.listOrders(list())).rejects.toMatchObject({
      kind: 'bad_request',
      providerCode: '400010',
    });
  });

  it('rejects a page without its page object with the JSON path', async () => {
    const { provider } = fakeProvider(() => {
      const body = listBody([]);
      const { totalItemCount: _total, ...orders } = body.orders;
      return json(200, { ...body, orders });
    });
    const error = await provider.listOrders(list()).catch((caught: unknown) => caught);
    expect(ProviderResponseError.isInstance(error)).toBe(true);
    expect((error as ProviderResponseError).path).toBe('orders.totalItemCount');
  });

  it('leaves out a bad row with an invalid-record warning, or throws in strict mode', async () => {
    const rows = [seed.orders.rows[0], { ...seed.orders.rows[1], amount: 'n/a' }];
    const { provider } = fakeProvider(() => json(200, listBody(rows)));
    const page = await provider.listOrders(list());
    expect(page.orders.map((order) => order.id)).toEqual([seed.orders.rows[0]?.id]);
    expect(page.warnings).toContainEqual(
      expect.objectContaining({
        code: 'invalid-record',
        provider: 'flexfactor',
        recordId: 'abcdef12-3456-7890-abcd-efghijklmnop',
        issues: [{ path: 'orders.rows[1].amount', message: expect.any(String) }],
      }),
    );
    const strict = await provider.listOrders(list(), { strict: true }).catch((caught) => caught);
    expect(ProviderResponseError.isInstance(strict)).toBe(true);
    expect((strict as ProviderResponseError).path).toBe('orders.rows[1].amount');
  });

  it.each([
    ['ahead', -3_600_000],
    ['behind', 3_600_000],
  ])('pins to FlexFactor time when the local clock runs %s, and says so', async (_name, offset) => {
    const serverNow = Date.now() + offset;
    const { provider, data } = fakeProvider(() =>
      json(200, listBody([]), { date: new Date(serverNow).toUTCString() }),
    );
    const page = await provider.listOrders(list());
    expect(data()).toHaveLength(2);
    const pinned = data()[1]?.url.searchParams.get('to') ?? '';
    expect(Math.abs(Date.parse(pinned) - serverNow)).toBeLessThan(1_000);
    expect(page.warnings).toContainEqual(expect.objectContaining({ code: 'other' }));
    // A createdTo earlier than both clocks is the pin either way: no second request.
    const bounded = fakeProvider(() =>
      json(200, listBody([]), { date: new Date(serverNow).toUTCString() }),
    );
    await bounded.provider.listOrders(list({ createdTo: '2020-01-01T00:00:00Z' }));
    expect(bounded.data()).toHaveLength(1);
  });

  it('keeps the local pin when the Date header agrees to the second', async () => {
    const { provider, data } = fakeProvider(() =>
      json(200, listBody([]), { date: new Date().toUTCString() }),
    );
    const page = await provider.listOrders(list());
    expect(data()).toHaveLength(1);
    expect(page.warnings).toEqual([]);
  });

  it('retries a data call once with a new token after a 401, and fails on the second', async () => {
    let listCalls = 0;
    const { provider, fake } = fakeProvider(() => {
      listCalls += 1;
      return new Response(null, { status: 401 });
    });
    const error = await provider.listOrders(list()).catch((caught: unknown) => caught);
    expect(AuthenticationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('refused a freshly issued access token');
    expect(listCalls).toBe(2);
    expect(fake.to('/oauth2/token')).toHaveLength(2);
  });

  it('getOrder: maps the single order, 404 → NotFoundError with the provider message', async () => {
    const { provider, data } = fakeProvider((request) =>
      request.url.pathname.endsWith('/missing')
        ? json(404, readFixture('error-envelope-failure.json'))
        : json(200, readFixture('order-detail.json')),
    );
    const order = await provider.getOrder('12345678-abcd-1234-efgh-ijklmnopqrst');
    expect(order.key).toBe('flexfactor:12345678-abcd-1234-efgh-ijklmnopqrst');
    expect(data()[0]?.url.pathname).toBe('/v1/orders/12345678-abcd-1234-efgh-ijklmnopqrst');
    const missing = await provider.getOrder('missing').catch((caught: unknown) => caught);
    expect(NotFoundError.isInstance(missing)).toBe(true);
    expect((missing as Error).message).toContain('not found');
    expect((missing as NotFoundError).providerCode).toBe('404001');
    await expect(provider.getOrder('')).rejects.toThrow(InvalidQueryError);
  });

  it('makes page cursors that keep the pin and the size and drop the position', async () => {
    const rows = seed.orders.rows;
    const { provider, data } = fakeProvider(() =>
      json(200, listBody(rows, { pageSize: 2, total: 6 })),
    );
    const first = await provider.listOrders(list({ limit: 2 }));
    expect(first).toMatchObject({ pageNumber: 1, pageCount: 3, totalCount: 6 });
    const third = provider.cursorForPage(first, 3);
    await provider.listOrders(list({ limit: 50, cursor: third }));
    const [firstRequest, thirdRequest] = data();
    expect(thirdRequest?.url.searchParams.get('pageNumber')).toBe('3');
    expect(thirdRequest?.url.searchParams.get('pageSize')).toBe('2');
    expect(thirdRequest?.url.searchParams.get('to')).toBe(firstRequest?.url.searchParams.get('to'));
    await expect(
      provider.listOrders(list({ status: ['completed'], cursor: third })),
    ).rejects.toThrow(InvalidQueryError);
  });

  it('never puts the secret or the token in an error', async () => {
    const { provider } = fakeProvider(() =>
      json(500, { title: `echo ${SECRET} Bearer fake-access-token`, status: 500 }),
    );
    const error = await provider.listOrders(list()).catch((caught: unknown) => caught);
    for (const text of [(error as Error).message, JSON.stringify(error)]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain('fake-access-token');
    }
  });
});

describe('listOrders: onNextCursor', () => {
  /** Five distinct rows, newest first (the default sort: createdAt descending). */
  const rows = Array.from({ length: 5 }, (_, index) => ({
    ...seed.orders.rows[0],
    id: `00000000-0000-4000-8000-00000000000${index}`,
    createdOn: `2024-03-0${9 - index}T10:00:00.000000Z`,
  }));

  /** A FlexFactor serving `data` two rows a page, by `pageNumber`. */
  function pagedProvider(data: unknown[] = rows, total = data.length) {
    return fakeProvider((request) => {
      const pageNumber = Number(request.url.searchParams.get('pageNumber'));
      const slice = data.slice((pageNumber - 1) * 2, pageNumber * 2);
      return json(200, listBody(slice, { pageNumber, pageSize: 2, total }));
    });
  }

  /** listOrders, recording what it announced. */
  async function listAnnouncing(
    provider: ReturnType<typeof pagedProvider>['provider'],
    input: OrderQueryInput,
    options: { strict?: boolean } = {},
  ) {
    const announced: Array<string | null> = [];
    const outcome = await provider
      .listOrders(list(input), { ...options, onNextCursor: (cursor) => announced.push(cursor) })
      .then(
        (page) => ({ page, error: undefined }),
        (error: unknown) => ({ page: undefined, error }),
      );
    return { ...outcome, announced };
  }

  it('announces exactly the nextCursor of each page of a walk, null on the last', async () => {
    const { provider } = pagedProvider();
    let cursor: string | undefined;
    const seen: string[] = [];
    for (let pageIndex = 0; pageIndex < 3; pageIndex++) {
      const { page, announced } = await listAnnouncing(provider, { limit: 2, cursor });
      expect(announced).toEqual([page?.nextCursor]);
      seen.push(...(page?.orders.map((order) => order.id) ?? []));
      cursor = page?.nextCursor ?? undefined;
    }
    expect(cursor).toBeUndefined();
    expect(seen).toEqual(rows.map((row) => row.id));
  });

  it('announces the cursor before it maps the rows', async () => {
    // In strict mode the first row fails its mapping: the cursor was announced before that.
    const broken = [{ ...rows[0], amount: 'n/a' }, ...rows.slice(1)];
    const { provider } = pagedProvider(broken);
    // A createdTo bound is the pin, so both calls make the same cursors.
    const query = { limit: 2, createdTo: '2025-01-01T00:00:00Z' };
    const { error, announced } = await listAnnouncing(provider, query, { strict: true });
    expect(ProviderResponseError.isInstance(error)).toBe(true);
    expect(announced).toHaveLength(1);
    // Without strict the bad row is left out and the page ends on the same row: same cursor.
    const { page } = await listAnnouncing(provider, query);
    expect(page?.nextCursor).toEqual(expect.any(String));
    expect(announced).toEqual([page?.nextCursor]);
  });

  it('awaits what onNextCursor returns before it maps the page', async () => {
    const { provider } = pagedProvider();
    let release!: () => void;
    const turn = new Promise<void>((resolve) => {
      release = resolve;
    });
    let isDone = false;
    const call = provider
      .listOrders(list({ limit: 2 }), { onNextCursor: () => turn })
      .then((page) => {
        isDone = true;
        return page;
      });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(isDone).toBe(false);
    release();
    expect((await call).orders).toHaveLength(2);
  });

  it('announces nothing when the last row breaks the schema (its position depends on the mapping)', async () => {
    const broken = [rows[0], { ...rows[1], amount: 'n/a' }, ...rows.slice(2)];
    const { provider } = pagedProvider(broken);
    const { page, announced } = await listAnnouncing(provider, { limit: 2 });
    expect(announced).toEqual([]);
    expect(page?.orders.map((order) => order.id)).toEqual([rows[0]?.id]);
    expect(page?.nextCursor).not.toBeNull();
  });

  it('announces nothing when the last row does not sort after the last order delivered', async () => {
    // Page 2 ends on a row newer than page 1's last one (the listing moved under the walk), which
    // the page leaves out: the next position is the row before it.
    const newer = {
      ...rows[0],
      id: '00000000-0000-4000-8000-000000000099',
      createdOn: '2024-03-09T12:00:00.000000Z',
    };
    const shifted = [rows[0], rows[1], rows[2], newer, rows[3], rows[4]];
    const { provider } = pagedProvider(shifted);
    const first = await provider.listOrders(list({ limit: 2 }));
    const { page, announced } = await listAnnouncing(provider, {
      limit: 2,
      cursor: first.nextCursor ?? undefined,
    });
    expect(announced).toEqual([]);
    expect(page?.orders.map((order) => order.id)).toEqual([rows[2]?.id]);
  });

  it('announces nothing while it realigns a listing whose total changed', async () => {
    let total = rows.length;
    const { provider } = fakeProvider((request) => {
      const pageNumber = Number(request.url.searchParams.get('pageNumber'));
      const slice = rows.slice((pageNumber - 1) * 2, pageNumber * 2);
      return json(200, listBody(slice, { pageNumber, pageSize: 2, total }));
    });
    const first = await provider.listOrders(list({ limit: 2 }));
    total += 1;
    const { page, announced } = await listAnnouncing(provider, {
      limit: 2,
      cursor: first.nextCursor ?? undefined,
    });
    expect(announced).toEqual([]);
    expect(page?.nextCursor).toEqual(expect.any(String));
  });
});
