import { describe, expect, it } from 'vitest';
import { median, pageNumberRounds, quantile, round, summarize } from './statistics.ts';

describe('quantile', () => {
  it('interpolates between closest ranks', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([10, 20, 30, 40, 50], 0.25)).toBe(20);
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.99)).toBeCloseTo(9.91, 10);
  });

  it('does not depend on the input order and leaves the input alone', () => {
    const values = [5, 1, 4, 2, 3];
    expect(quantile(values, 0.5)).toBe(3);
    expect(values).toEqual([5, 1, 4, 2, 3]);
  });

  it('returns the extremes at 0 and 1', () => {
    expect(quantile([3, 9, 1], 0)).toBe(1);
    expect(quantile([3, 9, 1], 1)).toBe(9);
  });

  it('refuses no values and quantiles outside [0, 1]', () => {
    expect(() => quantile([], 0.5)).toThrow(RangeError);
    expect(() => quantile([1], 1.5)).toThrow(/outside/);
    expect(() => quantile([1], Number.NaN)).toThrow(RangeError);
  });
});

describe('median and summarize', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([7, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('summarizes min, max, median and count', () => {
    expect(summarize([3, 1, 2, 10])).toEqual({ median: 2.5, min: 1, max: 10, runs: 4 });
    expect(() => summarize([])).toThrow(RangeError);
  });
});

describe('round', () => {
  it('rounds to the given decimals', () => {
    expect(round(1.23456)).toBe(1.235);
    expect(round(1.25, 1)).toBe(1.3);
    expect(round(1234.5, 0)).toBe(1235);
  });
});

describe('pageNumberRounds', () => {
  it('counts the first page alone, then rounds of `concurrency` pages', () => {
    expect(pageNumberRounds(1000, 8)).toBe(1 + 125);
    expect(pageNumberRounds(1001, 8)).toBe(1 + 125);
    expect(pageNumberRounds(1002, 8)).toBe(1 + 126);
    expect(pageNumberRounds(1, 8)).toBe(1);
    expect(pageNumberRounds(0, 8)).toBe(1);
  });

  it('is the page count at concurrency 1', () => {
    expect(pageNumberRounds(40, 1)).toBe(40);
  });

  it('refuses a negative page count or a concurrency below 1', () => {
    expect(() => pageNumberRounds(-1, 4)).toThrow(RangeError);
    expect(() => pageNumberRounds(10, 0)).toThrow(RangeError);
    expect(() => pageNumberRounds(10, 1.5)).toThrow(RangeError);
  });
});
