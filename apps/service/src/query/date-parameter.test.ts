import { describe, expect, it } from 'vitest';
import { resolveDateParameter } from './date-parameter.js';

const now = () => Date.parse('2025-06-15T12:00:00.000Z');

describe('resolveDateParameter', () => {
  it('turns <n><unit> into that long before now, like the CLI', () => {
    expect(resolveDateParameter('7d', 'from', now)).toBe('2025-06-08T12:00:00.000Z');
    expect(resolveDateParameter('12h', 'to', now)).toBe('2025-06-15T00:00:00.000Z');
    expect(resolveDateParameter('30m', 'from', now)).toBe('2025-06-15T11:30:00.000Z');
    expect(resolveDateParameter('2W', 'from', now)).toBe('2025-06-01T12:00:00.000Z');
    expect(resolveDateParameter(' 1 d ', 'from', now)).toBe('2025-06-14T12:00:00.000Z');
  });

  it('reads a bare date as the start of the day for from and its end for to', () => {
    expect(resolveDateParameter('2025-03-01', 'from', now)).toBe('2025-03-01T00:00:00.000Z');
    expect(resolveDateParameter('2025-03-31', 'to', now)).toBe('2025-03-31T23:59:59.999Z');
  });

  it('leaves anything else for core to validate, including times out of range', () => {
    for (const text of ['2025-01-01T10:00:00Z', '7', 'd', '7y', '90s', '-7d']) {
      expect(resolveDateParameter(text, 'from', now)).toBe(text);
    }
  });
});
