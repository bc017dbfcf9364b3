const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};
const RELATIVE = /^(\d{1,5})([smhdw])$/;

/**
 * Reads a relative time as the CLI does: `<n><unit>` means that long before now, with units `s`,
 * `m` (minutes), `h`, `d`, `w`. Returns the ISO 8601 UTC timestamp, or the text unchanged when it
 * is not a relative time (core then validates it as an ISO 8601 date).
 */
export function resolveRelativeTime(text: string, now: () => number = Date.now): string {
  const match = RELATIVE.exec(text.trim());
  if (!match) return text;
  const amount = Number(match[1]);
  const unit = UNIT_MS[match[2]!]!;
  return new Date(now() - amount * unit).toISOString();
}
