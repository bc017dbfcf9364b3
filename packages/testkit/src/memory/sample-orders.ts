import {
  type FulfillmentStatus,
  type Money,
  type Order,
  type OrderStatus,
  orderKey,
  type PaymentStatus,
} from '@orderbridge/core';

/** Options of `sampleOrders`. */
export interface SampleOrdersOptions {
  /** How many orders (default 120). */
  count?: number;
  /** Seed of the generator: the same seed gives the same orders (default 1). */
  seed?: number;
  /** Provider id of the orders (default `memory`). */
  provider?: string;
}

/** One raw status of the sample shop and what it means canonically. */
interface SampleStatus {
  code: string;
  label: string;
  status: OrderStatus;
  paymentStatus: PaymentStatus | null;
  fulfillmentStatus: FulfillmentStatus | null;
  /** Relative frequency. */
  weight: number;
}

const STATUSES: readonly SampleStatus[] = [
  {
    code: 'draft',
    label: 'Draft',
    status: 'draft',
    paymentStatus: 'pending',
    fulfillmentStatus: null,
    weight: 1,
  },
  {
    code: 'new',
    label: 'New',
    status: 'pending',
    paymentStatus: 'pending',
    fulfillmentStatus: 'unfulfilled',
    weight: 3,
  },
  {
    code: 'on_hold',
    label: 'On hold',
    status: 'on_hold',
    paymentStatus: 'pending',
    fulfillmentStatus: 'unfulfilled',
    weight: 1,
  },
  {
    code: 'awaiting_capture',
    label: 'Awaiting capture',
    status: 'processing',
    paymentStatus: 'requires_capture',
    fulfillmentStatus: 'unfulfilled',
    weight: 2,
  },
  {
    code: 'paid',
    label: 'Paid',
    status: 'processing',
    paymentStatus: 'paid',
    fulfillmentStatus: 'unfulfilled',
    weight: 3,
  },
  {
    code: 'partially_shipped',
    label: 'Partially shipped',
    status: 'processing',
    paymentStatus: 'paid',
    fulfillmentStatus: 'partially_fulfilled',
    weight: 2,
  },
  {
    code: 'shipped',
    label: 'Shipped',
    status: 'completed',
    paymentStatus: 'paid',
    fulfillmentStatus: 'fulfilled',
    weight: 5,
  },
  {
    code: 'cancelled',
    label: 'Cancelled',
    status: 'cancelled',
    paymentStatus: null,
    fulfillmentStatus: 'unfulfilled',
    weight: 2,
  },
  {
    code: 'failed',
    label: 'Failed',
    status: 'failed',
    paymentStatus: 'failed',
    fulfillmentStatus: null,
    weight: 1,
  },
  {
    code: 'refunded',
    label: 'Refunded',
    status: 'returned',
    paymentStatus: 'refunded',
    fulfillmentStatus: 'returned',
    weight: 1,
  },
  {
    code: 'partially_refunded',
    label: 'Partially refunded',
    status: 'completed',
    paymentStatus: 'partially_refunded',
    fulfillmentStatus: 'fulfilled',
    weight: 1,
  },
  {
    code: 'chargeback',
    label: 'Chargeback',
    status: 'completed',
    paymentStatus: 'disputed',
    fulfillmentStatus: 'fulfilled',
    weight: 1,
  },
];

/** The raw status codes `sampleOrders` uses: the "documented statuses" of the sample shop. */
export const SAMPLE_RAW_STATUSES: readonly string[] = STATUSES.map((status) => status.code);

const FIRST_NAMES = [
  'Lena',
  'Omar',
  'Yuki',
  'Priya',
  'Jonas',
  'Ama',
  'Mateo',
  'Sofia',
  'Noah',
  'Ines',
  'Kofi',
  'Mei',
];
const LAST_NAMES = [
  'Vos',
  'Haddad',
  'Tanaka',
  'Raman',
  'Berg',
  'Mensah',
  'Silva',
  'Rossi',
  'Keller',
  'Duarte',
  'Owusu',
  'Chen',
];
const COMPANIES = ['Northwind Ltd', 'Blue Harbor GmbH', null, 'Kestrel Labs', null, 'Orchard & Co'];
const MERCHANTS = [
  { id: 'mer_alpha', name: 'Alpha Devices', storeId: 'st_1', storeName: 'Alpha Berlin' },
  { id: 'mer_beta', name: 'Beta Rentals', storeId: 'st_2', storeName: 'Beta Online' },
  { id: 'mer_gamma', name: 'Gamma Leasing', storeId: null, storeName: null },
];
const PRODUCTS = [
  { sku: 'LAP-14', name: 'Laptop 14"', minor: 4565 },
  { sku: 'PHN-6', name: 'Phone 6.1"', minor: 2999 },
  { sku: 'TAB-11', name: 'Tablet 11"', minor: 1950 },
  { sku: 'MON-27', name: 'Monitor 27"', minor: 1200 },
];
const CURRENCIES = ['USD', 'USD', 'USD', 'EUR', 'EUR', 'JPY'];

/**
 * Deterministic canonical orders for tests: ten raw statuses covering every lifecycle status,
 * twelve customers, three merchants (and orders without one), mixed currencies (JPY has no minor
 * unit), created-time ties (to exercise tie-breaking by key) and some orders never updated.
 */
export function sampleOrders(options: SampleOrdersOptions = {}): Order[] {
  const count = options.count ?? 120;
  const provider = options.provider ?? 'memory';
  const random = seededRandom(options.seed ?? 1);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
  const totalWeight = STATUSES.reduce((sum, status) => sum + status.weight, 0);
  const pickStatus = (): SampleStatus => {
    let roll = random() * totalWeight;
    for (const status of STATUSES) {
      roll -= status.weight;
      if (roll < 0) return status;
    }
    return STATUSES.at(-1)!;
  };

  let createdMs = Date.UTC(2025, 0, 1, 8, 0, 0);
  const orders: Order[] = [];
  for (let index = 0; index < count; index++) {
    // Every 9th order is created at the same instant as the one before: sorts must break ties by key.
    if (index % 9 !== 8) createdMs += Math.floor(random() * 36) * 600_000 + 60_000;
    const id = `ord_${String(index + 1).padStart(4, '0')}`;
    const status = pickStatus();
    const currency = pick(CURRENCIES);
    const scale = currency === 'JPY' ? 1 : 100;
    const lines = 1 + Math.floor(random() * 3);
    const items = Array.from({ length: lines }, () => {
      const product = pick(PRODUCTS);
      const quantity = 1 + Math.floor(random() * 4);
      const unit = product.minor;
      return {
        sku: product.sku,
        name: product.name,
        quantity,
        unitPrice: money(unit, currency),
        termMonths: pick([12, 24, 36]),
        fulfillment: null,
        listPrice: money(unit * 2, currency),
        listPriceSource: 'variant',
        acquisitionCost: null,
        acquisitionCostSource: null,
      };
    });
    const subtotal = items.reduce(
      (sum, item) => sum + item.quantity * item.unitPrice.amountMinor,
      0,
    );
    const tax = Math.round((subtotal * 19) / 100 / scale) * scale;
    const devices = items.reduce((sum, item) => sum + item.quantity, 0);
    const done =
      status.fulfillmentStatus === 'fulfilled' || status.fulfillmentStatus === 'returned'
        ? devices
        : status.fulfillmentStatus === 'partially_fulfilled'
          ? Math.max(1, Math.floor(devices / 2))
          : 0;
    const customerNumber = Math.floor(random() * FIRST_NAMES.length);
    const first = FIRST_NAMES[customerNumber]!;
    const last = LAST_NAMES[customerNumber]!;
    const createdAt = new Date(createdMs).toISOString();
    const updatedAt =
      random() < 0.15
        ? null
        : new Date(createdMs + Math.floor(random() * 90) * 3_600_000).toISOString();
    orders.push({
      provider,
      id,
      key: orderKey(provider, id),
      status: status.status,
      paymentStatus: status.paymentStatus,
      fulfillmentStatus: status.fulfillmentStatus,
      providerStatus: { code: status.code, label: status.label },
      type: pick(['standard', 'standard', 'extension', 'upgrade']),
      reference: `R-${100_000 + index * 7}`,
      customer:
        index % 20 === 19
          ? null
          : {
              id: `cus_${String(customerNumber + 1).padStart(2, '0')}`,
              email: `${first.toLowerCase()}.${last.toLowerCase()}@example.com`,
              name: `${first} ${last}`,
              company: COMPANIES[customerNumber % COMPANIES.length] ?? null,
            },
      merchant: index % 11 === 10 ? null : { ...pick(MERCHANTS) },
      items,
      totals: {
        subtotal: money(subtotal, currency),
        tax: money(tax, currency),
        total: money(subtotal + tax, currency),
        refunded: status.paymentStatus === 'refunded' ? money(subtotal + tax, currency) : null,
      },
      fulfillment: { total: devices, done },
      createdAt,
      updatedAt,
      placedAt: index % 3 === 0 ? createdAt : null,
      extensions: {},
    });
  }
  return orders;
}

function money(amountMinor: number, currency: string): Money {
  return { amountMinor, currency };
}

/** mulberry32: a small, fast, deterministic generator of numbers in [0, 1). */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}
