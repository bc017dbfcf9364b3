import { UsageError } from '../errors/usage-error.js';

const DURATION = /^(\d{1,6})\s*(ms|s|m|h|d|w)$/i;
const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/**
 * Reads a duration flag (`--interval 5m`, `--lookback 30d`): a whole number and a unit, `ms`, `s`,
 * `m`, `h`, `d` or `w`, within `[minMs, maxMs]`.
 * @throws UsageError naming the flag, the value and the accepted forms.
 */
export function parseDurationFlag(
  flag: string,
  value: string,
  minMs: number,
  maxMs: number,
): number {
  const match = DURATION.exec(value.trim());
  const ms = match
    ? Number(match[1]) * (UNIT_MS[match[2]!.toLowerCase()] ?? Number.NaN)
    : Number.NaN;
  if (!Number.isFinite(ms)) {
    throw new UsageError(
      `${flag}: "${value}" is not a duration. Use a whole number and a unit: 90s, 5m, 12h, 30d, 2w.`,
    );
  }
  if (ms < minMs || ms > maxMs) {
    throw new UsageError(
      `${flag}: ${value} is out of range; it must be between ${describe(minMs)} and ${describe(maxMs)}.`,
    );
  }
  return ms;
}

function describe(ms: number): string {
  for (const unit of ['w', 'd', 'h', 'm', 's'] as const) {
    const size = UNIT_MS[unit]!;
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
