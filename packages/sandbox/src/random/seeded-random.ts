/**
 * Deterministic, allocation-free randomness keyed by (seed, index, stream). Every generated order is
 * derived from such a key alone, so order i can be rebuilt on demand without storing it.
 */

/** Scrambles a 32-bit integer (an xorshift-multiply finalizer); equal inputs give equal outputs. */
export function mix32(value: number): number {
  let x = value | 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x21f0aaad);
  x ^= x >>> 15;
  x = Math.imul(x, 0x735a2d97);
  x ^= x >>> 15;
  return x >>> 0;
}

/** Hashes up to four integers into one unsigned 32-bit value. */
export function hash32(a: number, b = 0, c = 0, d = 0): number {
  let h = mix32(a ^ 0x5bd1e995);
  h = mix32(h + Math.imul(b | 0, 0x9e3779b1));
  h = mix32(h ^ Math.imul(c | 0, 0x85ebca77));
  h = mix32(h + Math.imul(d | 0, 0xc2b2ae3d));
  return h;
}

/** Hashes a string (FNV-1a over UTF-16 code units, then {@link mix32}). */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    h ^= text.charCodeAt(index);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}

/**
 * A small counter-based generator: a Weyl sequence scrambled by {@link mix32}. `reset` rekeys it
 * in place so hot loops (1M orders at start-up) allocate nothing.
 */
export class SeededRandom {
  private state = 0;

  /** Creates a generator positioned at the start of the stream for the given key. */
  constructor(a = 0, b = 0, c = 0, d = 0) {
    this.reset(a, b, c, d);
  }

  /** Repositions the generator at the start of the stream keyed by (a, b, c, d). */
  reset(a: number, b = 0, c = 0, d = 0): this {
    this.state = hash32(a, b, c, d);
    return this;
  }

  /** Next unsigned 32-bit integer. */
  nextUint32(): number {
    this.state = (this.state + 0x9e3779b9) | 0;
    return mix32(this.state ^ (this.state >>> 13));
  }

  /** Uniform float in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [min, max] (both inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with the given probability. */
  chance(probability: number): boolean {
    return this.next() < probability;
  }

  /** One element of a non-empty list, uniformly. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /**
   * An index into `cumulativeWeights` (ascending running sums, last = total), chosen with
   * probability proportional to each step.
   */
  weighted(cumulativeWeights: readonly number[]): number {
    const total = cumulativeWeights[cumulativeWeights.length - 1] ?? 0;
    const target = this.next() * total;
    for (let index = 0; index < cumulativeWeights.length; index++) {
      if (target < (cumulativeWeights[index] as number)) return index;
    }
    return cumulativeWeights.length - 1;
  }

  /** A string of `length` characters drawn uniformly from `alphabet`. */
  chars(alphabet: string, length: number): string {
    let result = '';
    for (let index = 0; index < length; index++) {
      result += alphabet[Math.floor(this.next() * alphabet.length)];
    }
    return result;
  }
}

/** Turns a list of weights into the running sums {@link SeededRandom.weighted} expects. */
export function cumulative(weights: readonly number[]): number[] {
  let sum = 0;
  return weights.map((weight) => {
    sum += weight;
    return sum;
  });
}
