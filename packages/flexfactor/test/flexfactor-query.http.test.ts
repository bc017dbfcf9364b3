import {
  collect,
  matchesQuery,
  type OrderQueryInput,
  orderComparator,
  paginate,
  parseOrderQuery,
} from '@orderbridge/core';
import type { Sandbox } from '@orderbridge/sandbox';
import { firstOrderDisagreement } from '@orderbridge/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlexFactorProvider } from '../src/flexfactor-provider.js';
import { groundTruth, ids, sandboxProvider, startFlexFactorSandbox } from './sandbox-support.js';

// Every documented list parameter (FF-LIST; docs/providers/flexfactor.md) against the sandbox's
// ground truth.
let sandbox: Sandbox;
let provider: FlexFactorProvider;
const urls: URL[] = [];

beforeAll(async () => {
  sandbox = await startFlexFactorSandbox(600);
  provider = sandboxProvider(sandbox, {
    hooks: { onRequest: (event) => urls.push(new URL(event.url)) },
  });
});
afterAll(async () => {
  await sandbox.close();
});

/**
 * Walks the whole listing and checks it against the ground truth; returns the list URLs sent.
 * `emulated` names the filters FlexFactor cannot do (the currency of a total sort).
 */
async function expectListing(
  input: OrderQueryInput,
  emulated: readonly string[] = [],
  exactTotal = emulated.length === 0,
) {
  urls.length = 0;
  const query = parseOrderQuery(input);
  const truth = groundTruth(sandbox);
  const expected = truth.filter((order) => matchesQuery(order, query)).sort(orderComparator(query));
  const first = await provider.listOrders(query);
  const listed = await collect(paginate(provider, query), { max: 10_000 });
  expect(ids(listed)).toEqual(ids(expected));
  // FlexFactor filtered (its total counts only matches): the filter was pushed down, not emulated.
  if (exactTotal) expect(first.totalCount).toBe(expected.length);
  expect(
    first.warnings
      .filter((warning) => warning.code === 'filter-emulated')
      .map((warning) => warning.field),
  ).toEqual(emulated);
  return { expected, sent: urls.filter((url) => url.pathname.endsWith('/orders')) };
}

describe('FlexFactor list parameters (sandbox)', () => {
  it('status: several statuses as repeated integer keys', async () => {
    const { expected, sent } = await expectListing({ status: ['cancelled', 'returned', 'draft'] });
    expect(expected.length).toBeGreaterThan(10);
    expect(sent[0]?.searchParams.getAll('status')).toEqual(['0', '2', '6']);
  });

  it('paymentStatus through the status map, refunds and chargebacks included', async () => {
    const payment = await expectListing({ paymentStatus: ['pending'] });
    expect(payment.sent[0]?.searchParams.getAll('status')).toEqual(['0', '1', '3', '4']);
    // A partial refund is a Completed (7) or Returned (6) order whose refundsAmount is below the
    // amount: both codes are sent, the amounts decide locally.
    // FlexFactor's count covers every order of those codes, not only the refunded ones.
    const partial = await expectListing({ paymentStatus: ['partially_refunded'] }, [], false);
    expect(partial.sent[0]?.searchParams.getAll('status')).toEqual(['6', '7']);
    expect(partial.expected.length).toBeGreaterThan(0);
    const failed = await expectListing({ paymentStatus: ['failed'] });
    expect(failed.sent[0]?.searchParams.getAll('status')).toEqual(['2']);
    // Chargeback has no documented code: the filter sees every order and keeps the disputed ones,
    // recognised by the name the response's orderStatuses gives their code.
    const disputed = await expectListing({ paymentStatus: ['disputed'] }, ['paymentStatus']);
    expect(disputed.sent[0]?.searchParams.getAll('status')).toEqual([]);
    expect(disputed.expected.length).toBeGreaterThan(0);
    expect(disputed.expected.every((order) => order.providerStatus.label === 'chargeback')).toBe(
      true,
    );
  });

  it('fulfillmentStatus: FlexFactor has none, so a filter on it matches nothing, without a request', async () => {
    const { expected, sent } = await expectListing({ fulfillmentStatus: ['returned'] });
    expect(expected).toEqual([]);
    expect(sent).toEqual([]);
  });

  it('from and to: inclusive UTC bounds', async () => {
    const sorted = groundTruth(sandbox)
      .map((order) => order.createdAt)
      .sort();
    const createdFrom = sorted[100] ?? '';
    const createdTo = sorted[400] ?? '';
    const { expected, sent } = await expectListing({ createdFrom, createdTo });
    expect(expected).toHaveLength(301);
    expect(sent[0]?.searchParams.get('from')).toBe(createdFrom);
    expect(sent[0]?.searchParams.get('to')).toBe(createdTo);
  });

  it('mid: one merchant', async () => {
    const merchant = groundTruth(sandbox)[20]?.merchant?.id ?? '';
    const { expected, sent } = await expectListing({ merchantId: merchant });
    expect(expected.length).toBeGreaterThan(0);
    expect(sent[0]?.searchParams.get('mid')).toBe(merchant);
  });

  it('query: search by payer or merchant name, reference and id', async () => {
    const sample = groundTruth(sandbox)[33];
    const payer = sample?.customer?.name?.split(' ')[1] ?? '';
    const byPayer = await expectListing({ search: payer.toLowerCase() });
    expect(byPayer.expected.length).toBeGreaterThan(0);
    expect(byPayer.sent[0]?.searchParams.get('query')).toBe(payer.toLowerCase());
    await expectListing({ search: sample?.reference ?? '' });
    await expectListing({ search: sample?.merchant?.name ?? '' });
  });

  it('filters combined', async () => {
    const merchant = groundTruth(sandbox)[5]?.merchant?.id ?? '';
    await expectListing({
      status: ['returned', 'processing'],
      merchantId: merchant,
      createdFrom: '2025-01-01',
    });
  });

  for (const [field, orderBy] of [
    ['createdAt', 'createdOn'],
    ['total', 'amount'],
    ['id', 'id'],
  ] as const) {
    for (const direction of ['asc', 'desc'] as const) {
      it(`orderBy=${orderBy} sort=${direction}`, async () => {
        // A total sort ranks one currency; FlexFactor cannot filter by it, so it is emulated.
        const { sent } =
          field === 'total'
            ? await expectListing({ sort: { field, direction }, currency: 'USD', limit: 250 }, [
                'currency',
              ])
            : await expectListing({ sort: { field, direction }, limit: 250 });
        expect(sent[0]?.searchParams.get('orderBy')).toBe(orderBy);
        expect(sent[0]?.searchParams.get('sort')).toBe(direction);
      });
    }
  }

  it('pageSize and pageNumber: pages of the requested size, numbered from 1', async () => {
    urls.length = 0;
    const query = parseOrderQuery({ limit: 7 });
    const first = await provider.listOrders(query);
    expect(first).toMatchObject({ pageNumber: 1, pageCount: Math.ceil(600 / 7), totalCount: 600 });
    expect(first.orders).toHaveLength(7);
    const second = await provider.listOrders({ ...query, cursor: first.nextCursor ?? '' });
    expect(second.pageNumber).toBe(2);
    expect(urls.map((url) => url.searchParams.get('pageNumber'))).toEqual(['1', '2']);
    expect(urls.map((url) => url.searchParams.get('pageSize'))).toEqual(['7', '7']);
    const walked = await collect(paginate(provider, { limit: 7 }), { max: 1000 });
    expect(ids(walked)).toEqual(ids(groundTruth(sandbox).sort(orderComparator(query))));
  });

  it('a limit above the page size maximum is reduced, with a warning', async () => {
    const page = await provider.listOrders(parseOrderQuery({ limit: 1000 }));
    expect(page.orders).toHaveLength(500);
    expect(page.warnings).toContainEqual(expect.objectContaining({ code: 'limit-clamped' }));
  });

  it('getOrder agrees with the listing, although the single order spells statuses in upper case', async () => {
    const listed = groundTruth(sandbox).slice(0, 20);
    for (const order of listed) {
      const fetched = await provider.getOrder(order.id);
      expect(firstOrderDisagreement(fetched, order)).toBeUndefined();
      expect(fetched.providerStatus.label).toBe(String(order.providerStatus.label).toUpperCase());
      expect(fetched.customer?.email).toMatch(/@/);
    }
    const raw = await provider.getOrder(listed[0]?.id ?? '', { includeRaw: true });
    expect((raw.raw as { statusName: string }).statusName).toBe(
      (raw.raw as { statusName: string }).statusName.toUpperCase(),
    );
  });
});
