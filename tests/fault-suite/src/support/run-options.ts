import type fc from 'fast-check';

/** Runs with a fixed seed when FAULT_SUITE_SEED is set (to replay a reported counterexample). */
export function runOptions<T extends unknown[]>(
  numRuns: number,
  examples: T[] = [],
): fc.Parameters<T> {
  const seed = process.env.FAULT_SUITE_SEED;
  return seed === undefined ? { numRuns, examples } : { numRuns, examples, seed: Number(seed) };
}

/** A small seeded generator (mulberry32), so a failing run can be replayed with its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}
