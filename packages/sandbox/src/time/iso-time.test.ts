import { describe, expect, it } from 'vitest';
import { formatIsoMicros, nowMicros, parseIsoMicros, parseIsoMillis } from './iso-time.js';

describe('ISO time', () => {
  it('round-trips microsecond timestamps', () => {
    const micros = parseIsoMicros('2024-03-06T10:09:18.437947Z') as number;
    expect(formatIsoMicros(micros)).toBe('2024-03-06T10:09:18.437947Z');
    expect(formatIsoMicros(Date.UTC(2025, 0, 1) * 1000 + 7)).toBe('2025-01-01T00:00:00.000007Z');
  });

  it('reads a time without a zone as UTC and honours offsets', () => {
    expect(parseIsoMicros('2024-03-01T00:00:00')).toBe(parseIsoMicros('2024-03-01T00:00:00Z'));
    expect(parseIsoMicros('2024-03-01')).toBe(Date.UTC(2024, 2, 1) * 1000);
    expect(parseIsoMicros('2024-03-01T02:00:00+02:00')).toBe(
      parseIsoMicros('2024-03-01T00:00:00Z'),
    );
    expect(parseIsoMillis('2024-03-01T00:00:00.9999Z')).toBe(Date.UTC(2024, 2, 1) + 999);
  });

  it('rejects impossible or malformed dates', () => {
    for (const text of ['2024-02-30', '2024-13-01', 'yesterday', '2024-03-01T25:00:00Z', '']) {
      expect(parseIsoMicros(text), text).toBeUndefined();
    }
  });

  it('gives strictly increasing now values', () => {
    const first = nowMicros();
    expect(nowMicros()).toBeGreaterThan(first);
  });
});
