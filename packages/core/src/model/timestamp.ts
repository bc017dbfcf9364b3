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
  const leftKey = sortableTimestamp(left);
  const rightKey = sortableTimestamp(right);
  return leftKey < rightKey ? -1 : leftKey > rightKey ? 1 : 0;
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
