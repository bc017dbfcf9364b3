import { currencyExponent, type Money, ORDER_STATUSES, type Order } from '@orderbridge/core';
import type { OrdersTable } from '../schema/store-database.js';
import type { OrderContent } from './order-content.js';
import { reportColumns } from './report-columns.js';

/** Separates the fields of `search_text`, so a needle never matches across two of them. */
export const SEARCH_SEPARATOR = '\u001f';

/** Decimal places of the total's sort value: the largest ISO 4217 exponent (CLF, UYW). */
const TOTAL_FRACTION_DIGITS = 4;

/**
 * The sortable key of a canonical timestamp: its date and time with the fraction padded to nine
 * digits (`2024-03-06T10:09:18.437947000`). Timestamps arrive with milli-, micro- or nanosecond
 * fractions; padded to one width, byte order is chronological order and equal instants are equal
 * keys, exactly as core's `compareTimestamps` decides (integer microseconds would merge two
 * nanosecond timestamps that core keeps apart, and leave the safe-integer range before 1685).
 */
export function sortableTime(timestamp: string): string {
  const dot = timestamp.indexOf('.', 19);
  if (dot === -1) return `${timestamp.slice(0, 19)}.000000000`;
  const end = timestamp.endsWith('Z') ? -1 : timestamp.length;
  return `${timestamp.slice(0, 19)}.${timestamp.slice(dot + 1, end).padEnd(9, '0')}`;
}

/** `sortableTime` of `updatedAt`; an order without one gets `''`, which sorts first, as in core. */
export function sortableUpdatedTime(updatedAt: string | null): string {
  return updatedAt === null ? '' : sortableTime(updatedAt);
}

/**
 * The decimal value of an amount as (integer part, fraction in 1/10,000ths), so totals in
 * different currencies sort by value as core's `compareMoneyValue` does (1.50 USD < 100 JPY),
 * exactly and without overflow: 12.34 USD is (12, 3400), -1.50 USD is (-2, 5000).
 */
export function totalSortValue(money: Money): { units: number; fraction: number } {
  const exponent = currencyExponent(money.currency);
  const perUnit = 10 ** exponent;
  // `%` and the division below are exact on safe integers (the division has no remainder).
  const remainder = ((money.amountMinor % perUnit) + perUnit) % perUnit;
  const units = (money.amountMinor - remainder) / perUnit;
  return {
    units: units === 0 ? 0 : units,
    fraction: remainder * 10 ** (TOTAL_FRACTION_DIGITS - exponent),
  };
}

/** Position of a lifecycle status in core's order (the `status` sort); -1 when unknown to it. */
export function statusRank(status: string): number {
  return (ORDER_STATUSES as readonly string[]).indexOf(status);
}

/**
 * The lower-cased text the canonical search looks in: the order id, reference, customer name,
 * email and company, and merchant name (core's `matchesSearch`), each lower-cased on its own.
 */
export function searchText(order: Order): string {
  const fields = [
    order.id,
    order.reference,
    order.customer?.name,
    order.customer?.email,
    order.customer?.company,
    order.merchant?.name,
  ];
  let text = '';
  for (const field of fields) {
    if (typeof field === 'string') text += `${field.toLowerCase()}${SEARCH_SEPARATOR}`;
  }
  return text;
}

/** Where and when a row is written. */
export interface RowContext {
  scope: string;
  observedAt: string;
  runId: string;
}

/** The row of an order, with `first_seen_at` and `last_changed_at` set to the observation time. */
export function orderRow(order: Order, content: OrderContent, context: RowContext): OrdersTable {
  const total = totalSortValue(order.totals.total);
  return {
    scope: context.scope,
    key: order.key,
    provider: order.provider,
    order_id: order.id,
    status: order.status,
    status_rank: statusRank(order.status),
    payment_status: order.paymentStatus,
    fulfillment_status: order.fulfillmentStatus,
    provider_status_code: String(order.providerStatus.code),
    created_at: sortableTime(order.createdAt),
    updated_at: sortableUpdatedTime(order.updatedAt),
    currency: order.totals.total.currency,
    total_minor: order.totals.total.amountMinor,
    total_value_units: total.units,
    total_value_fraction: total.fraction,
    customer_id: order.customer?.id ?? null,
    merchant_id: order.merchant?.id ?? null,
    search_text: searchText(order),
    document: content.json,
    content_hash: content.hash,
    first_seen_at: context.observedAt,
    last_seen_at: context.observedAt,
    last_changed_at: context.observedAt,
    last_seen_run: context.runId,
    vanished_at: null,
    ...reportColumns(order),
  };
}
