import { normalizeTimestamp, resolveDateText, TimestampError } from '@orderbridge/core';
import { UsageError } from '../errors/usage-error.js';

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
  // The text forms (relative times, bare dates) are core's, shared with the service; here only
  // the error message is the CLI's own.
  return normalizeOrFail(
    flag,
    resolveDateText(value, bound, () => now().getTime()),
    value,
  );
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
