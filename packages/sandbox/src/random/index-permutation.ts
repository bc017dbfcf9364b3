import { hash32, mix32 } from './seeded-random.js';

/**
 * A keyed bijection on the integers [0, domain): a four-round Feistel network on two halves of at
 * most 26 bits, with cycle walking to stay inside the domain. Generated ids are `encode(slot)`, so
 * an id can be decoded back to its slot without a 1M-entry lookup table, and distinct slots can
 * never collide.
 */
export class IndexPermutation {
  private readonly halfBits: number;
  private readonly halfSize: number;
  private readonly mask: number;
  private readonly roundKeys: Uint32Array;

  /**
   * @param key seeds the round functions (different keys give unrelated permutations)
   * @param domain size of the permuted range; at most 2^52 so every value is an exact double
   * @throws RangeError when the domain is not a positive integer of at most 2^52
   */
  constructor(
    key: number,
    readonly domain: number,
  ) {
    if (!Number.isInteger(domain) || domain < 1 || domain > 2 ** 52) {
      throw new RangeError(
        `IndexPermutation domain must be an integer in [1, 2^52], got ${domain}`,
      );
    }
    this.halfBits = Math.max(1, Math.ceil(Math.log2(domain) / 2));
    this.halfSize = 2 ** this.halfBits;
    this.mask = this.halfSize - 1;
    this.roundKeys = Uint32Array.from([0, 1, 2, 3], (round) => hash32(key, round));
  }

  /** Maps a value in [0, domain) to its image, also in [0, domain). */
  forward(value: number): number {
    let current = value;
    do {
      current = this.encryptOnce(current);
    } while (current >= this.domain);
    return current;
  }

  /** Undoes {@link forward}. */
  inverse(value: number): number {
    let current = value;
    do {
      current = this.decryptOnce(current);
    } while (current >= this.domain);
    return current;
  }

  private round(round: number, half: number): number {
    return mix32(Math.imul(half, 0x9e3779b1) ^ (this.roundKeys[round] as number)) & this.mask;
  }

  private encryptOnce(value: number): number {
    let left = Math.floor(value / this.halfSize);
    let right = value % this.halfSize;
    for (let round = 0; round < 4; round++) {
      const next = (left ^ this.round(round, right)) >>> 0;
      left = right;
      right = next;
    }
    return left * this.halfSize + right;
  }

  private decryptOnce(value: number): number {
    let left = Math.floor(value / this.halfSize);
    let right = value % this.halfSize;
    for (let round = 3; round >= 0; round--) {
      const previous = (right ^ this.round(round, left)) >>> 0;
      right = left;
      left = previous;
    }
    return left * this.halfSize + right;
  }
}

const BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz';

/**
 * Fixed-width lower-case base-36 rendering. The alphabet is in ASCII order, so for equal widths the
 * string order equals the numeric order: sort indexes may compare the numbers instead of strings.
 */
export function toBase36(value: number, width: number): string {
  let remaining = value;
  let result = '';
  for (let position = 0; position < width; position++) {
    const digit = remaining % 36;
    result = BASE36[digit] + result;
    remaining = Math.floor(remaining / 36);
  }
  return result;
}

/** Parses a string produced by {@link toBase36}; undefined when a character is outside 0-9a-z. */
export function fromBase36(text: string): number | undefined {
  let value = 0;
  for (let index = 0; index < text.length; index++) {
    const digit = BASE36.indexOf(text[index] as string);
    if (digit < 0) return undefined;
    value = value * 36 + digit;
  }
  return value;
}

const HEX_PAIRS = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/**
 * Fixed-width lower-case hexadecimal rendering (order-preserving like {@link toBase36}) of a
 * non-negative integer below 2^52. Built from a byte table: `Number#toString(16)` on values above
 * 2^31 was the hot spot of id generation.
 */
export function toHex(value: number, width: number): string {
  let remaining = Math.floor(value);
  let result = '';
  while (remaining > 0 || result.length < width) {
    const byte = remaining % 256;
    result = (HEX_PAIRS[byte] as string) + result;
    remaining = Math.floor(remaining / 256);
  }
  return result.length > width ? result.slice(result.length - width) : result;
}
