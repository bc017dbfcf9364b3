// A provider written only against the package's public exports (the way a third party would),
// plugged into createOrderClient. Imports go through the package name, i.e. its exports map.
import {
  createOrderClient,
  defineStatusMap,
  mapStatus,
  moneyFromDecimal,
  NotFoundError,
  normalizeTimestamp,
  type Order,
  type OrderProvider,
  orderKey,
  orderSchema,
  planQuery,
} from '@orderbridge/core';
import { describe, expect, it } from 'vitest';

interface WireOrder {
  ref: string;
  state: 'open' | 'done';
  price: string;
  ccy: string;
  when: string;
}

const wire: WireOrder[] = [
  { ref: 'A1', state: 'open', price: '10.50', ccy: 'EUR', when: '2025-05-01T10:00:00' },
  { ref: 'A2', state: 'done', price: '99.99', ccy: 'EUR', when: '2025-05-02T10:00:00' },
  { ref: 'A3', state: 'done', price: '1500', ccy: 'JPY', when: '2025-05-03T10:00:00' },
];

const statusMap = defineStatusMap('tiny', [
  {
    code: 'open',
    label: 'Open',
    status: 'pending',
    paymentStatus: 'pending',
    fulfillmentStatus: 'unfulfilled',
  },
  {
    code: 'done',
    label: 'Done',
    status: 'completed',
    paymentStatus: 'paid',
    fulfillmentStatus: 'fulfilled',
  },
]);

function toOrder(record: WireOrder): Order {
  const status = mapStatus(statusMap, { code: record.state });
  return {
    provider: 'tiny',
    id: record.ref,
    key: orderKey('tiny', record.ref),
    status: status.status,
    paymentStatus: status.paymentStatus ?? null,
    fulfillmentStatus: status.fulfillmentStatus ?? null,
    providerStatus: status.providerStatus,
    type: null,
    reference: null,
    customer: null,
    merchant: null,
    items: [],
    totals: {
      subtotal: null,
      tax: null,
      refunded: null,
      total: moneyFromDecimal(record.price, record.ccy),
    },
    fulfillment: null,
    createdAt: normalizeTimestamp(record.when),
    updatedAt: null,
    placedAt: null,
    extensions: {},
  };
}

const tinyProvider: OrderProvider = {
  specificationVersion: 'v1',
  id: 'tiny',
  statusMap,
  capabilities: {
    filters: [],
    statusFilterValues: 'none',
    sorts: ['createdAt'],
    defaultPageSize: 2,
    maxPageSize: 2,
    pageNumbers: false,
    totalCount: false,
  },
  async listOrders(query) {
    const plan = planQuery(query, { provider: 'tiny', capabilities: this.capabilities, statusMap });
    const sorted = wire.map(toOrder).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    if (plan.sort.direction === 'desc') sorted.reverse();
    const start = Number(query.cursor ?? 0);
    const { orders } = plan.finishPage(sorted.slice(start, start + plan.pageSize));
    return {
      orders,
      nextCursor: start + plan.pageSize < sorted.length ? String(start + plan.pageSize) : null,
      warnings: [...plan.warnings],
    };
  },
  async getOrder(id) {
    const record = wire.find((candidate) => candidate.ref === id);
    if (!record) throw new NotFoundError({ provider: 'tiny', message: `no order ${id}` });
    return toOrder(record);
  },
};

describe('a provider built from public exports', () => {
  it('plugs into createOrderClient', async () => {
    const client = createOrderClient({ providers: [tinyProvider] });
    const page = await client.list({ status: ['completed'], limit: 5 });
    expect(page.orders.map((order) => order.key)).toEqual(['tiny:A3', 'tiny:A2']);
    expect(page.warnings).toContainEqual(
      expect.objectContaining({ code: 'filter-emulated', field: 'status' }),
    );
    for (const order of page.orders) expect(orderSchema.parse(order)).toBeTruthy();
    expect((await client.get('tiny:A3')).totals.total).toEqual({
      amountMinor: 1500,
      currency: 'JPY',
    });
  });
});
