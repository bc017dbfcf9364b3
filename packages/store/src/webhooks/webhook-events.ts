import type { ChangeKind, OrderDiff } from '../order-store.js';

/** The event types an endpoint can subscribe to. */
export const WEBHOOK_EVENT_TYPES = ['order.created', 'order.updated', 'order.vanished'] as const;
/** An event type an endpoint can subscribe to. */
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/**
 * The event a change-log entry announces, or null when it announces none: an `updated` entry is
 * `order.updated` only when a status moved (`status`, `paymentStatus` or `fulfillmentStatus`) —
 * receivers subscribe to lifecycle changes, not to every re-priced line or renamed customer.
 */
export function webhookEventOf(kind: ChangeKind, diff: OrderDiff | null): WebhookEventType | null {
  switch (kind) {
    case 'created':
      return 'order.created';
    case 'vanished':
      return 'order.vanished';
    case 'updated':
      return diff !== null &&
        (diff.status !== undefined ||
          diff.paymentStatus !== undefined ||
          diff.fulfillmentStatus !== undefined)
        ? 'order.updated'
        : null;
  }
}
