import { z } from 'zod';

const CANONICAL_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.(\d{3}|\d{6}|\d{9})Z$/;
const ISO_INPUT =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * A canonical timestamp: ISO 8601 in UTC with `Z`, with milli-, micro- or nanosecond precision as
 * the provider sent it (`2024-03-06T10:09:18.437947Z`). Sub-millisecond digits are kept so
 * ordering matches the provider's own.
 */
export const timestampSchema = z
  .string()
  .regex(CANONICAL_TIMESTAMP, 'must be an ISO 8601 UTC timestamp such as 2024-03-06T10:09:18.437Z');

/** Why a timestamp could not be read. */
export class TimestampError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TimestampError';
  }
}

/**
 * Reads an ISO 8601 date or date-time and returns the canonical UTC form. A value without a zone is
 * read as UTC (providers document UTC); an offset is converted. Sub-millisecond digits are kept.
 * @throws TimestampError when the text is not an ISO 8601 date or date-time or names an impossible date.
 */
export function normalizeTimestamp(input: string): string {
  return normalizePlainUtcTimestamp(input) ?? normalizeAnyTimestamp(input);
}

/**
 * The general reading behind `normalizeTimestamp`, for every ISO 8601 shape it accepts. Exported
 * for the property test that holds the fast path to it; use `normalizeTimestamp`.
 * @throws TimestampError as `normalizeTimestamp`.
 */
export function normalizeAnyTimestamp(input: string): string {
  const match = ISO_INPUT.exec(input.trim());
  if (!match) throw new TimestampError(`"${input}" is not an ISO 8601 date-time`);
  const [, year, month, day, hour = '00', minute = '00', second = '00', fraction = '', zone = 'Z'] =
    match;
  const milliseconds = fraction.slice(0, 3).padEnd(3, '0');
  const subMillisecond = fraction.slice(3).replace(/0+$/, '');
  const base = Date.UTC(
    Number(year),
    Number(month) - 1,
    Number(day),
    Number(hour),
    Number(minute),
    Number(second),
    Number(milliseconds),
  );
  const check = new Date(base);
  if (
    check.getUTCFullYear() !== Number(year) ||
    check.getUTCMonth() !== Number(month) - 1 ||
    check.getUTCDate() !== Number(day) ||
    Number(hour) > 23 ||
    Number(minute) > 59 ||
    Number(second) > 59
  ) {
    throw new TimestampError(`"${input}" is not a valid date-time`);
  }
  const offsetMinutes = parseOffsetMinutes(zone);
  const utc = new Date(base - offsetMinutes * 60_000).toISOString(); // ...sss Z
  if (subMillisecond === '') return utc;
  const digits =
    subMillisecond.length <= 3 ? subMillisecond.padEnd(3, '0') : subMillisecond.padEnd(6, '0');
  return `${utc.slice(0, -1)}${digits}Z`;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const ZERO = 48;

/**
 * The fast path of `normalizeTimestamp`: what providers send almost always, a plain
 * `YYYY-MM-DDTHH:MM:SS(.f{1,9})?Z`, is checked and formatted by slicing, without the regex, the
 * `Date` round trip and `toISOString()` of the general reading (≈ 6× `Date.parse` per call, a
 * quarter of a FlexFactor page's normalisation). Input already canonical (3, 6 or 9 fraction
 * digits, nothing to trim) is returned as is. Anything else, including every invalid input and
 * years before 100 (which the general reading refuses through `Date.UTC`'s two-digit-year rule),
 * returns undefined and takes the general path, so results and errors are the general reading's.
 * Exported for the property test that holds it to `normalizeAnyTimestamp`.
 */
export function normalizePlainUtcTimestamp(input: string): string | undefined {
  const length = input.length;
  // 19 characters of date and time, then `Z`, or `.`, 1 to 9 digits and `Z`.
  if (length !== 20 && (length < 22 || length > 30)) return undefined;
  if (
    input.charCodeAt(4) !== 45 || // -
    input.charCodeAt(7) !== 45 ||
    input.charCodeAt(10) !== 84 || // T
    input.charCodeAt(13) !== 58 || // :
    input.charCodeAt(16) !== 58 ||
    input.charCodeAt(length - 1) !== 90 // Z
  ) {
    return undefined;
  }
  const year = digitsAt(input, 0, 4);
  const month = digitsAt(input, 5, 7);
  const day = digitsAt(input, 8, 10);
  const hour = digitsAt(input, 11, 13);
  const minute = digitsAt(input, 14, 16);
  const second = digitsAt(input, 17, 19);
  if (year < 100 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59)
    return undefined; // also every -1 (not digits)
  const isLeapYear = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const monthDays = month === 2 && isLeapYear ? 29 : (DAYS_IN_MONTH[month - 1] as number);
  if (day > monthDays) return undefined;
  if (length === 20) return `${input.slice(0, 19)}.000Z`;
  if (input.charCodeAt(19) !== 46 || digitsAt(input, 20, length - 1) < 0) return undefined; // .
  const fractionDigits = length - 21;
  // Canonical already: milliseconds, or a sub-millisecond part that ends in a non-zero digit.
  if (
    fractionDigits === 3 ||
    ((fractionDigits === 6 || fractionDigits === 9) && input.charCodeAt(length - 2) !== ZERO)
  ) {
    return input;
  }
  const fraction = input.slice(20, length - 1);
  const milliseconds = fraction.slice(0, 3).padEnd(3, '0');
  const subMillisecond = fraction.slice(3).replace(/0+$/, '');
  if (subMillisecond === '') return `${input.slice(0, 20)}${milliseconds}Z`;
  const digits =
    subMillisecond.length <= 3 ? subMillisecond.padEnd(3, '0') : subMillisecond.padEnd(6, '0');
  return `${input.slice(0, 20)}${milliseconds}${digits}Z`;
}

/** The decimal value of `text[start, end)`, or -1 when any of it is not an ASCII digit. */
function digitsAt(text: string, start: number, end: number): number {
  let value = 0;
  for (let index = start; index < end; index++) {
    const digit = text.charCodeAt(index) - ZERO;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** Milliseconds since the epoch of a canonical (or any ISO 8601) timestamp. */
export function timestampToEpochMs(timestamp: string): number {
  return Date.parse(normalizeTimestamp(timestamp));
}

/**
 * Orders two canonical timestamps chronologically, sub-millisecond digits included (a plain string
 * comparison would misorder `…18.4Z` and `…18.437Z`). Null sorts before any timestamp.
 */
export function compareTimestamps(left: string | null, right: string | null): number {
  if (left === right) return 0;
  if (left === null) return -1;
  if (right === null) return 1;
  // Both with a fraction and `Z` (every canonical timestamp): compared in place, without building
  // the padded keys below; a listing compares every order with its bounds and neighbours. With the
  // same length the fractions have as many digits, so the text itself orders chronologically.
  if (
    left.charCodeAt(19) === 46 &&
    right.charCodeAt(19) === 46 &&
    left.charCodeAt(left.length - 1) === 90 &&
    right.charCodeAt(right.length - 1) === 90
  ) {
    if (left.length === right.length) return left < right ? -1 : left > right ? 1 : 0;
    return compareWithFractions(left, right);
  }
  const leftKey = sortableTimestamp(left);
  const rightKey = sortableTimestamp(right);
  return leftKey < rightKey ? -1 : leftKey > rightKey ? 1 : 0;
}

/**
 * What comparing the `sortableTimestamp` keys of two timestamps with `.` at 19 and a final `Z`
 * gives, without building them: the first 19 characters, then the fraction digits, each fraction
 * read as if padded with zeros to 9 digits (a key ends after max(9, digits) characters).
 */
function compareWithFractions(left: string, right: string): number {
  for (let index = 0; index < 19; index++) {
    const difference = left.charCodeAt(index) - right.charCodeAt(index);
    if (difference !== 0) return difference < 0 ? -1 : 1;
  }
  const leftDigits = left.length - 21;
  const rightDigits = right.length - 21;
  const leftEnd = Math.max(9, leftDigits);
  const rightEnd = Math.max(9, rightDigits);
  for (let index = 0; index < leftEnd || index < rightEnd; index++) {
    if (index >= leftEnd) return -1;
    if (index >= rightEnd) return 1;
    const leftDigit = index < leftDigits ? left.charCodeAt(20 + index) : ZERO;
    const rightDigit = index < rightDigits ? right.charCodeAt(20 + index) : ZERO;
    if (leftDigit !== rightDigit) return leftDigit < rightDigit ? -1 : 1;
  }
  return 0;
}

function sortableTimestamp(timestamp: string): string {
  const dot = timestamp.indexOf('.', 19);
  if (dot === -1) return `${timestamp.slice(0, 19)}.000000000`;
  return `${timestamp.slice(0, 19)}.${timestamp.slice(dot + 1, -1).padEnd(9, '0')}`;
}

function parseOffsetMinutes(zone: string): number {
  if (zone === 'Z' || zone === 'z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2) || '0');
  if (hours > 23 || minutes > 59) throw new TimestampError(`"${zone}" is not a valid UTC offset`);
  return sign * (hours * 60 + minutes);
}
