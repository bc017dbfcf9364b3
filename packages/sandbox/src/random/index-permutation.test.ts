import { describe, expect, it } from 'vitest';
import { fromBase36, IndexPermutation, toBase36, toHex } from './index-permutation.js';

describe('IndexPermutation', () => {
  it('is a bijection on a small domain', () => {
    const permutation = new IndexPermutation(42, 1000);
    const images = new Set<number>();
    for (let value = 0; value < 1000; value++) {
      const image = permutation.forward(value);
      expect(image).toBeGreaterThanOrEqual(0);
      expect(image).toBeLessThan(1000);
      expect(permutation.inverse(image)).toBe(value);
      images.add(image);
    }
    expect(images.size).toBe(1000);
  });

  it('round-trips on the 36^10 order-id domain and depends on the key', () => {
    const first = new IndexPermutation(1, 36 ** 10);
    const second = new IndexPermutation(2, 36 ** 10);
    for (const value of [0, 1, 2, 999_999, 12_345_678]) {
      expect(first.inverse(first.forward(value))).toBe(value);
      expect(first.forward(value)).toBeLessThan(36 ** 10);
    }
    expect(first.forward(7)).not.toBe(second.forward(7));
  });

  it('rejects a domain it cannot represent exactly', () => {
    expect(() => new IndexPermutation(1, 2 ** 53)).toThrow(RangeError);
    expect(() => new IndexPermutation(1, 0)).toThrow(RangeError);
  });
});

describe('fixed-width encodings', () => {
  it('keep string order equal to numeric order', () => {
    const values = [0, 5, 35, 36, 1295, 1296, 36 ** 10 - 1];
    const encoded = values.map((value) => toBase36(value, 10));
    expect([...encoded].sort()).toEqual(encoded);
    expect(encoded.map((text) => fromBase36(text))).toEqual(values);
    expect(fromBase36('ABC')).toBeUndefined();
    expect(toHex(255, 4)).toBe('00ff');
  });
});
