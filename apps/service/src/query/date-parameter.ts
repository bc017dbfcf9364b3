const UNIT_MS: Readonly<Record<string, number>> = {
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};
/** A time before now, as the CLI reads it: a count and a unit (m, h, d, w), case-insensitive. */
const RELATIVE = /^(\d{1,6})\s*(m|h|d|w)$/i;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
/** Largest distance from the epoch a JavaScript date can hold. */
const MAX_EPOCH_MS = 8_640_000_000_000_000;

/** Which end of the range a parameter sets; it decides what a bare date means. */
export type DateBound = 'from' | 'to';

/**
 * Reads `createdFrom` / `createdTo` with the CLI's semantics: a relative time (`30m`, `12h`,
 * `7d`, `2w`) is that long before now; a bare date is the start of that UTC day for `from` and its
 * inclusive end (23:59:59.999) for `to`; anything else is returned trimmed for core's ISO 8601
 * validation (which names the parameter when it is not a date).
 */
export function resolveDateParameter(
  text: string,
  bound: DateBound,
  now: () => number = Date.now,
): string {
  const value = text.trim();
  const relative = RELATIVE.exec(value);
  if (relative) {
    const time = now() - Number(relative[1]) * UNIT_MS[relative[2]!.toLowerCase()]!;
    // Out of the Date range: leave the text for core to reject rather than throw here.
    return Math.abs(time) <= MAX_EPOCH_MS ? new Date(time).toISOString() : value;
  }
  if (DATE_ONLY.test(value))
    return `${value}${bound === 'from' ? 'T00:00:00.000Z' : 'T23:59:59.999Z'}`;
  return value;
}
