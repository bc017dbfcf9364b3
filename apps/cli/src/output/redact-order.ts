import type { Order } from '@orderbridge/core';

const EMAIL = /^([^\s@]+)@([^\s@]+\.[^\s@]+)$/;
/** Keys whose string values are payment-instrument or card tokens (FlexFactor `paymentInstrumentToken`). */
const TOKEN_KEY = /token$/i;

/** Masks an email address, keeping its first character and domain: `lena@example.org` → `l***@example.org`. */
export function maskEmail(email: string): string {
  const match = EMAIL.exec(email);
  if (!match) return '***';
  return `${match[1]!.slice(0, 1)}***@${match[2]}`;
}

/** Masks a payment-instrument token, keeping a short prefix and the last four characters: `tok…1234`. */
export function maskToken(token: string): string {
  if (token.length < 10) return '***';
  return `${token.slice(0, 3)}…${token.slice(-4)}`;
}

/**
 * A copy of the order with every email address and payment-instrument token masked, wherever it
 * sits: customer, extensions of any provider, items and the raw wire object. Applied before any
 * formatting, so `--redact` holds for every output format.
 */
export function redactOrder(order: Order): Order {
  return redactValue(order, undefined) as Order;
}

function redactValue(value: unknown, key: string | undefined): unknown {
  if (typeof value === 'string') {
    if (key !== undefined && TOKEN_KEY.test(key)) return maskToken(value);
    return EMAIL.test(value) ? maskEmail(value) : value;
  }
  if (Array.isArray(value)) return value.map((item) => redactValue(item, undefined));
  if (value !== null && typeof value === 'object') {
    const result: Record<string, unknown> = {};
    for (const [name, inner] of Object.entries(value)) result[name] = redactValue(inner, name);
    return result;
  }
  return value;
}
