import { describe, expect, it } from 'vitest';
import { SortedIndex, sortByNumericKeys } from './sorted-index.js';

describe('SortedIndex', () => {
  it('sorts, inserts and removes under a total order', () => {
    const keys = [50, 10, 40, 10, 30];
    const compare = (a: number, b: number) => (keys[a] as number) - (keys[b] as number) || a - b;
    const index = new SortedIndex(compare, Int32Array.from([0, 1, 2, 3, 4]));
    expect([...index.view()]).toEqual([1, 3, 4, 2, 0]);
    keys.push(35);
    index.insert(5);
    expect([...index.view()]).toEqual([1, 3, 4, 5, 2, 0]);
    index.remove(4);
    index.remove(1);
    expect([...index.view()]).toEqual([3, 5, 2, 0]);
    expect(index.length).toBe(4);
  });

  it('grows past its initial capacity', () => {
    const compare = (a: number, b: number) => a - b;
    const index = new SortedIndex(compare, new Int32Array(0));
    for (let slot = 99; slot >= 0; slot--) index.insert(slot);
    expect([...index.view()]).toEqual(Array.from({ length: 100 }, (_, slot) => slot));
  });
});

describe('SortedIndex bulk maintenance', () => {
  it('removes and re-inserts many moved slots in one pass, ending as a full re-sort would', () => {
    const size = 3000;
    const keys = Array.from({ length: size + 200 }, (_, slot) => (slot * 7919) % 997);
    const compare = (a: number, b: number) => (keys[a] as number) - (keys[b] as number) || a - b;
    const index = new SortedIndex(
      compare,
      Int32Array.from({ length: size }, (_, slot) => slot),
    );
    const moved = Int32Array.from({ length: 150 }, (_, step) => (step * 37) % size);
    index.removeMany(moved);
    expect(index.length).toBe(size - 150);
    // New keys after removal (removeMany reads no key), then the moved slots and 200 new ones go in.
    for (const slot of moved) keys[slot] = (slot * 31) % 1200;
    const added = Int32Array.from({ length: 200 }, (_, step) => size + step);
    index.insertMany(moved);
    index.insertMany(added);
    const expected = Array.from({ length: size + 200 }, (_, slot) => slot).sort(compare);
    expect([...index.view()]).toEqual(expected);
  });

  it('ignores slots it does not hold and accepts empty batches', () => {
    const compare = (a: number, b: number) => a - b;
    const index = new SortedIndex(compare, Int32Array.from([4, 1, 3]));
    index.removeMany([9, 1]);
    index.insertMany([]);
    index.removeMany([]);
    expect([...index.view()]).toEqual([3, 4]);
  });
});

describe('sortByNumericKeys', () => {
  it('orders like the comparator it replaces, and declines NaN keys', () => {
    const size = 5000;
    const primary = new Float64Array(size);
    const tieBreak = new Float64Array(size);
    for (let slot = 0; slot < size; slot++) {
      primary[slot] = (slot * 7919) % 13; // many ties
      tieBreak[slot] = (slot * 104729) % 100003; // distinct
    }
    const slots = Int32Array.from({ length: size }, (_, slot) => size - 1 - slot);
    const expected = [...slots].sort(
      (a, b) =>
        (primary[a] as number) - (primary[b] as number) ||
        (tieBreak[a] as number) - (tieBreak[b] as number),
    );
    expect(sortByNumericKeys(slots, primary, tieBreak)).toBe(true);
    expect([...slots]).toEqual(expected);
    primary[3] = Number.NaN;
    const untouched = Int32Array.from([3, 2, 1]);
    expect(sortByNumericKeys(untouched, primary, tieBreak)).toBe(false);
    expect([...untouched]).toEqual([3, 2, 1]);
  });
});
