import { describe, expect, it } from 'vitest';
import { InvalidQueryError } from '../errors/invalid-query-error.js';
import { defineStatusMap } from '../model/status.js';
import type { ProviderCapabilities } from '../provider/order-provider.js';
import { makeOrder } from '../test-support/array-provider.js';
import { parseOrderQuery } from './order-query.js';
import { planQuery } from './query-plan.js';

// The FlexPortal shape: payment status decided by another field, one status value per request.
const portalMap = defineStatusMap('portal', [
  { code: 'pending', label: 'pending', status: 'pending', fulfillmentStatus: 'unfulfilled' },
  { code: 'confirmed', label: 'confirmed', status: 'processing', fulfillmentStatus: 'unfulfilled' },
  {
    code: 'partial',
    label: 'partial',
    status: 'processing',
    fulfillmentStatus: 'partially_fulfilled',
  },
  { code: 'fulfilled', label: 'fulfilled', status: 'completed', fulfillmentStatus: 'fulfilled' },
  { code: 'cancelled', label: 'cancelled', status: 'cancelled', fulfillmentStatus: 'unfulfilled' },
]);
const portal: ProviderCapabilities = {
  filters: ['status', 'customerId'],
  statusFilterValues: 'one',
  sorts: ['createdAt', 'updatedAt', 'id', 'total'],
  defaultPageSize: 50,
  maxPageSize: 100,
  pageNumbers: false,
  totalCount: false,
};
const plan = (query: object, capabilities = portal) =>
  planQuery(parseOrderQuery(query), { provider: 'portal', capabilities, statusMap: portalMap });

describe('planQuery', () => {
  it('pushes down a status set that maps to one raw value', () => {
    const result = plan({ status: ['completed'] });
    expect(result.statusCodes).toEqual(['fulfilled']);
    expect(result.emulatedFilters).toEqual([]);
    expect(result.warnings).toEqual([]);
  });

  it('intersects dimensions before deciding', () => {
    const result = plan({ status: ['processing'], fulfillmentStatus: ['partially_fulfilled'] });
    expect(result.statusCodes).toEqual(['partial']);
  });

  it('emulates a set that needs several values when the API takes one, with a warning naming it', () => {
    const result = plan({ status: ['processing'] });
    expect(result.statusCodes).toBeUndefined();
    expect(result.emulatedFilters).toEqual(['status']);
    expect(result.warnings[0]).toMatchObject({
      code: 'filter-emulated',
      field: 'status',
      provider: 'portal',
    });
    expect(result.warnings[0]?.message).toMatch(/raw values "confirmed", "partial"/);
  });

  it('pushes several values when the API takes many', () => {
    expect(
      plan({ status: ['processing'] }, { ...portal, statusFilterValues: 'many' }).statusCodes,
    ).toEqual(['confirmed', 'partial']);
  });

  it('emulates a dimension the raw status does not decide', () => {
    const result = plan({ paymentStatus: ['paid'] });
    expect(result.emulatedFilters).toEqual(['paymentStatus']);
    expect(result.statusCodes).toBeUndefined();
  });

  it('emulates a filter on unknown, which must see every raw value', () => {
    expect(plan({ status: ['unknown'] }).emulatedFilters).toEqual(['status']);
  });

  it('knows when nothing can match', () => {
    const result = plan({ status: ['draft'] });
    expect(result.isEmpty).toBe(true);
  });

  it('pushes down supported filters and emulates the rest', () => {
    const result = plan({ customerId: 'c1', merchantId: 'm1', search: 'x' });
    expect([...result.pushedFilters]).toEqual(['customerId']);
    expect(result.emulatedFilters).toEqual(['merchantId', 'search']);
    expect(result.warnings.map((warning) => warning.field)).toEqual(['merchantId', 'search']);
  });

  it('stops early on a created bound when sorted by createdAt', () => {
    const desc = plan({ createdFrom: '2025-01-02' });
    expect(desc.earlyStop).toBe('createdFrom');
    expect(desc.warnings[0]).toMatchObject({ code: 'early-stop', field: 'createdFrom' });
    const page = [
      makeOrder('portal', 'a', { createdAt: '2025-01-03T00:00:00.000Z' }),
      makeOrder('portal', 'b', { createdAt: '2025-01-01T00:00:00.000Z' }),
    ];
    expect(desc.finishPage(page)).toEqual({ orders: [page[0]], reachedBound: true });
    const asc = plan({ createdTo: '2025-01-02', sort: { field: 'createdAt', direction: 'asc' } });
    expect(asc.earlyStop).toBe('createdTo');
    expect(asc.finishPage([...page].reverse()).reachedBound).toBe(true);
  });

  it('filters locally without early stop when sorted otherwise', () => {
    const result = plan({
      createdFrom: '2025-01-02',
      currency: 'USD',
      sort: { field: 'total', direction: 'asc' },
    });
    expect(result.earlyStop).toBeUndefined();
    expect(result.emulatedFilters).toEqual(['createdFrom', 'currency']);
  });

  it('refuses a sort the provider cannot do, naming the ones it can', () => {
    expect(() => plan({ sort: { field: 'status', direction: 'asc' } })).toThrow(InvalidQueryError);
    expect(() => plan({ sort: { field: 'status', direction: 'asc' } })).toThrow(
      /createdAt, updatedAt, id, total/,
    );
  });

  it('clamps the page size to the provider maximum with a warning', () => {
    const result = plan({ limit: 500 });
    expect(result.pageSize).toBe(100);
    expect(result.warnings[0]).toMatchObject({ code: 'limit-clamped' });
    expect(plan({}).pageSize).toBe(50);
  });

  it('re-checks every filter locally, pushed or not', () => {
    const result = plan({ status: ['completed'] });
    const orders = [
      makeOrder('portal', 'a', { status: 'completed' }),
      makeOrder('portal', 'b', { status: 'pending' }),
    ];
    expect(result.finishPage(orders).orders.map((order) => order.id)).toEqual(['a']);
  });

  it('keeps every order of a query without filters, in an array of its own', () => {
    const orders = [
      makeOrder('portal', 'a', { status: 'completed' }),
      makeOrder('portal', 'b', { status: 'unknown', paymentStatus: null }),
    ];
    const kept = plan({}).finishPage(orders).orders;
    expect(kept).toEqual(orders);
    expect(kept).not.toBe(orders);
    // One filter is enough for the orders to be checked again.
    expect(plan({ currency: 'JPY' }).finishPage(orders).orders).toEqual([]);
  });

  // The FlexFactor shape: every dimension decided by the code, a paid code that a refund can turn
  // into (partially) refunded, and a status documented by name only.
  const factorMap = defineStatusMap(
    'factor',
    [
      {
        code: 4,
        label: 'Processing',
        status: 'processing',
        paymentStatus: 'pending',
        fulfillmentStatus: null,
      },
      {
        code: 6,
        label: 'Returned',
        status: 'returned',
        paymentStatus: 'refunded',
        fulfillmentStatus: null,
      },
      {
        code: 7,
        label: 'Completed',
        status: 'completed',
        paymentStatus: 'paid',
        fulfillmentStatus: null,
        otherPaymentStatuses: ['partially_refunded', 'refunded'],
      },
    ],
    [
      {
        label: 'Chargeback',
        status: 'completed',
        paymentStatus: 'disputed',
        fulfillmentStatus: null,
      },
    ],
  );
  const factor: ProviderCapabilities = { ...portal, statusFilterValues: 'many' };
  const planFactor = (query: object) =>
    planQuery(parseOrderQuery(query), {
      provider: 'factor',
      capabilities: factor,
      statusMap: factorMap,
    });

  it('pushes down every raw value whose orders another field can turn into the wanted status', () => {
    expect(planFactor({ paymentStatus: ['refunded'] }).statusCodes).toEqual([6, 7]);
    expect(planFactor({ paymentStatus: ['partially_refunded'] }).statusCodes).toEqual([7]);
    expect(planFactor({ paymentStatus: ['pending'] }).statusCodes).toEqual([4]);
  });

  it('emulates a filter a status documented by name only could satisfy', () => {
    const disputed = planFactor({ paymentStatus: ['disputed'] });
    expect(disputed.statusCodes).toBeUndefined();
    expect(disputed.isEmpty).toBe(false);
    expect(disputed.warnings[0]?.message).toMatch(/"Chargeback" is documented without a raw value/);
    // Completed orders include charged-back ones, whose code is not documented: nothing is pushed.
    expect(planFactor({ status: ['completed'] }).statusCodes).toBeUndefined();
    // With a payment filter the name-only status cannot meet, the payment filter is pushed.
    const paidCompleted = planFactor({ status: ['completed'], paymentStatus: ['paid'] });
    expect(paidCompleted.statusCodes).toEqual([7]);
    expect(paidCompleted.emulatedFilters).toEqual(['status']);
  });
});
