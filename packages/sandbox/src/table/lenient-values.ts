import { parseIsoMicros } from '../time/iso-time.js';

/*
 * Readers for stored wire objects, which may carry drift on purpose: each returns a usable value or
 * NaN / undefined, never throws.
 */

/** The value as a plain object, or undefined. */
export function recordOf(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** A sortable number: numbers as they are, numeric strings parsed ("45.65"), NaN otherwise. */
export function numberOf(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '') return Number(value);
  return Number.NaN;
}

/** An ISO timestamp as epoch microseconds, NaN when absent or invalid. */
export function isoMicrosOf(value: unknown): number {
  return typeof value === 'string' ? (parseIsoMicros(value) ?? Number.NaN) : Number.NaN;
}

/** An ISO timestamp as epoch milliseconds, NaN when absent or invalid. */
export function isoMillisOf(value: unknown): number {
  return Math.floor(isoMicrosOf(value) / 1000);
}
