import { SORT_FIELDS } from './order-query.js';

const UNIT_MS: Readonly<Record<string, number>> = {
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};
/** A time before now as text: a count and a unit (`30m`, `12h`, `7d`, `2w`), case-insensitive. */
export const RELATIVE_TIME_PATTERN = /^(\d{1,6})\s*(m|h|d|w)$/i;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
/** Largest distance from the epoch a JavaScript date can hold. */
const MAX_EPOCH_MS = 8_640_000_000_000_000;

/**
 * Reads a created-date bound as people type it (CLI flags, HTTP parameters): a relative time
 * (`30m`, `12h`, `7d`, `2w`) is that long before `now`; a bare date is the start of that UTC day
 * for `from` and its inclusive end (23:59:59.999) for `to`; anything else is returned trimmed, for
 * `parseOrderQuery` to validate as ISO 8601 (and name the field when it is not).
 */
export function resolveDateText(
  text: string,
  bound: 'from' | 'to',
  now: () => number = Date.now,
): string {
  const value = text.trim();
  const relative = RELATIVE_TIME_PATTERN.exec(value);
  if (relative) {
    const time = now() - Number(relative[1]) * UNIT_MS[relative[2]!.toLowerCase()]!;
    // Out of the Date range: leave the text for parseOrderQuery to reject rather than throw here.
    return Math.abs(time) <= MAX_EPOCH_MS ? new Date(time).toISOString() : value;
  }
  if (DATE_ONLY.test(value))
    return `${value}${bound === 'from' ? 'T00:00:00.000Z' : 'T23:59:59.999Z'}`;
  return value;
}

/**
 * Reads `field[:direction]` (`createdAt:desc`, `total`, `created_at:ASC`): the field matched
 * case-insensitively and ignoring `_`/`-` against the sort fields (kept as typed when none
 * matches), the direction lower-cased, `desc` when missing. `parseOrderQuery` validates the result.
 */
export function parseSortText(text: string): { field: string; direction: string } {
  const separator = text.indexOf(':');
  const rawField = (separator === -1 ? text : text.slice(0, separator)).trim();
  const rawDirection = separator === -1 ? '' : text.slice(separator + 1).trim();
  const wanted = rawField.toLowerCase().replaceAll('_', '').replaceAll('-', '');
  const field = SORT_FIELDS.find((candidate) => candidate.toLowerCase() === wanted) ?? rawField;
  return { field, direction: rawDirection === '' ? 'desc' : rawDirection.toLowerCase() };
}

/** A status value as people type it: case-insensitive, `-` for `_` (`Partially-Fulfilled`). */
export function normalizeStatusText(value: string): string {
  return value.trim().toLowerCase().replaceAll('-', '_');
}
