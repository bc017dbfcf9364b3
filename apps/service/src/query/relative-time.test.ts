import { describe, expect, it } from 'vitest';
import { resolveRelativeTime } from './relative-time.js';

const now = () => Date.parse('2025-06-15T12:00:00.000Z');

describe('resolveRelativeTime', () => {
  it('turns <n><unit> into that long before now', () => {
    expect(resolveRelativeTime('7d', now)).toBe('2025-06-08T12:00:00.000Z');
    expect(resolveRelativeTime('12h', now)).toBe('2025-06-15T00:00:00.000Z');
    expect(resolveRelativeTime('30m', now)).toBe('2025-06-15T11:30:00.000Z');
    expect(resolveRelativeTime('90s', now)).toBe('2025-06-15T11:58:30.000Z');
    expect(resolveRelativeTime('2w', now)).toBe('2025-06-01T12:00:00.000Z');
  });

  it('leaves anything else for core to validate', () => {
    for (const text of ['2025-01-01', '7', 'd', '7y', '-7d', '999999d']) {
      expect(resolveRelativeTime(text, now)).toBe(text);
    }
  });

  it('never produces an invalid date for the largest accepted amount', () => {
    expect(resolveRelativeTime('99999w', now)).toMatch(/^-?\d+-\d\d-\d\dT/);
  });
});
