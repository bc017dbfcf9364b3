import { orderIdProblem } from '@orderbridge/core';

/**
 * The events FlexFactor documents (docs/webhooks-incoming.md). Every one concerns an order, so each
 * makes the service re-fetch the order it names; any other event name is acknowledged and logged.
 */
export const FLEXFACTOR_WEBHOOK_EVENTS = [
  'order.refunded',
  'order.completed',
  'order.cancelled',
  'order.expired',
  'order.capturerequired',
  'payment.chargeback.received',
  'challenge.presented',
  'challenge.attempted',
  'challenge.passed',
  'challenge.failed',
  'payout.created',
  'payout.updated',
] as const;

/** Longest order id accepted from a webhook (FlexFactor's are 36-character UUIDs). */
const MAX_ORDER_ID_LENGTH = 200;

/** What a webhook body asks for, read leniently. */
export type FlexFactorWebhookReading =
  /** A documented event about an order: re-fetch that order. */
  | { kind: 'refresh'; event: string; orderId: string }
  /** An event the service does not act on (unknown or absent name): acknowledged, logged. */
  | { kind: 'ignored'; event: string | undefined; reason: string }
  /** A body nothing can be read from, or a documented event without a usable order id. */
  | { kind: 'invalid'; field: string; message: string };

/**
 * Reads a FlexFactor webhook body. Lenient in what it accepts: the body is JSON text whatever the
 * content type says (FlexFactor does not send `application/json`), may start with a byte-order
 * mark, may be JSON text wrapped once more in a JSON string, and its field names may come in any
 * casing (`orderId`, `OrderId`, `order_id`); fields it does not need are ignored. Strict in what
 * it takes from it: only the event name and the order id — the payload is never used as order
 * data, the order is re-fetched from FlexFactor.
 */
export function readFlexFactorWebhook(text: string): FlexFactorWebhookReading {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
    if (typeof value === 'string') value = JSON.parse(value);
  } catch {
    return {
      kind: 'invalid',
      field: 'body',
      message: 'must be the JSON text of a FlexFactor webhook (an object with event and orderId)',
    };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return {
      kind: 'invalid',
      field: 'body',
      message: 'must be a JSON object with event and orderId',
    };
  }
  const fields = new Map<string, unknown>();
  for (const [name, field] of Object.entries(value)) {
    fields.set(name.toLowerCase().replace(/[-_]/g, ''), field);
  }
  const rawEvent = fields.get('event') ?? fields.get('eventname') ?? fields.get('eventtype');
  const event = typeof rawEvent === 'string' ? rawEvent.trim().toLowerCase() : undefined;
  if (event === undefined || event === '') {
    return { kind: 'ignored', event: undefined, reason: 'the body names no event' };
  }
  if (!(FLEXFACTOR_WEBHOOK_EVENTS as readonly string[]).includes(event)) {
    return { kind: 'ignored', event, reason: `"${event}" is not an event FlexFactor documents` };
  }
  const rawId = fields.get('orderid');
  const orderId =
    typeof rawId === 'string'
      ? rawId.trim()
      : typeof rawId === 'number'
        ? String(rawId)
        : undefined;
  if (orderId === undefined) {
    return { kind: 'invalid', field: 'orderId', message: `${event} must carry an orderId string` };
  }
  const problem =
    orderId.length > MAX_ORDER_ID_LENGTH
      ? `must be at most ${MAX_ORDER_ID_LENGTH} characters`
      : orderIdProblem(orderId);
  if (problem !== undefined) return { kind: 'invalid', field: 'orderId', message: problem };
  return { kind: 'refresh', event, orderId };
}
