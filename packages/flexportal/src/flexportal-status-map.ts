import {
  defineStatusMap,
  type FulfillmentStatus,
  type PaymentStatus,
  type StatusMap,
} from '@orderbridge/core';

/**
 * FlexPortal's order statuses and their canonical meaning (docs/providers/flexportal.md,
 * "Statuses"). The documented values are `pending`, `confirmed`, `partial`, `fulfilled`,
 * `cancelled` (the Order schema of the list and get operations). FlexPortal sends no label, so
 * each entry's label is the value itself.
 *
 * `paymentStatus` is deliberately left out of every entry: FlexPortal decides it with the separate
 * `payment.status` field, not with the order status, so core never pushes a payment-status filter
 * down as an order-status filter.
 */
export const flexPortalStatusMap: StatusMap = defineStatusMap('flexportal', [
  {
    code: 'pending',
    label: 'pending',
    status: 'pending',
    fulfillmentStatus: 'unfulfilled',
  },
  {
    code: 'confirmed',
    label: 'confirmed',
    status: 'processing',
    fulfillmentStatus: 'unfulfilled',
  },
  {
    code: 'partial',
    label: 'partial',
    status: 'processing',
    fulfillmentStatus: 'partially_fulfilled',
  },
  {
    code: 'fulfilled',
    label: 'fulfilled',
    status: 'completed',
    fulfillmentStatus: 'fulfilled',
  },
  {
    code: 'cancelled',
    label: 'cancelled',
    status: 'cancelled',
    fulfillmentStatus: 'unfulfilled',
  },
]);

/**
 * The documented `payment.status` values and their canonical meaning. FlexPortal documents no
 * refund or dispute (no refunded amount, no such payment status), so its orders are never
 * `partially_refunded`, `refunded` or `disputed`.
 */
export const flexPortalPaymentStatusMap: Readonly<Record<string, PaymentStatus>> = {
  pending: 'pending',
  paid: 'paid',
  failed: 'failed',
};

/**
 * The documented per-line `rentalStatus` values (OrderItem, default `pending`) and the canonical
 * fulfilment status of the line.
 */
export const flexPortalRentalStatusMap: Readonly<Record<string, FulfillmentStatus>> = {
  pending: 'unfulfilled',
  partial: 'partially_fulfilled',
  completed: 'fulfilled',
};
