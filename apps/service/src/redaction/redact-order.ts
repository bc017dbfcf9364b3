import type { Order } from '@orderbridge/core';

/** What a masked payment instrument token becomes. */
export const MASKED_TOKEN = '[REDACTED]';

/** Keys whose string values are email addresses. */
const EMAIL_KEY = /e-?mail/i;
/**
 * Keys whose values are payment instrument tokens: FlexFactor's `paymentInstrumentToken` and the
 * like (card or instrument tokens under any casing). Matching on the key keeps unrelated ids intact.
 */
const PAYMENT_TOKEN_KEY = /(instrument|card|payment(method)?)_?token/i;
const EMAIL_IN_TEXT = /([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})/g;

/** Masks an email address to its first character and domain: `lena.vos@example.com` → `l***@example.com`. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email[0]}***${email.slice(at)}`;
}

/** Masks every email address inside free text (for log lines). */
export function maskEmailsInText(text: string): string {
  return text.replace(EMAIL_IN_TEXT, '$1***@$2');
}

/**
 * A copy of an order with customer emails and payment instrument tokens masked everywhere: the
 * canonical fields, `extensions` and `raw`. The input is not modified.
 */
export function redactOrder(order: Order): Order {
  return redactValue(order, undefined) as Order;
}

function redactValue(value: unknown, key: string | undefined): unknown {
  if (typeof value === 'string') {
    if (key !== undefined && PAYMENT_TOKEN_KEY.test(key)) return MASKED_TOKEN;
    if (key !== undefined && EMAIL_KEY.test(key)) return maskEmail(value);
    return value;
  }
  if (Array.isArray(value)) return value.map((item) => redactValue(item, key));
  if (typeof value === 'object' && value !== null) {
    const result: Record<string, unknown> = {};
    for (const [name, inner] of Object.entries(value)) result[name] = redactValue(inner, name);
    return result;
  }
  return value;
}
