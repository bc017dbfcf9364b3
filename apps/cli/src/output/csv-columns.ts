import { type Money, type Order, toDecimalString } from '@orderbridge/core';

/** One CSV column: its header and how to read it from an order. */
export interface CsvColumn {
  /** Header (snake_case, stable across releases). */
  readonly name: string;
  /** The cell's text; empty for a missing value. */
  readonly read: (order: Order) => string;
}

const text = (value: string | number | null | undefined): string =>
  value === null || value === undefined ? '' : String(value);

/**
 * An amount in the order's currency (the `currency` column) as an exact decimal (`45.65`, `1200`,
 * `1.250`). An amount in another currency than the total keeps its code (`12.00 EUR`), so nothing
 * is silently read in the wrong currency.
 */
function amount(order: Order, money: Money | null): string {
  if (money === null) return '';
  const decimal = toDecimalString(money);
  return money.currency === order.totals.total.currency ? decimal : `${decimal} ${money.currency}`;
}

/**
 * The stable CSV column set of `orders list` and `orders export` (documented in the README). Money
 * is an exact decimal with the currency in its own column; timestamps are ISO 8601 UTC.
 */
export const CSV_COLUMNS: readonly CsvColumn[] = [
  { name: 'key', read: (order) => order.key },
  { name: 'provider', read: (order) => order.provider },
  { name: 'id', read: (order) => order.id },
  { name: 'status', read: (order) => order.status },
  { name: 'payment_status', read: (order) => text(order.paymentStatus) },
  { name: 'fulfillment_status', read: (order) => text(order.fulfillmentStatus) },
  { name: 'provider_status_code', read: (order) => text(order.providerStatus.code) },
  { name: 'provider_status_label', read: (order) => text(order.providerStatus.label) },
  { name: 'type', read: (order) => text(order.type) },
  { name: 'reference', read: (order) => text(order.reference) },
  { name: 'customer_id', read: (order) => text(order.customer?.id) },
  { name: 'customer_name', read: (order) => text(order.customer?.name) },
  { name: 'customer_email', read: (order) => text(order.customer?.email) },
  { name: 'customer_company', read: (order) => text(order.customer?.company) },
  { name: 'merchant_id', read: (order) => text(order.merchant?.id) },
  { name: 'merchant_name', read: (order) => text(order.merchant?.name) },
  { name: 'store_id', read: (order) => text(order.merchant?.storeId) },
  { name: 'store_name', read: (order) => text(order.merchant?.storeName) },
  { name: 'total', read: (order) => toDecimalString(order.totals.total) },
  { name: 'currency', read: (order) => order.totals.total.currency },
  { name: 'subtotal', read: (order) => amount(order, order.totals.subtotal) },
  { name: 'tax', read: (order) => amount(order, order.totals.tax) },
  { name: 'refunded', read: (order) => amount(order, order.totals.refunded) },
  { name: 'item_count', read: (order) => String(order.items.length) },
  { name: 'fulfillment_done', read: (order) => text(order.fulfillment?.done) },
  { name: 'fulfillment_total', read: (order) => text(order.fulfillment?.total) },
  { name: 'created_at', read: (order) => order.createdAt },
  { name: 'updated_at', read: (order) => text(order.updatedAt) },
  { name: 'placed_at', read: (order) => text(order.placedAt) },
];

/** The CSV column names, in order. */
export const CSV_COLUMN_NAMES: readonly string[] = CSV_COLUMNS.map((column) => column.name);
