import {
  defineStatusMap,
  mapStatus,
  moneyFromDecimal,
  normalizeTimestamp,
  type Order,
  orderKey,
  type Warning,
} from '@orderbridge/core';
import type { AcmeOrder } from './acme-api.js';

/**
 * Acme's documented order states ("Order lifecycle" in its docs): every value of `state` the API
 * may send. The conformance suite checks the status map covers each.
 */
export const ACME_DOCUMENTED_STATES = [
  'new',
  'paid',
  'partially_shipped',
  'shipped',
  'cancelled',
  'refunded',
] as const;

/**
 * Acme state → canonical statuses, as data. Acme's state decides all three dimensions, so the
 * provider can push a filter on any of them down as a `state` filter (core's `planQuery` works out
 * the states). A cancelled order was never charged: no payment status.
 */
export const acmeStatusMap = defineStatusMap('acme', [
  {
    code: 'new',
    label: 'New',
    status: 'pending',
    paymentStatus: 'pending',
    fulfillmentStatus: 'unfulfilled',
  },
  {
    code: 'paid',
    label: 'Paid',
    status: 'processing',
    paymentStatus: 'paid',
    fulfillmentStatus: 'unfulfilled',
  },
  {
    code: 'partially_shipped',
    label: 'Partially shipped',
    status: 'processing',
    paymentStatus: 'paid',
    fulfillmentStatus: 'partially_fulfilled',
  },
  {
    code: 'shipped',
    label: 'Shipped',
    status: 'completed',
    paymentStatus: 'paid',
    fulfillmentStatus: 'fulfilled',
  },
  {
    code: 'cancelled',
    label: 'Cancelled',
    status: 'cancelled',
    paymentStatus: null,
    fulfillmentStatus: 'unfulfilled',
  },
  {
    code: 'refunded',
    label: 'Refunded',
    status: 'returned',
    paymentStatus: 'refunded',
    fulfillmentStatus: 'returned',
  },
]);

/** A mapped order, with the warning an undocumented state produced. */
export interface MappedAcmeOrder {
  order: Order;
  warning: Warning | undefined;
}

/**
 * Maps a validated Acme order to the canonical order: decimals to exact minor units, timestamps
 * to canonical UTC, the state through the status map (an undocumented state becomes `unknown` with
 * a warning, never an exception).
 * @throws MoneyConversionError or TimestampError when an amount or time cannot be read exactly
 * (the caller reports the record as invalid).
 */
export function mapAcmeOrder(
  wire: AcmeOrder,
  options: { provider: string; includeRaw?: boolean | undefined },
): MappedAcmeOrder {
  const key = orderKey(options.provider, wire.id);
  const mapped = mapStatus(acmeStatusMap, { code: wire.state }, key);
  const money = (value: string) => moneyFromDecimal(value, wire.currency);
  const units = wire.lines.reduce((sum, line) => sum + line.quantity, 0);
  const order: Order = {
    provider: options.provider,
    id: wire.id,
    key,
    status: mapped.status,
    paymentStatus: mapped.paymentStatus ?? null,
    fulfillmentStatus: mapped.fulfillmentStatus ?? null,
    providerStatus: mapped.providerStatus,
    type: null,
    reference: null,
    customer: wire.customer
      ? {
          id: wire.customer.id,
          email: wire.customer.email,
          name: wire.customer.name,
          company: null,
        }
      : null,
    merchant: null,
    items: wire.lines.map((line) => ({
      sku: line.sku,
      name: line.title,
      quantity: line.quantity,
      unitPrice: money(line.unit_price),
      termMonths: null,
      fulfillment: null,
      listPrice: null,
      listPriceSource: null,
      acquisitionCost: null,
      acquisitionCostSource: null,
    })),
    totals: {
      subtotal: money(wire.subtotal),
      tax: money(wire.tax),
      total: money(wire.total),
      refunded: mapped.paymentStatus === 'refunded' ? money(wire.total) : null,
    },
    // Acme reports no per-unit progress: a shipped order has every unit out, a new one none.
    fulfillment:
      mapped.fulfillmentStatus === 'fulfilled' || mapped.fulfillmentStatus === 'returned'
        ? { total: units, done: units }
        : mapped.fulfillmentStatus === 'unfulfilled'
          ? { total: units, done: 0 }
          : null,
    createdAt: normalizeTimestamp(wire.created_at),
    updatedAt: wire.updated_at === null ? null : normalizeTimestamp(wire.updated_at),
    placedAt: null,
    extensions: {},
  };
  if (options.includeRaw) order.raw = wire;
  return { order, warning: mapped.warning };
}
