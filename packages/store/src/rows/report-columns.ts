import type { Order } from '@orderbridge/core';

/** The columns the reports read (migration `0002-report-columns`), derived from the canonical order. */
export interface ReportColumns {
  /** `reference`: the merchant's or provider's reference number (reconciliation matches it). */
  reference: string | null;
  /** `merchant.name`. */
  merchant_name: string | null;
  /** `providerStatus.label` (FlexFactor's `statusName`): a ledger's status may be written so. */
  provider_status_label: string | null;
  /** `totals.refunded.amountMinor`, null when the provider says nothing about refunds. */
  refunded_minor: number | null;
  /** `totals.refunded.currency` (a report sums a refund only in the total's currency). */
  refunded_currency: string | null;
  /** `fulfillment.done`: units fulfilled (devices rented). */
  fulfillment_done: number | null;
  /** `fulfillment.total`: units ordered. */
  fulfillment_total: number | null;
  /** Monday (`YYYY-MM-DD`) of the ISO week of `createdAt` in UTC: the revenue report's `week`. */
  created_week: string;
}

const DAY_MS = 86_400_000;

/**
 * The Monday of the ISO 8601 week (weeks start on Monday) holding a UTC timestamp, as `YYYY-MM-DD`.
 * Computed here rather than in SQL because the two dialects have no common week function.
 */
export function isoWeekStart(timestamp: string): string {
  const day = Date.parse(`${timestamp.slice(0, 10)}T00:00:00Z`);
  const weekday = (new Date(day).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  return new Date(day - weekday * DAY_MS).toISOString().slice(0, 10);
}

/** The report columns of an order (canonical fields only, so every provider gets the reports). */
export function reportColumns(
  order: Pick<
    Order,
    'reference' | 'merchant' | 'providerStatus' | 'totals' | 'fulfillment' | 'createdAt'
  >,
): ReportColumns {
  return {
    reference: order.reference,
    merchant_name: order.merchant?.name ?? null,
    provider_status_label: order.providerStatus.label,
    refunded_minor: order.totals.refunded?.amountMinor ?? null,
    refunded_currency: order.totals.refunded?.currency ?? null,
    fulfillment_done: order.fulfillment?.done ?? null,
    fulfillment_total: order.fulfillment?.total ?? null,
    created_week: isoWeekStart(order.createdAt),
  };
}
