/**
 * Currencies the generators use, with their ISO 4217 minor-unit exponents. Money is generated and
 * summed in integer minor units and only rendered as a decimal at the edge, so a total is never a
 * float sum (no 79.10000000001).
 */

/** One currency the sandbox generates amounts in. */
export interface CurrencyInfo {
  /** ISO 4217 code, e.g. `USD`. */
  readonly code: string;
  /** Number of minor-unit digits (ISO 4217): 2 for USD, 0 for JPY, 3 for KWD. */
  readonly exponent: number;
  /** What FlexFactor puts in `currencySymbol` and in front of `formattedAmount`. */
  readonly symbol: string;
}

/** The currencies both simulators use: the common ones plus one with 0 and one with 3 decimals. */
export const CURRENCIES: Readonly<Record<string, CurrencyInfo>> = {
  USD: { code: 'USD', exponent: 2, symbol: '$' },
  EUR: { code: 'EUR', exponent: 2, symbol: '€' },
  GBP: { code: 'GBP', exponent: 2, symbol: '£' },
  JPY: { code: 'JPY', exponent: 0, symbol: '¥' },
  KWD: { code: 'KWD', exponent: 3, symbol: 'KWD' },
};

/**
 * Renders integer minor units as the JSON number the wire carries (4565 USD → 45.65). Dividing an
 * exact integer by a power of ten gives the double nearest the decimal, whose shortest rendering is
 * that decimal, so JSON.stringify prints exactly `45.65`.
 */
export function minorToDecimal(amountMinor: number, exponent: number): number {
  return exponent === 0 ? amountMinor : amountMinor / 10 ** exponent;
}

/**
 * Converts a decimal wire amount back to integer minor units (45.65 → 4565); undefined when the
 * value has more digits than the exponent allows.
 */
export function decimalToMinor(amount: number, exponent: number): number | undefined {
  const scaled = Math.round(amount * 10 ** exponent);
  return minorToDecimal(scaled, exponent) === amount ? scaled : undefined;
}

/** The decimal with exactly `exponent` fraction digits, built from integers (4560, 2 → "45.60"). */
export function minorToFixed(amountMinor: number, exponent: number): string {
  const negative = amountMinor < 0;
  const digits = String(Math.abs(amountMinor)).padStart(exponent + 1, '0');
  const whole = exponent === 0 ? digits : digits.slice(0, digits.length - exponent);
  const fraction = exponent === 0 ? '' : `.${digits.slice(digits.length - exponent)}`;
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

/**
 * FlexFactor's `formattedAmount`. The seed shows `"$45.65"` for 45.65 and `"$3"` for 3, so a whole
 * amount drops its fraction while any other amount shows every minor digit ("KWD 1.250", "$45.60").
 * A symbol made of letters is separated by a space.
 */
export function formatAmount(amountMinor: number, currency: CurrencyInfo): string {
  const scale = 10 ** currency.exponent;
  const text =
    amountMinor % scale === 0
      ? String(amountMinor / scale)
      : minorToFixed(amountMinor, currency.exponent);
  const separator = /^[A-Za-z]+$/.test(currency.symbol) ? ' ' : '';
  return `${currency.symbol}${separator}${text}`;
}
