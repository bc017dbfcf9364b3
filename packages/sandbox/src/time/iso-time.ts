/**
 * ISO 8601 helpers. FlexPortal timestamps are millisecond ISO strings with `Z`; FlexFactor's
 * `createdOn` carries microseconds (`2024-03-06T10:09:18.437947Z`, FF-LIST's response example), so FlexFactor times
 * are kept as integer microseconds since the epoch (exact in a double until year 2255).
 */

/** Milliseconds since the epoch → `YYYY-MM-DDTHH:mm:ss.sssZ`. */
export function formatIsoMillis(epochMillis: number): string {
  return new Date(epochMillis).toISOString();
}

/** Microseconds since the epoch → `YYYY-MM-DDTHH:mm:ss.ffffffZ` (always six fraction digits). */
export function formatIsoMicros(epochMicros: number): string {
  const millis = Math.floor(epochMicros / 1000);
  const micros = epochMicros - millis * 1000;
  const iso = new Date(millis).toISOString();
  return `${iso.slice(0, 23)}${String(micros).padStart(3, '0')}Z`;
}

const ISO_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}:?\d{2})?$/;

/**
 * Parses an ISO 8601 date or date-time to microseconds since the epoch. A value without a zone is
 * UTC (docs/architecture.md: "a timestamp without a zone is read as UTC"; FF-LIST says `from`/`to` are UTC).
 * Returns undefined for anything else, including impossible dates such as 2024-02-30.
 */
export function parseIsoMicros(text: string): number | undefined {
  const match = ISO_PATTERN.exec(text.trim());
  if (!match) return undefined;
  const [, year, month, day, hour = '00', minute = '00', second = '00', fraction = '', zone] =
    match;
  const millis = Date.UTC(
    Number(year),
    Number(month) - 1,
    Number(day),
    Number(hour),
    Number(minute),
    Number(second),
  );
  const check = new Date(millis);
  if (
    Number.isNaN(millis) ||
    check.getUTCFullYear() !== Number(year) ||
    check.getUTCMonth() !== Number(month) - 1 ||
    check.getUTCDate() !== Number(day) ||
    Number(hour) > 23 ||
    Number(minute) > 59 ||
    Number(second) > 59
  ) {
    return undefined;
  }
  let offsetMinutes = 0;
  if (zone && zone !== 'Z' && zone !== 'z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
  }
  const micros = Number(fraction.padEnd(6, '0').slice(0, 6));
  return (millis - offsetMinutes * 60_000) * 1000 + micros;
}

/** Parses an ISO timestamp to milliseconds (sub-millisecond digits truncated); undefined if invalid. */
export function parseIsoMillis(text: string): number | undefined {
  const micros = parseIsoMicros(text);
  return micros === undefined ? undefined : Math.floor(micros / 1000);
}

let lastMicros = 0;

/** The current time in epoch microseconds, strictly increasing between calls in this process. */
export function nowMicros(): number {
  const now = Math.floor((performance.timeOrigin + performance.now()) * 1000);
  lastMicros = Math.max(now, lastMicros + 1);
  return lastMicros;
}
