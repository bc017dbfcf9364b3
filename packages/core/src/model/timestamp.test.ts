import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareTimestamps,
  normalizeAnyTimestamp,
  normalizePlainUtcTimestamp,
  normalizeTimestamp,
  TimestampError,
  timestampSchema,
} from './timestamp.js';

/** What a reading gives: its result, or the class and message of what it threw. */
function outcomeOf(read: (input: string) => string | undefined, input: string): unknown {
  try {
    return { value: read(input) };
  } catch (error) {
    return { error: error instanceof TimestampError ? `TimestampError: ${error.message}` : error };
  }
}

const padded = (width: number, max: number) =>
  fc.integer({ min: 0, max }).map((value) => String(value).padStart(width, '0'));

/** Date-times near the plain UTC shape: valid ones, impossible fields, odd separators and zones. */
const nearlyPlainTimestamp = fc
  .record({
    year: fc.oneof(
      padded(4, 9999),
      fc.constantFrom('0099', '0100', '1900', '2000', '2024', '2100'),
    ),
    month: padded(2, 13),
    day: fc.oneof(padded(2, 32), fc.constantFrom('28', '29', '30', '31')),
    hour: padded(2, 25),
    minute: padded(2, 61),
    second: padded(2, 61),
    fraction: fc.oneof(
      fc.constant(''),
      fc.string({ unit: fc.constantFrom('0', '0', '1', '5', '9'), minLength: 1, maxLength: 11 }),
    ),
    dot: fc.constantFrom('.', '.', '.', ',', ':'),
    t: fc.constantFrom('T', 'T', 'T', ' ', 't'),
    zone: fc.constantFrom('Z', 'Z', 'Z', 'z', '', '+00:00', '-01:30', ' Z', 'Z '),
  })
  .map(
    ({ year, month, day, hour, minute, second, fraction, dot, t, zone }) =>
      `${year}-${month}-${day}${t}${hour}:${minute}:${second}${fraction === '' ? '' : `${dot}${fraction}`}${zone}`,
  );

/** Arbitrary text over the characters of a timestamp. */
const timestampLikeText = fc.string({
  unit: fc.constantFrom(...'0123456789-T:.Z +z,'),
  minLength: 18,
  maxLength: 32,
});

describe('normalizeTimestamp', () => {
  it.each([
    ['2024-03-06T10:09:18.437947Z', '2024-03-06T10:09:18.437947Z'],
    ['2025-03-01T09:12:00Z', '2025-03-01T09:12:00.000Z'],
    ['2025-03-01T09:12:00', '2025-03-01T09:12:00.000Z'],
    ['2025-03-01', '2025-03-01T00:00:00.000Z'],
    ['2025-03-01T09:12:00.5+02:00', '2025-03-01T07:12:00.500Z'],
    ['2025-03-01T00:30:00-0130', '2025-03-01T02:00:00.000Z'],
    ['2024-03-06T10:09:18.4379470Z', '2024-03-06T10:09:18.437947Z'],
    ['2024-03-06T10:09:18.437000123Z', '2024-03-06T10:09:18.437000123Z'],
    ['2024-03-06 10:09:18Z', '2024-03-06T10:09:18.000Z'],
    ['2024-12-31T23:30:00.000001-01:00', '2025-01-01T00:30:00.000001Z'],
  ])('%s → %s', (input, expected) => {
    const normalized = normalizeTimestamp(input);
    expect(normalized).toBe(expected);
    expect(timestampSchema.safeParse(normalized).success).toBe(true);
  });

  it.each([
    '',
    'yesterday',
    '2025-13-01',
    '2025-02-30T00:00:00Z',
    '2025-01-01T24:00:00Z',
    '2025-01-01T10:00:00+25:00',
  ])('refuses %j', (input) => {
    expect(() => normalizeTimestamp(input)).toThrow(TimestampError);
  });

  it('agrees with Date for millisecond timestamps (property)', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1970-01-01'), max: new Date('2200-01-01'), noInvalidDate: true }),
        (date) => {
          expect(normalizeTimestamp(date.toISOString())).toBe(date.toISOString());
        },
      ),
    );
  });
});

describe('normalizeTimestamp fast path', () => {
  it('returns canonical input as it is, and trims sub-millisecond zeros like the general path', () => {
    const canonical = '2024-03-06T10:09:18.437947Z';
    expect(normalizePlainUtcTimestamp(canonical)).toBe(canonical);
    expect(normalizePlainUtcTimestamp('2024-03-06T10:09:18.437000Z')).toBe(
      '2024-03-06T10:09:18.437Z',
    );
    expect(normalizePlainUtcTimestamp('2024-02-29T10:09:18.4Z')).toBe('2024-02-29T10:09:18.400Z');
    expect(normalizePlainUtcTimestamp('2024-03-06T10:09:18Z')).toBe('2024-03-06T10:09:18.000Z');
  });

  it('leaves everything else to the general path', () => {
    for (const input of [
      '2023-02-29T00:00:00Z', // not a leap year
      '0099-01-01T00:00:00Z', // Date.UTC reads years below 100 as 19xx
      '2024-03-06T10:09:18.437+01:00',
      '2024-03-06 10:09:18Z',
      ' 2024-03-06T10:09:18Z',
      '2024-03-06T10:09:18.1234567890Z',
    ]) {
      expect(normalizePlainUtcTimestamp(input)).toBeUndefined();
    }
  });

  it('agrees with the general path on near-canonical and arbitrary input (property)', () => {
    fc.assert(
      fc.property(fc.oneof(nearlyPlainTimestamp, timestampLikeText), (input) => {
        const general = outcomeOf(normalizeAnyTimestamp, input);
        expect(outcomeOf(normalizeTimestamp, input)).toEqual(general);
        const fast = normalizePlainUtcTimestamp(input);
        if (fast !== undefined) expect({ value: fast }).toEqual(general);
      }),
      { numRuns: 20_000 },
    );
  });

  it('takes the fast path for every valid plain UTC timestamp (property)', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('0100-01-01'), max: new Date('9999-12-31'), noInvalidDate: true }),
        fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: 9 }),
        (date, fraction) => {
          const input = `${date.toISOString().slice(0, 19)}${fraction ? `.${fraction}` : ''}Z`;
          const fast = normalizePlainUtcTimestamp(input);
          expect(fast).toBeDefined();
          expect(fast).toBe(normalizeAnyTimestamp(input));
        },
      ),
    );
  });
});

describe('compareTimestamps', () => {
  it('orders mixed precisions chronologically', () => {
    expect(compareTimestamps('2024-03-06T10:09:18.400Z', '2024-03-06T10:09:18.437947Z')).toBe(-1);
    expect(compareTimestamps('2024-03-06T10:09:18.437947Z', '2024-03-06T10:09:18.437Z')).toBe(1);
    expect(compareTimestamps('2024-03-06T10:09:18.437Z', '2024-03-06T10:09:18.437000Z')).toBe(0);
    expect(compareTimestamps(null, '2024-03-06T10:09:18.437Z')).toBe(-1);
    expect(compareTimestamps('2024-03-06T10:09:18.437Z', null)).toBe(1);
  });

  it('compares fractions of any length as zero-padded digits (property)', () => {
    const timestamp = fc
      .tuple(
        fc.constantFrom('2024-03-06T10:09:18', '2024-03-06T10:09:19', '2023-12-31T23:59:59'),
        fc.string({ unit: fc.constantFrom('0', '0', '1', '9'), maxLength: 12 }),
      )
      .map(([prefix, fraction]) => `${prefix}.${fraction}Z`);
    // The documented ordering, spelled out: date-time text, then the fraction padded to 9 digits.
    const key = (text: string) => `${text.slice(0, 19)}.${text.slice(20, -1).padEnd(9, '0')}`;
    fc.assert(
      fc.property(timestamp, timestamp, (left, right) => {
        const expected = key(left) < key(right) ? -1 : key(left) > key(right) ? 1 : 0;
        expect(compareTimestamps(left, right)).toBe(expected);
      }),
      { numRuns: 5_000 },
    );
  });

  it('orders like the instant each timestamp names, at every precision (property)', () => {
    const timestamp = fc
      .tuple(
        fc.date({ min: new Date('2020-01-01'), max: new Date('2020-01-02'), noInvalidDate: true }),
        fc.constantFrom(3, 6, 9),
        fc.integer({ min: 0, max: 999_999 }),
      )
      .map(([date, digits, extra]) => {
        const fraction = `${date.toISOString().slice(20, 23)}${String(extra).padStart(6, '0')}`;
        return `${date.toISOString().slice(0, 19)}.${fraction.slice(0, digits)}Z`;
      });
    const nanoseconds = (text: string) =>
      BigInt(Date.parse(`${text.slice(0, 19)}Z`)) * 1_000_000n +
      BigInt(text.slice(20, -1).padEnd(9, '0'));
    fc.assert(
      fc.property(timestamp, timestamp, (left, right) => {
        const expected =
          nanoseconds(left) < nanoseconds(right)
            ? -1
            : nanoseconds(left) > nanoseconds(right)
              ? 1
              : 0;
        expect(compareTimestamps(left, right)).toBe(expected);
      }),
    );
  });
});
