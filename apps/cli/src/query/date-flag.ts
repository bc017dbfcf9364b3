import { normalizeTimestamp, TimestampError } from '@orderbridge/core';
import { UsageError } from '../errors/usage-error.js';

const UNIT_MS: Readonly<Record<string, number>> = {
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};
/** A relative time before now: a count and a unit (m, h, d, w). */
export const RELATIVE_DATE = /^(\d{1,6})\s*(m|h|d|w)$/i;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Which end of a date range a flag sets; decides what a bare date means. */
export type DateBound = 'from' | 'to';

/**
 * Reads `--created-from` / `--created-to`: an ISO 8601 date-time (a time without a zone is UTC),
 * a date (`--created-from 2024-03-01` is the start of that UTC day, `--created-to 2024-03-31` its
 * inclusive end, 23:59:59.999), or a relative time before `now` (`30m`, `12h`, `7d`, `2w`).
 * @throws UsageError naming the flag and the accepted forms.
 */
export function parseDateFlag(
  flag: string,
  value: string,
  bound: DateBound,
  now: () => Date,
): string {
  const text = value.trim();
  const relative = RELATIVE_DATE.exec(text);
  if (relative) {
    const amount = Number(relative[1]);
    const unit = relative[2]!.toLowerCase();
    return new Date(now().getTime() - amount * UNIT_MS[unit]!).toISOString();
  }
  const dateOnly = DATE_ONLY.exec(text);
  if (dateOnly) {
    const time = bound === 'from' ? 'T00:00:00.000Z' : 'T23:59:59.999Z';
    return normalizeOrFail(flag, `${text}${time}`, value);
  }
  return normalizeOrFail(flag, text, value);
}

function normalizeOrFail(flag: string, text: string, original: string): string {
  try {
    return normalizeTimestamp(text);
  } catch (error) {
    // The parser says "not a valid date-time" for a well-formed but impossible value (2024-02-30).
    const reason =
      error instanceof TimestampError && error.message.includes('valid') ? ' (no such date)' : '';
    throw new UsageError(
      `${flag}: "${original}" is not a date${reason}. Use an ISO 8601 date (2024-03-01), a date-time (2024-03-01T12:00:00Z) or a time before now: 30m, 12h, 7d, 2w.`,
    );
  }
}
