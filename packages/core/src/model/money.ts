import { z } from 'zod';

/**
 * ISO 4217 minor-unit exponents that differ from the common 2. Kept as data so a currency's
 * exponent never comes from a locale table (CLDR rounds some currencies differently from ISO).
 */
const EXPONENT_OVERRIDES: Readonly<Record<string, number>> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
  CLF: 4,
  UYW: 4,
};

/** An ISO 4217 alphabetic currency code (three upper-case letters). */
export const currencyCodeSchema = z
  .string()
  .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code of three upper-case letters');

/** An exact amount of money: an integer count of the currency's minor units (cents, fils, yen). */
export const moneySchema = z.object({
  /** Integer amount in minor units: 45.65 USD is 4565, 1200 JPY is 1200, 1.250 KWD is 1250. */
  amountMinor: z.number().int().refine(Number.isSafeInteger, 'must be a safe integer'),
  /** ISO 4217 currency code. */
  currency: currencyCodeSchema,
});

/** An exact amount of money in minor units of its currency. */
export type Money = z.infer<typeof moneySchema>;

/** The same table as a Map, so a code such as `constructor` never finds an inherited property. */
const EXPONENTS = new Map(Object.entries(EXPONENT_OVERRIDES));

/** Number of minor-unit digits of a currency (USD 2, JPY 0, KWD 3); 2 for codes not in the table. */
export function currencyExponent(currency: string): number {
  const exponent = EXPONENTS.get(currency);
  if (exponent !== undefined) return exponent;
  // Most codes arrive upper case and are not in the table (EUR, USD): no upper-case copy for them.
  return isUpperCaseCode(currency) ? 2 : (EXPONENTS.get(currency.toUpperCase()) ?? 2);
}

/** Why a decimal could not be converted to minor units. */
export class MoneyConversionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MoneyConversionError';
  }
}

const DECIMAL_PATTERN =
  /^([+-])?(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$|^([+-])?\.(\d+)(?:[eE]([+-]?\d+))?$/;

/**
 * Converts a provider's decimal amount to exact minor units, using the currency's own exponent.
 * A number is read through its shortest round-trip decimal form (45.65 stays 45.65, not
 * 45.649999…), so no float error is ever accumulated; strings are read digit by digit.
 * @throws MoneyConversionError when the value is not a finite decimal, has more fraction digits
 * than the currency allows (e.g. 0.30000000000000004 USD), or exceeds the safe integer range.
 */
export function toMinorUnits(value: number | string, currency: string): number {
  const exponent = currencyExponent(currency);
  if (typeof value === 'number') {
    const minor = exactMinorUnitsOfNumber(value, exponent);
    if (minor !== undefined) return minor;
  }
  return decimalToMinorUnits(value, currency, exponent);
}

/** 10^exponent for the exponents ISO 4217 uses (0 to 4); all exact doubles. */
const POWERS_OF_TEN = [1, 10, 100, 1000, 10_000];
/** Below this many minor units, every amount has at most 15 significant digits. */
const FIFTEEN_DIGITS = 1e15;

/**
 * The fast path of `toMinorUnits` for a JSON number: `Math.round(value × 10^exponent)`, accepted
 * only when it is provably what the decimal text gives. If `minor / 10^exponent === value` (one
 * correctly rounded division), `value` is the double nearest to the decimal `minor / 10^exponent`;
 * with `|minor| < 10^15` that decimal has at most 15 significant digits, and any decimal of at
 * most 15 significant digits round-trips through a double, so it is exactly the shortest
 * round-trip text `Number#toString` gives and the general path would read (no other decimal of
 * ≤ 15 digits maps to the same double). Everything else (more fraction digits than the currency
 * has, `0.1 + 0.2`, amounts of 16+ digits, non-finite values) returns undefined and takes the
 * general path, with its errors. Saves the `toString()`, regex and string work per amount (≈ 4×
 * `Number#toString`, 8–12 amounts per FlexPortal order). Exported for its property test.
 */
export function exactMinorUnitsOfNumber(value: number, exponent: number): number | undefined {
  const scale = POWERS_OF_TEN[exponent];
  if (scale === undefined) return undefined;
  const minor = Math.round(value * scale);
  if (!(minor < FIFTEEN_DIGITS && minor > -FIFTEEN_DIGITS) || minor / scale !== value) {
    return undefined;
  }
  return minor === 0 ? 0 : minor; // never -0: the general path reads "-0" as 0
}

/**
 * The general path of `toMinorUnits`: the shortest round-trip text of a number, or the text as
 * sent, read digit by digit. Exported for the property test of the fast path; use `toMinorUnits`.
 * @throws MoneyConversionError as `toMinorUnits`.
 */
export function decimalToMinorUnits(
  value: number | string,
  currency: string,
  exponent = currencyExponent(currency),
): number {
  const text = typeof value === 'number' ? numberToDecimalText(value) : value.trim();
  const match = DECIMAL_PATTERN.exec(text);
  if (!match) throw new MoneyConversionError(`"${text}" is not a decimal amount`);
  const sign = match[1] ?? match[5] ?? '';
  const integerDigits = match[2] ?? '0';
  const fractionDigits = match[3] ?? match[6] ?? '';
  const power = Number(match[4] ?? match[7] ?? '0');
  // Shift the decimal point by the exponent marker, then by the currency's exponent.
  let digits = (integerDigits + fractionDigits).replace(/^0+(?=\d)/, '');
  let scale = fractionDigits.length - power - exponent; // digits to the right of the minor unit
  if (scale < 0) {
    digits += '0'.repeat(-scale);
    scale = 0;
  }
  const kept = scale === 0 ? digits : digits.slice(0, Math.max(0, digits.length - scale));
  const dropped = scale === 0 ? '' : digits.slice(Math.max(0, digits.length - scale));
  if (/[1-9]/.test(dropped)) {
    throw new MoneyConversionError(
      `${text} ${currency} has more than ${exponent} fraction digit${exponent === 1 ? '' : 's'}, the currency's minor unit`,
    );
  }
  const minor = Number(kept === '' ? '0' : kept);
  if (!Number.isSafeInteger(minor)) {
    throw new MoneyConversionError(`${text} ${currency} is too large to represent exactly`);
  }
  return sign === '-' && minor !== 0 ? -minor : minor;
}

/** The currency `moneyFromDecimal` was last given, its upper-case code and its exponent. */
let lastCurrency: string | undefined;
let lastCode = '';
let lastExponent = 2;

/** Builds a `Money` from a provider decimal. @throws MoneyConversionError as `toMinorUnits`. */
export function moneyFromDecimal(value: number | string, currency: string): Money {
  // An order's amounts, and a page's orders, nearly always share one currency: its upper-case
  // code and exponent are worked out once and reused while the same code keeps coming.
  if (currency !== lastCurrency) {
    const code = isUpperCaseCode(currency) ? currency : currency.toUpperCase();
    lastExponent = currencyExponent(code);
    lastCode = code;
    lastCurrency = currency;
  }
  const code = lastCode;
  if (typeof value === 'number') {
    const minor = exactMinorUnitsOfNumber(value, lastExponent);
    if (minor !== undefined) return { amountMinor: minor, currency: code };
  }
  return { amountMinor: decimalToMinorUnits(value, code, lastExponent), currency: code };
}

/** Whether a code is three upper-case ASCII letters already (what providers send). */
function isUpperCaseCode(code: string): boolean {
  if (code.length !== 3) return false;
  for (let index = 0; index < 3; index++) {
    const character = code.charCodeAt(index);
    if (character < 65 || character > 90) return false;
  }
  return true;
}

/** Exact decimal text of an amount, with the currency's number of fraction digits ("45.65", "1200"). */
export function toDecimalString(money: Money): string {
  const exponent = currencyExponent(money.currency);
  const negative = money.amountMinor < 0;
  const digits = Math.abs(money.amountMinor)
    .toString()
    .padStart(exponent + 1, '0');
  const integer = digits.slice(0, digits.length - exponent);
  const fraction = digits.slice(digits.length - exponent);
  return `${negative ? '-' : ''}${integer}${exponent > 0 ? `.${fraction}` : ''}`;
}

/**
 * Formats an amount for people, e.g. "$45.65", "¥1,200", "KWD 1.250". Formatting is exact: the
 * decimal string, not a float, is handed to `Intl.NumberFormat`.
 */
export function formatMoney(money: Money, locale = 'en-US'): string {
  const exponent = currencyExponent(money.currency);
  const formatter = new Intl.NumberFormat(locale, {
    style: 'currency',
    currency: money.currency,
    minimumFractionDigits: exponent,
    maximumFractionDigits: exponent,
  });
  // Intl.NumberFormat formats decimal strings exactly (ECMA-402 "Intl.NumberFormat v3").
  return formatter.format(toDecimalString(money) as unknown as number);
}

/** Adds amounts of the same currency exactly. @throws MoneyConversionError on mixed currencies. */
export function addMoney(...amounts: Money[]): Money {
  const [first] = amounts;
  if (!first) throw new MoneyConversionError('addMoney needs at least one amount');
  let total = 0;
  for (const amount of amounts) {
    if (amount.currency !== first.currency) {
      throw new MoneyConversionError(`cannot add ${amount.currency} to ${first.currency}`);
    }
    total += amount.amountMinor;
  }
  if (!Number.isSafeInteger(total))
    throw new MoneyConversionError('sum exceeds the safe integer range');
  return { amountMinor: total, currency: first.currency };
}

/**
 * Compares two amounts by their decimal value (1.50 USD < 100 JPY), the order a provider that
 * sorts by a decimal `amount` column produces, whatever the currencies. Exact (BigInt scaling).
 */
export function compareMoneyValue(left: Money, right: Money): number {
  const leftExponent = currencyExponent(left.currency);
  const rightExponent = currencyExponent(right.currency);
  if (leftExponent === rightExponent) return Math.sign(left.amountMinor - right.amountMinor);
  const scale = Math.max(leftExponent, rightExponent);
  const leftScaled = BigInt(left.amountMinor) * 10n ** BigInt(scale - leftExponent);
  const rightScaled = BigInt(right.amountMinor) * 10n ** BigInt(scale - rightExponent);
  return leftScaled < rightScaled ? -1 : leftScaled > rightScaled ? 1 : 0;
}

function numberToDecimalText(value: number): string {
  if (!Number.isFinite(value)) throw new MoneyConversionError(`${value} is not a finite amount`);
  // Number#toString yields the shortest decimal that round-trips to the same double, which is the
  // text the provider put in its JSON for any amount with at most 15 significant digits.
  return value.toString();
}
