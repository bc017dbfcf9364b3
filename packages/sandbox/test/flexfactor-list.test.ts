import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FLEXFACTOR_CHARGEBACK_CODE,
  FLEXFACTOR_ORDER_STATUSES,
  FLEXFACTOR_SANDBOX_ORDER_STATUSES,
  FLEXFACTOR_SEED_ROWS,
  type FlexFactorRow,
  flexFactorOrderListSchema,
  flexFactorProblemSchema,
  flexFactorRowSchema,
  type Sandbox,
  startSandbox,
} from '../src/index.js';
import { sortFlexFactor } from './support/flexfactor-walk.js';
import { type FlexFactorPage, flexFactorGet, flexFactorToken } from './support/sandbox-http.js';

const seedExample = JSON.parse(
  readFileSync(
    new URL('./__fixtures__/flexfactor-list-seed-example.json', import.meta.url),
    'utf8',
  ),
) as FlexFactorPage;

// FF-LIST and its response example (the authority for the envelope); docs/providers/flexfactor.md.
describe('FlexFactor GET /v1/orders', () => {
  let sandbox: Sandbox;
  let token: string;
  let truth: FlexFactorRow[];
  const list = (query: string) => flexFactorGet<FlexFactorPage>(sandbox, `orders?${query}`, token);
  const idsOf = (page: FlexFactorPage) => page.orders.rows.map((row) => row.id);
  const allPages = async (query: string): Promise<FlexFactorRow[]> => {
    const rows: FlexFactorRow[] = [];
    for (let page = 1; ; page++) {
      const result = await list(`${query}&pageSize=100&pageNumber=${page}`);
      expect(result.status).toBe(200);
      rows.push(...(result.json.orders.rows as unknown as FlexFactorRow[]));
      if (!result.json.orders.hasNextPage) return rows;
    }
  };

  beforeAll(async () => {
    sandbox = await startSandbox({ orders: 240, seed: 11 });
    token = await flexFactorToken(sandbox);
    truth = sandbox.flexfactor.store.list();
  });
  afterAll(() => sandbox.close());

  it("reproduces the seed's example response for the seed's example request, byte for byte", async () => {
    // The seed's URL verbatim, including its "orders?status=7" typo and the empty "&&".
    const verbatim = await flexFactorGet(
      sandbox,
      'orders?orders?status=7&from=2024-03-01T00:00:00Z&to=2024-03-31T23:59:59Z&&pageSize=10&pageNumber=1',
      token,
    );
    expect(verbatim.status).toBe(200);
    expect(verbatim.text).toBe(JSON.stringify(seedExample));
    const clean = await list(
      'status=7&from=2024-03-01T00:00:00Z&to=2024-03-31T23:59:59Z&pageSize=10&pageNumber=1',
    );
    expect(clean.json).toEqual(seedExample);
  });

  it('names the Chargeback code in orderStatuses exactly on the pages that hold a charged-back order', async () => {
    const code = String(FLEXFACTOR_CHARGEBACK_CODE);
    const charged = await list(`status=${code}&pageSize=5&pageNumber=1`);
    expect(charged.json.orders.rows.length).toBeGreaterThan(0);
    expect(charged.json.orders.rows.every((row) => row.status === FLEXFACTOR_CHARGEBACK_CODE)).toBe(
      true,
    );
    expect((charged.json.orderStatuses as Record<string, string>)[code]).toBe('Chargeback');
    const documented = await list('status=0&pageSize=5&pageNumber=1');
    expect(documented.json.orderStatuses).not.toHaveProperty(code);
  });

  it('keeps the envelope keys, page fields and row fields in the seed order', async () => {
    const result = await list('');
    expect(result.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(Object.keys(result.json)).toEqual(Object.keys(seedExample));
    expect(Object.keys(result.json.orders)).toEqual(Object.keys(seedExample.orders));
    for (const row of result.json.orders.rows) {
      expect(Object.keys(row)).toEqual(Object.keys(seedExample.orders.rows[0] as object));
    }
    const hasChargeback = result.json.orders.rows.some(
      (row) => row.status === FLEXFACTOR_CHARGEBACK_CODE,
    );
    expect(result.json.orderStatuses).toEqual(
      hasChargeback ? FLEXFACTOR_SANDBOX_ORDER_STATUSES : FLEXFACTOR_ORDER_STATUSES,
    );
    expect(result.json.orderStatuses).toMatchObject(seedExample.orderStatuses as object);
    flexFactorOrderListSchema.parse(result.json);
    expect(result.json).toMatchObject({
      success: true,
      result: null,
      status: null,
      statusCode: null,
      errors: [],
      customProperties: {},
    });
  });

  it('defaults to pageSize 10, pageNumber 1, createdOn descending', async () => {
    const result = await list('');
    expect(result.json.orders).toMatchObject({
      firstItemOnPage: 1,
      lastItemOnPage: 10,
      pageNumber: 1,
      pageSize: 10,
      totalItemCount: 240,
      pageCount: 24,
      isFirstPage: true,
      isLastPage: false,
      hasNextPage: true,
      hasPreviousPage: false,
    });
    expect(idsOf(result.json)).toEqual(
      sortFlexFactor(truth, 'createdOn', 'desc')
        .slice(0, 10)
        .map((row) => row.id),
    );
  });

  it('has every seed row in the dataset, verbatim', () => {
    for (const seedRow of FLEXFACTOR_SEED_ROWS) {
      expect(sandbox.flexfactor.store.get(seedRow.id)).toEqual(seedRow);
    }
    expect(seedExample.orders.rows).toEqual(FLEXFACTOR_SEED_ROWS);
  });

  it('computes the paging fields like X.PagedList', async () => {
    const middle = await list('pageSize=100&pageNumber=2');
    expect(middle.json.orders).toMatchObject({
      firstItemOnPage: 101,
      lastItemOnPage: 200,
      pageCount: 3,
      pageNumber: 2,
      isFirstPage: false,
      isLastPage: false,
      hasNextPage: true,
      hasPreviousPage: true,
    });
    const last = await list('pageSize=100&pageNumber=3');
    expect(last.json.orders).toMatchObject({
      firstItemOnPage: 201,
      lastItemOnPage: 240,
      isLastPage: true,
      hasNextPage: false,
    });
    expect(last.json.orders.rows).toHaveLength(40);
  });

  it('answers a page past the end with empty rows and consistent paging fields', async () => {
    const result = await list('pageSize=100&pageNumber=9');
    expect(result.status).toBe(200);
    const { rows, ...paging } = result.json.orders;
    expect(rows).toEqual([]);
    expect(paging).toEqual({
      firstItemOnPage: 0,
      hasNextPage: false,
      hasPreviousPage: true,
      isFirstPage: false,
      isLastPage: true,
      lastItemOnPage: 0,
      pageCount: 3,
      pageNumber: 9,
      pageSize: 100,
      totalItemCount: 240,
    });
  });

  it('answers a filter matching nothing with zero counts', async () => {
    const result = await list('mid=no-such-merchant');
    const { rows, ...paging } = result.json.orders;
    expect(rows).toEqual([]);
    expect(paging).toEqual({
      firstItemOnPage: 0,
      hasNextPage: false,
      hasPreviousPage: false,
      isFirstPage: true,
      isLastPage: true,
      lastItemOnPage: 0,
      pageCount: 0,
      pageNumber: 1,
      pageSize: 10,
      totalItemCount: 0,
    });
  });

  it('filters by status given as repeated keys or comma-separated, with the same result', async () => {
    const expected = sortFlexFactor(
      truth.filter((row) => row.status === 2 || row.status === 6),
      'createdOn',
      'desc',
    ).map((row) => row.id);
    expect(expected.length).toBeGreaterThan(0);
    expect((await allPages('status=2&status=6')).map((row) => row.id)).toEqual(expected);
    expect((await allPages('status=2,6')).map((row) => row.id)).toEqual(expected);
    expect((await allPages('status=6&status=2,6')).map((row) => row.id)).toEqual(expected);
  });

  it.each([
    ['status=x', 'status', "The value 'x' is not valid."],
    ['status=9', 'status', "The value '9' is not valid."],
    ['status=1,,two', 'status', "The value 'two' is not valid."],
    ['from=yesterday', 'from', "The value 'yesterday' is not valid."],
    ['to=2024-02-30', 'to', "The value '2024-02-30' is not valid."],
    ['pageSize=0', 'pageSize', 'The field pageSize must be between 1 and 1000.'],
    ['pageSize=1001', 'pageSize', 'The field pageSize must be between 1 and 1000.'],
    ['pageSize=ten', 'pageSize', "The value 'ten' is not valid."],
    ['pageNumber=0', 'pageNumber', 'The field pageNumber must be between 1 and 2147483647.'],
    ['sort=sideways', 'sort', "The value 'sideways' is not valid. Use asc or desc."],
  ])('rejects %s with a 400 ProblemDetails', async (query, field, message) => {
    const result = await list(query);
    expect(result.status).toBe(400);
    expect(result.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    const body = flexFactorProblemSchema.parse(result.json);
    expect(body).toMatchObject({
      type: 'https://tools.ietf.org/html/rfc9110#section-15.5.1',
      title: 'One or more validation errors occurred.',
      status: 400,
    });
    expect(body.errors).toEqual({ [field]: [message] });
  });

  it('rejects an unknown orderBy', async () => {
    const result = await list('orderBy=color');
    expect(result.status).toBe(400);
    expect(Object.keys(flexFactorProblemSchema.parse(result.json).errors ?? {})).toEqual([
      'orderBy',
    ]);
  });

  it('filters by from/to inclusively; a time without a zone is UTC', async () => {
    const sorted = sortFlexFactor(truth, 'createdOn', 'asc');
    const low = sorted[50] as FlexFactorRow;
    const high = sorted[80] as FlexFactorRow;
    const rows = await allPages(`from=${low.createdOn}&to=${high.createdOn}&sort=asc`);
    expect(rows.map((row) => row.id)).toEqual(sorted.slice(50, 81).map((row) => row.id));
    const zoned = await list('from=2025-09-01T00:00:00Z&to=2025-09-30T23:59:59Z');
    const unzoned = await list('from=2025-09-01T00:00:00&to=2025-09-30T23:59:59');
    const offset = await list('from=2025-09-01T02:00:00%2B02:00&to=2025-09-30T23:59:59Z');
    expect(zoned.json.orders.totalItemCount).toBeGreaterThan(0);
    expect(unzoned.json).toEqual(zoned.json);
    expect(offset.json).toEqual(zoned.json);
  });

  it('applies from/to with any orderBy', async () => {
    const expected = sortFlexFactor(
      truth.filter(
        (row) => row.createdOn >= '2025-10-01' && row.createdOn <= '2025-12-31T23:59:59.999999Z',
      ),
      'amount',
      'asc',
    ).map((row) => row.id);
    const rows = await allPages(
      'from=2025-10-01&to=2025-12-31T23:59:59.999999Z&orderBy=amount&sort=asc',
    );
    expect(rows.map((row) => row.id)).toEqual(expected);
  });

  it('filters by mid (exact merchantId)', async () => {
    const mid = FLEXFACTOR_SEED_ROWS[0]?.merchantId as string;
    const expected = truth.filter((row) => row.merchantId === mid);
    const rows = await allPages(`mid=${mid}`);
    expect(rows.length).toBe(expected.length);
    expect(rows.every((row) => row.merchantId === mid)).toBe(true);
    expect(rows.length).toBeGreaterThan(2);
    const partial = await list(`mid=${mid.slice(0, 10)}`);
    expect(partial.json.orders.totalItemCount).toBe(0);
  });

  it('searches payerName, merchantName, referenceNumber and id case-insensitively, as query or queryString', async () => {
    const cases = [
      'APPLESEED',
      'doe',
      'generic',
      'ref09876',
      truth[100]?.id.slice(9, 18) as string,
    ];
    for (const term of cases) {
      const lower = term.toLowerCase();
      const expected = sortFlexFactor(
        truth.filter((row) =>
          [row.payerName, row.merchantName, row.referenceNumber, row.id].some((value) =>
            value.toLowerCase().includes(lower),
          ),
        ),
        'createdOn',
        'desc',
      ).map((row) => row.id);
      expect(expected.length, term).toBeGreaterThan(0);
      expect(
        (await allPages(`query=${encodeURIComponent(term)}`)).map((row) => row.id),
        term,
      ).toEqual(expected);
      expect(
        (await allPages(`queryString=${encodeURIComponent(term)}`)).map((row) => row.id),
        term,
      ).toEqual(expected);
    }
  });

  const orderByFields = [
    'createdOn',
    'amount',
    'orderPlacedDate',
    'status',
    'payerName',
    'merchantName',
    'referenceNumber',
    'id',
  ] as const;
  for (const orderBy of orderByFields) {
    for (const sort of ['asc', 'desc'] as const) {
      it(`sorts by ${orderBy} ${sort}, ties by id`, async () => {
        const rows = await allPages(`orderBy=${orderBy}&sort=${sort}`);
        expect(rows.map((row) => row.id)).toEqual(
          sortFlexFactor(truth, orderBy, sort).map((row) => row.id),
        );
      });
    }
  }

  it('matches orderBy, sort and parameter names case-insensitively', async () => {
    const expected = sortFlexFactor(truth, 'amount', 'asc')
      .slice(0, 5)
      .map((row) => row.id);
    const result = await list('OrderBy=AMOUNT&Sort=ASC&PageSize=5');
    expect(idsOf(result.json)).toEqual(expected);
  });

  it('serves rows that validate against the row schema', async () => {
    for (const row of await allPages('')) flexFactorRowSchema.parse(row);
  });
});

// Offset pages are computed at request time: an insert during a walk shifts every later page,
// as it would on the real API. (Core's FlexFactor cursor pins an upper time bound for this reason.)
describe('FlexFactor page drift', () => {
  it('repeats a row across pages when an order is inserted during a walk, and skips one on delete', async () => {
    const sandbox = await startSandbox({ orders: 60, seed: 5 });
    try {
      const token = await flexFactorToken(sandbox);
      const page = async (number: number) =>
        (
          await flexFactorGet<FlexFactorPage>(
            sandbox,
            `orders?pageSize=10&pageNumber=${number}`,
            token,
          )
        ).json.orders;
      const first = await page(1);
      const second = await page(2);
      const inserted = sandbox.flexfactor.store.insert();
      const third = await page(3);
      expect(third.totalItemCount).toBe(61);
      // The newest order went to the top, so page 3 starts with page 2's last row again.
      expect(third.rows[0]?.id).toBe(second.rows[9]?.id);
      expect(first.rows.map((row) => row.id)).not.toContain(inserted.id);

      // Deleting an order already seen pulls the next one onto a page already read: it is skipped.
      const fifthBefore = await page(5);
      sandbox.flexfactor.store.delete(first.rows[0]?.id as string);
      const fifthAfter = await page(5);
      expect(fifthAfter.rows[0]?.id).toBe(fifthBefore.rows[1]?.id);
      const skipped = fifthBefore.rows[0]?.id as string;
      expect((await page(4)).rows[9]?.id).toBe(skipped);
      expect(sandbox.flexfactor.store.count()).toBe(60);
    } finally {
      await sandbox.close();
    }
  });
});
