import {
  defineStatusMap,
  type Money,
  type PaymentStatus,
  type StatusLabelEntry,
  type StatusMap,
  type StatusMapEntry,
} from '@orderbridge/core';

/*
 * FlexFactor order statuses: the integer `status` with its `statusName` (the list response's
 * `orderStatuses` table), read as the merchant-portal guide describes each one. The reasons for
 * every row are in docs/providers/flexfactor.md ("Statuses"). FlexFactor has no fulfilment notion:
 * `fulfillmentStatus` is null for every status, `Returned` included (it means "refunded", not
 * goods sent back). Labels are compared case-insensitively: the list sends `completed`, the single
 * order `CAPTUREREQUIRED`.
 */
const FLEXFACTOR_STATUS_ENTRIES: readonly StatusMapEntry[] = [
  { code: 0, label: 'Draft', status: 'draft', paymentStatus: 'pending', fulfillmentStatus: null },
  {
    code: 1,
    label: 'Onhold',
    status: 'on_hold',
    paymentStatus: 'pending',
    fulfillmentStatus: null,
  },
  // "Declined by Flex": the payment did not go through, which is what a user filtering by payment
  // failure looks for.
  {
    code: 2,
    label: 'Cancelled',
    status: 'cancelled',
    paymentStatus: 'failed',
    fulfillmentStatus: null,
  },
  // "Has a problem, contact support": the order is stuck, not a failed payment. It waits for
  // someone (on hold) and its payment is not settled (pending).
  {
    code: 3,
    label: 'Problem',
    status: 'on_hold',
    paymentStatus: 'pending',
    fulfillmentStatus: null,
  },
  {
    code: 4,
    label: 'Processing',
    status: 'processing',
    paymentStatus: 'pending',
    fulfillmentStatus: null,
  },
  {
    code: 5,
    label: 'Capturerequired',
    status: 'processing',
    paymentStatus: 'requires_capture',
    fulfillmentStatus: null,
  },
  // "The order was refunded"; `refundsAmount` below the amount makes it a partial refund.
  {
    code: 6,
    label: 'Returned',
    status: 'returned',
    paymentStatus: 'refunded',
    fulfillmentStatus: null,
    otherPaymentStatuses: ['partially_refunded'],
  },
  // Paid; a refund recorded in `refundsAmount` makes it partially or fully refunded.
  {
    code: 7,
    label: 'Completed',
    status: 'completed',
    paymentStatus: 'paid',
    fulfillmentStatus: null,
    otherPaymentStatuses: ['partially_refunded', 'refunded'],
  },
];

/**
 * Statuses the portal guide names without a code. "Chargeback" (disputed by the customer) is
 * recognised when a code outside 0..7 arrives labelled `Chargeback` in the response's
 * `orderStatuses` (or in the order's `statusName`).
 */
const FLEXFACTOR_NAME_ONLY_STATUSES: readonly StatusLabelEntry[] = [
  {
    label: 'Chargeback',
    status: 'completed',
    paymentStatus: 'disputed',
    fulfillmentStatus: null,
  },
];

/** FlexFactor's status table (codes 0..7, plus Chargeback by name) for the provider id `flexfactor`. */
export const flexFactorStatusMap: StatusMap = defineStatusMap(
  'flexfactor',
  FLEXFACTOR_STATUS_ENTRIES,
  FLEXFACTOR_NAME_ONLY_STATUSES,
);

/** The FlexFactor status table under another provider id (for `createFlexFactor({ id })`). */
export function createFlexFactorStatusMap(provider: string): StatusMap {
  return provider === flexFactorStatusMap.provider
    ? flexFactorStatusMap
    : defineStatusMap(provider, flexFactorStatusMap.entries, flexFactorStatusMap.labelEntries);
}

/**
 * The payment status once `refundsAmount` is taken into account: a paid or refunded order with
 * `0 < refundsAmount < amount` is `partially_refunded`, a paid one refunded in full is `refunded`.
 * Any other status, or a missing refund amount, is left as the status code says. Every result is
 * the entry's `paymentStatus` or one of its `otherPaymentStatuses` (a test proves it), so the
 * planner's pushed-down status codes still cover it.
 */
export function paymentStatusAfterRefunds(
  paymentStatus: PaymentStatus | null,
  total: Money,
  refunded: Money | null,
): PaymentStatus | null {
  if (paymentStatus !== 'paid' && paymentStatus !== 'refunded') return paymentStatus;
  if (refunded === null || refunded.amountMinor <= 0 || refunded.currency !== total.currency) {
    return paymentStatus;
  }
  return refunded.amountMinor < total.amountMinor ? 'partially_refunded' : 'refunded';
}
