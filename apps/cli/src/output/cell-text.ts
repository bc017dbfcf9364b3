import { formatMoney, type Money, toDecimalString } from '@orderbridge/core';

/** True for a canonical money value `{ amountMinor, currency }`. */
export function isMoney(value: unknown): value is Money {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Money).amountMinor === 'number' &&
    typeof (value as Money).currency === 'string'
  );
}

/**
 * A value as one cell of text. Money is exact: `45.65 USD` for machines (CSV), `$45.65` for people
 * (tables); objects and arrays become compact JSON; missing values an empty cell.
 */
export function cellText(value: unknown, audience: 'machine' | 'human'): string {
  if (value === null || value === undefined) return '';
  if (isMoney(value)) {
    return audience === 'human'
      ? formatMoney(value)
      : `${toDecimalString(value)} ${value.currency}`;
  }
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
