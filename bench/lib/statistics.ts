/** Summary of repeated measurements. */
export interface Summary {
  /** Median (the mean of the two middle values for an even count). */
  median: number;
  /** Smallest value. */
  min: number;
  /** Largest value. */
  max: number;
  /** Number of values. */
  runs: number;
}

/**
 * The q-quantile (0..1) of the values, by linear interpolation between closest ranks (the
 * "type 7" definition used by R and NumPy's default).
 * @throws RangeError for no values or q outside [0, 1].
 */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new RangeError('quantile of no values');
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile ${q} is outside [0, 1]`);
  const sorted = [...values].sort((left, right) => left - right);
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const low = sorted[lower]!;
  const high = sorted[upper]!;
  return low + (high - low) * (position - lower);
}

/**
 * The median of the values.
 * @throws RangeError for no values.
 */
export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/**
 * Median, min, max and count.
 * @throws RangeError for no values.
 */
export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new RangeError('summary of no values');
  return {
    median: median(values),
    min: Math.min(...values),
    max: Math.max(...values),
    runs: values.length,
  };
}

/** Rounds to `digits` decimals (for readable JSON). */
export function round(value: number, digits = 3): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/**
 * Sequential round trips of a page-number walk over `pages` pages at concurrency `c`: the first
 * page comes alone (it tells the page count), then ⌈(pages − 1) / c⌉ rounds of up to c pages.
 * An authentication request before it (a token) is the caller's to add.
 * @throws RangeError for a negative page count or a concurrency below 1.
 */
export function pageNumberRounds(pages: number, concurrency: number): number {
  if (!Number.isInteger(pages) || pages < 0) throw new RangeError(`pages ${pages} is invalid`);
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`concurrency ${concurrency} is invalid`);
  }
  if (pages === 0) return 1;
  return 1 + Math.ceil((pages - 1) / concurrency);
}
