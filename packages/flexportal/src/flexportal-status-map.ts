import {
  defineStatusMap,
  type FulfillmentStatus,
  type PaymentStatus,
  type StatusMap,
} from '@orderbridge/core';

/**
 * FlexPortal's order statuses and their canonical meaning (DESIGN.md status table). The documented
 * values are `pending`, `confirmed`, `partial`, `fulfilled`, `cancelled` (Part 1 §1.7, FP-LIST,
 * FP-GET). FlexPortal sends no label, so each entry's label is the value itself.
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

/** The documented `payment.status` values (Part 1 §1.7 `payment`) and their canonical meaning. */
export const flexPortalPaymentStatusMap: Readonly<Record<string, PaymentStatus>> = {
  pending: 'pending',
  paid: 'paid',
  failed: 'failed',
};

/**
 * The documented per-line `rentalStatus` values (Part 1 §1.7 OrderItem, default `pending`) and the
 * canonical fulfilment status of the line.
 */
export const flexPortalRentalStatusMap: Readonly<Record<string, FulfillmentStatus>> = {
  pending: 'unfulfilled',
  partial: 'partially_fulfilled',
  completed: 'fulfilled',
};
