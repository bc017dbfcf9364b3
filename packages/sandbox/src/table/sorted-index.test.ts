import { describe, expect, it } from 'vitest';
import { SortedIndex } from './sorted-index.js';

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
