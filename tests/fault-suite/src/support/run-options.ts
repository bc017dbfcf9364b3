import type fc from 'fast-check';

/** Runs with a fixed seed when FAULT_SUITE_SEED is set (to replay a reported counterexample). */
export function runOptions<T extends unknown[]>(
  numRuns: number,
  examples: T[] = [],
): fc.Parameters<T> {
  const seed = process.env.FAULT_SUITE_SEED;
  return seed === undefined ? { numRuns, examples } : { numRuns, examples, seed: Number(seed) };
}
