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

  /**
   * Sorts `slots` (copied) with `compare`. When `keys` is given and every slot has a number in both
   * columns, the sort reads them inline (the same order as `compare`, about ten times faster than
   * calling a comparator twenty million times for a million rows).
   */
  constructor(
    private compare: SlotComparator,
    slots: Int32Array,
    keys?: { readonly primary: Float64Array; readonly tieBreak: Float64Array },
  ) {
    this.order = new Int32Array(Math.max(16, slots.length + 16));
    this.order.set(slots);
    this.size = slots.length;
    if (this.isSorted()) return;
    const view = this.order.subarray(0, this.size);
    if (keys) sortSlots(view, compare, keys.primary, keys.tieBreak);
    else view.sort(compare);
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

  /**
   * Adds many slots in one pass: the new slots are sorted (k log k), each finds its place by binary
   * search, and the existing slots move in at most k block copies, so the cost is O(n + k log n)
   * instead of k separate O(n) memmoves.
   */
  insertMany(slots: ArrayLike<number>): void {
    if (slots.length === 0) return;
    const added = Int32Array.from(slots).sort(this.compare);
    const needed = this.size + added.length;
    if (needed > this.order.length) {
      const grown = new Int32Array(Math.max(needed, this.order.length * 2));
      grown.set(this.order.subarray(0, this.size));
      this.order = grown;
    }
    // Fill from the end: the largest new slot first, so every existing slot moves once at most.
    let remaining = this.size;
    for (let index = added.length - 1; index >= 0; index--) {
      const slot = added[index] as number;
      let low = 0;
      let high = remaining;
      while (low < high) {
        const middle = (low + high) >>> 1;
        if (this.compare(this.order[middle] as number, slot) < 0) low = middle + 1;
        else high = middle;
      }
      // Slots [low, remaining) are larger than every new slot still to place: shift them up by
      // the number of new slots that come before them (index + 1).
      this.order.copyWithin(low + index + 1, low, remaining);
      this.order[low + index] = slot;
      remaining = low;
    }
    this.size = needed;
  }

  /**
   * Removes many slots in one linear pass. It reads no sort key, so it is safe after the slots'
   * columns changed. Slots not in the index are ignored.
   */
  removeMany(slots: ArrayLike<number>): void {
    if (slots.length === 0) return;
    let largest = 0;
    for (let index = 0; index < slots.length; index++) {
      largest = Math.max(largest, slots[index] as number);
    }
    // A byte per slot number: a million lookups in a typed array cost far less than in a Set.
    const removed = new Uint8Array(largest + 1);
    for (let index = 0; index < slots.length; index++) removed[slots[index] as number] = 1;
    let written = 0;
    for (let position = 0; position < this.size; position++) {
      const slot = this.order[position] as number;
      if (slot > largest || removed[slot] === 0) this.order[written++] = slot;
    }
    this.size = written;
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

/**
 * Sorts slots in the order of `compare`, fast: slots with numbers in both key columns go through
 * {@link sortByNumericKeys}; the few others (a missing value, an id of a foreign form such as the
 * FlexFactor seed rows') are sorted with `compare` and merged in by binary search.
 */
export function sortSlots(
  slots: Int32Array,
  compare: SlotComparator,
  primary: Float64Array,
  tieBreak: Float64Array,
): void {
  const numeric: number[] = [];
  const other: number[] = [];
  for (const slot of slots) {
    if (Number.isNaN(primary[slot]) || Number.isNaN(tieBreak[slot])) other.push(slot);
    else numeric.push(slot);
  }
  if (other.length > slots.length / 4) {
    slots.sort(compare);
    return;
  }
  const fast = Int32Array.from(numeric);
  sortByNumericKeys(fast, primary, tieBreak);
  other.sort(compare);
  let written = 0;
  let taken = 0;
  for (const slot of other) {
    let low = taken;
    let high = fast.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compare(fast[middle] as number, slot) < 0) low = middle + 1;
      else high = middle;
    }
    slots.set(fast.subarray(taken, low), written);
    written += low - taken;
    taken = low;
    slots[written++] = slot;
  }
  slots.set(fast.subarray(taken), written);
}

/**
 * Sorts slots ascending by (primary, tieBreak) with a merge sort that carries both keys along with
 * the slots, so every pass reads memory sequentially (random reads into million-row columns made
 * the comparator sort memory-bound). Returns false, leaving `slots` untouched, when a slot has NaN
 * in either column (the caller's comparator then decides how missing values and strings order).
 */
export function sortByNumericKeys(
  slots: Int32Array,
  primary: Float64Array,
  tieBreak: Float64Array,
): boolean {
  const length = slots.length;
  let slotsIn: Int32Array = new Int32Array(length);
  let firstIn: Float64Array = new Float64Array(length);
  let secondIn: Float64Array = new Float64Array(length);
  for (let index = 0; index < length; index++) {
    const slot = slots[index] as number;
    const first = primary[slot] as number;
    const second = tieBreak[slot] as number;
    if (Number.isNaN(first) || Number.isNaN(second)) return false;
    slotsIn[index] = slot;
    firstIn[index] = first;
    secondIn[index] = second;
  }
  let sorted = true;
  for (let index = 1; index < length && sorted; index++) {
    const previous = firstIn[index - 1] as number;
    const current = firstIn[index] as number;
    sorted =
      previous < current ||
      (previous === current && (secondIn[index - 1] as number) <= (secondIn[index] as number));
  }
  if (sorted) return true;
  let slotsOut: Int32Array = new Int32Array(length);
  let firstOut: Float64Array = new Float64Array(length);
  let secondOut: Float64Array = new Float64Array(length);
  for (let width = 1; width < length; width *= 2) {
    for (let start = 0; start < length; start += 2 * width) {
      const middle = Math.min(start + width, length);
      const end = Math.min(start + 2 * width, length);
      let left = start;
      let right = middle;
      let out = start;
      while (left < middle && right < end) {
        const keyA = firstIn[left] as number;
        const keyB = firstIn[right] as number;
        if (
          keyA < keyB ||
          (keyA === keyB && (secondIn[left] as number) <= (secondIn[right] as number))
        ) {
          slotsOut[out] = slotsIn[left] as number;
          firstOut[out] = keyA;
          secondOut[out] = secondIn[left] as number;
          left++;
        } else {
          slotsOut[out] = slotsIn[right] as number;
          firstOut[out] = keyB;
          secondOut[out] = secondIn[right] as number;
          right++;
        }
        out++;
      }
      for (; left < middle; left++, out++) {
        slotsOut[out] = slotsIn[left] as number;
        firstOut[out] = firstIn[left] as number;
        secondOut[out] = secondIn[left] as number;
      }
      for (; right < end; right++, out++) {
        slotsOut[out] = slotsIn[right] as number;
        firstOut[out] = firstIn[right] as number;
        secondOut[out] = secondIn[right] as number;
      }
    }
    const slotsSwap = slotsIn;
    slotsIn = slotsOut;
    slotsOut = slotsSwap;
    const firstSwap = firstIn;
    firstIn = firstOut;
    firstOut = firstSwap;
    const secondSwap = secondIn;
    secondIn = secondOut;
    secondOut = secondSwap;
  }
  slots.set(slotsIn);
  return true;
}
