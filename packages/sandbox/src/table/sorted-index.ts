/** Orders two slots: negative when `a` comes first, positive when `b` does, 0 only for a === b. */
export type SlotComparator = (a: number, b: number) => number;

/**
 * Slots kept in ascending order under a total-order comparator. Built once (lazily, on the first
 * request sorted by that field), then maintained incrementally on insert/update/delete, so a
 * mutation costs one binary search and one memmove instead of a re-sort of a million rows.
 */
export class SortedIndex {
  private order: Int32Array;
  private size = 0;

  /** Sorts `slots` (copied) with `compare`. */
  constructor(
    private compare: SlotComparator,
    slots: Int32Array,
  ) {
    this.order = new Int32Array(Math.max(16, slots.length + 16));
    this.order.set(slots);
    this.size = slots.length;
    if (!this.isSorted()) this.order.subarray(0, this.size).sort(compare);
  }

  /** Number of slots in the index. */
  get length(): number {
    return this.size;
  }

  /**
   * The slots in ascending order. The view aliases the index: read it before the next mutation.
   */
  view(): Int32Array {
    return this.order.subarray(0, this.size);
  }

  /**
   * Swaps in an equivalent comparator (same order, e.g. reading re-allocated columns) without
   * re-sorting.
   */
  rebind(compare: SlotComparator): void {
    this.compare = compare;
  }

  /** Adds a slot at its sorted position. */
  insert(slot: number): void {
    if (this.size === this.order.length) {
      const grown = new Int32Array(this.order.length * 2);
      grown.set(this.order);
      this.order = grown;
    }
    let low = 0;
    let high = this.size;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.compare(this.order[middle] as number, slot) < 0) low = middle + 1;
      else high = middle;
    }
    this.order.copyWithin(low + 1, low, this.size);
    this.order[low] = slot;
    this.size++;
  }

  /**
   * Removes a slot. Must be called while the slot's sort columns still hold the values it was
   * inserted with (the binary search relies on them).
   */
  remove(slot: number): void {
    let low = 0;
    let high = this.size;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.compare(this.order[middle] as number, slot) < 0) low = middle + 1;
      else high = middle;
    }
    if (this.order[low] !== slot) {
      // The columns changed under the index: fall back to a linear search rather than corrupt it.
      low = this.order.subarray(0, this.size).indexOf(slot);
      if (low < 0) return;
    }
    this.order.copyWithin(low, low + 1, this.size);
    this.size--;
  }

  private isSorted(): boolean {
    for (let index = 1; index < this.size; index++) {
      if (this.compare(this.order[index - 1] as number, this.order[index] as number) > 0) {
        return false;
      }
    }
    return true;
  }
}
