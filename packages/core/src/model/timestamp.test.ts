import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareTimestamps,
  normalizeTimestamp,
  TimestampError,
  timestampSchema,
} from './timestamp.js';

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

describe('compareTimestamps', () => {
  it('orders mixed precisions chronologically', () => {
    expect(compareTimestamps('2024-03-06T10:09:18.400Z', '2024-03-06T10:09:18.437947Z')).toBe(-1);
    expect(compareTimestamps('2024-03-06T10:09:18.437947Z', '2024-03-06T10:09:18.437Z')).toBe(1);
    expect(compareTimestamps('2024-03-06T10:09:18.437Z', '2024-03-06T10:09:18.437000Z')).toBe(0);
    expect(compareTimestamps(null, '2024-03-06T10:09:18.437Z')).toBe(-1);
    expect(compareTimestamps('2024-03-06T10:09:18.437Z', null)).toBe(1);
  });
});
