import { UsageError } from '../errors/usage-error.js';

/**
 * Reads a whole-number flag value within bounds.
 * @throws UsageError naming the flag, the value and the accepted range.
 */
export function parseIntegerFlag(flag: string, value: string, min: number, max: number): number {
  const text = value.trim();
  if (!/^[+-]?\d+$/.test(text)) {
    throw new UsageError(`${flag}: "${value}" is not a whole number (expected ${min} to ${max}).`);
  }
  const number = Number(text);
  if (number < min || number > max) {
    throw new UsageError(`${flag}: ${number} is out of range (expected ${min} to ${max}).`);
  }
  return number;
}

/** Commander collector for repeatable, comma-separated flags: `--status a,b --status c` → [a, b, c]. */
export function collectList(value: string, previous: readonly string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',').map((part) => part.trim())];
}
