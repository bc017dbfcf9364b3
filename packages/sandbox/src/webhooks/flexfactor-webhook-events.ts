import type { WireObject } from '../table/order-table.js';

// Status codes (FF-LIST's `orderStatuses`; docs/providers/flexfactor.md).
const CANCELLED = 2;
const CAPTURE_REQUIRED = 5;
const RETURNED = 6;
const COMPLETED = 7;

/**
 * The order events FlexFactor documents (docs/webhooks-incoming.md): `order.refunded` (critical),
 * `order.completed`, `order.cancelled`, `order.expired` (after `expiryDateUtc`) and
 * `order.capturerequired` (informational). The sandbox sends all but `order.expired`: it has no
 * clock that moves orders past their expiry.
 */
export const FLEXFACTOR_ORDER_EVENTS = [
  'order.refunded',
  'order.completed',
  'order.cancelled',
  'order.expired',
  'order.capturerequired',
] as const;

/** One documented FlexFactor order event name. */
export type FlexFactorOrderEvent = (typeof FLEXFACTOR_ORDER_EVENTS)[number];

/**
 * The webhook body FlexFactor documents (its Node sample's `WebhookPayload`): sent as JSON text,
 * not as `application/json`.
 */
export interface FlexFactorWebhookPayload {
  /** The event name, e.g. `order.completed`. */
  event: string;
  /** ISO 8601 UTC time of the event. */
  timeStamp: string;
  /** Event details (the sandbox sends the order's status, status name and refunds amount). */
  eventData?: unknown;
  /** The merchant's own order reference. */
  externalOrderId: string;
  /** FlexFactor's order id. */
  orderId: string;
  /** FlexFactor's confirmation id, when there is one. */
  confirmationId?: string;
  /** Whether the order belongs to a test (sandbox) account: always true here. */
  isTestMode: boolean;
  /** Whether this is a repeated delivery of an earlier event. */
  isResent: boolean;
}

/**
 * The event an order's move from `before` to `after` announces, or undefined when FlexFactor
 * documents none for it (Draft → Processing, Processing → Problem, …). A refund, partial or whole,
 * is `order.refunded`. A new order (`before` undefined) announces the state it starts in.
 */
export function flexFactorEventOf(
  before: WireObject | undefined,
  after: WireObject,
): FlexFactorOrderEvent | undefined {
  const status = after.status;
  const refunded = Number(after.refundsAmount ?? 0) > Number(before?.refundsAmount ?? 0);
  if (status === RETURNED || refunded) return 'order.refunded';
  if (before !== undefined && before.status === status) return undefined;
  if (status === COMPLETED) return 'order.completed';
  if (status === CANCELLED) return 'order.cancelled';
  if (status === CAPTURE_REQUIRED) return 'order.capturerequired';
  return undefined;
}

/** The payload of an event about one order row, at the sandbox time `at`. */
export function flexFactorWebhookPayload(
  event: FlexFactorOrderEvent,
  row: WireObject,
  at: string,
): FlexFactorWebhookPayload {
  return {
    event,
    timeStamp: at,
    eventData: {
      status: row.status,
      statusName: row.statusName,
      refundsAmount: row.refundsAmount,
    },
    externalOrderId: String(row.referenceNumber ?? ''),
    orderId: String(row.id),
    isTestMode: true,
    isResent: false,
  };
}
