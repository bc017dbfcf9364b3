import { LruCache } from './lru-cache.js';
import { type SlotComparator, SortedIndex } from './sorted-index.js';

/** A provider's wire object as stored: plain JSON, deliberately not validated (schema drift allowed). */
export type WireObject = Record<string, unknown>;

/**
 * How one sort field reads its key. Number fields keep the key in `column` (NaN = missing, sorted
 * first). String fields keep an order-preserving numeric surrogate in `column` when one exists
 * (e.g. the base-36 value of a generated id) and NaN otherwise; `text` then gives the real string.
 */
export interface SortKeySpec {
  /** Name of the numeric column holding the key or its surrogate. */
  readonly column: string;
  /** For string fields: the key as text (null when the order lacks the field). */
  readonly text?: (slot: number) => string | null;
}

/** What a provider plugs into the table: how to generate, read and identify its orders. */
export interface TableSource {
  /** Numeric columns every slot has (must include `id`, the id's surrogate). */
  readonly columns: readonly string[];
  /** Number of generated orders (slots 0..baseCount-1). */
  readonly baseCount: number;
  /** Writes the columns of generated slot `slot` (start-up hot path; no allocation ideally). */
  fillBase(slot: number, columns: Readonly<Record<string, Float64Array>>): void;
  /** Writes the columns of a slot from its stored wire object, leniently (any field may be odd). */
  fillFromObject(
    slot: number,
    object: WireObject,
    columns: Readonly<Record<string, Float64Array>>,
  ): void;
  /** The complete generated wire object of a base slot. */
  materializeBase(slot: number): WireObject;
  /** The id carried by a wire object, when it has a usable one. */
  idOf(object: WireObject): string | undefined;
  /** The generated id of a slot (also used for inserted slots). */
  generatedId(slot: number): string;
  /** The slot whose generated id is `id`, when `id` has the generated form. */
  decodeId(id: string): number | undefined;
}

/** One request's selection: which slots, in which order. */
export interface SelectQuery {
  /** Sort field (a key of the table's sort specs). */
  readonly sortKey: string;
  /** Normalized filter description; equal strings must mean equal filters (cache key). */
  readonly filterKey: string;
  /** Keeps a slot when true; omitted = no filter. */
  readonly predicate?: (slot: number) => boolean;
  /**
   * A superset of the matching *generated* slots (e.g. one customer's orders), for selective
   * filters. Slots with overrides are always considered on top of it.
   */
  readonly candidates?: () => Int32Array;
  /** Inclusive numeric bounds on the sort field's column, found by binary search. */
  readonly range?: { readonly min?: number; readonly max?: number };
}

/** A cursor key: the sort value and id of the last order a client saw. */
export interface KeysetPosition {
  /** The sort field's value (number fields: the column value; string fields: the text). */
  readonly value: number | string | null;
  /** The order's id; ties in the sort value are broken by id. */
  readonly id: string;
}

interface CachedSelection {
  readonly version: number;
  readonly slots: Int32Array;
}

/**
 * The storage engine both simulators share. Generated orders are never materialized: each slot keeps
 * only numeric columns for filtering and sorting (typed arrays), and a wire object is rebuilt from
 * (seed, slot) when a page needs it. Inserted and updated orders live in an override map. Sorted
 * indexes per sort field are built lazily and maintained on mutation; filtered selections are cached
 * per data version, so repeated page requests cost a binary search or an offset.
 */
export class OrderTable {
  /** Numeric columns per slot (capacity ≥ slot count). */
  columns: Record<string, Float64Array> = {};
  private alive: Uint8Array;
  private slotCount: number;
  private liveCount: number;
  /** Increments on every mutation; selections cached under another version are stale. */
  private dataVersion = 0;
  private readonly overrides = new Map<number, WireObject>();
  /** id → slot for every slot whose current id is not its generated id. */
  private readonly customIds = new Map<string, number>();
  private readonly indexes = new Map<string, SortedIndex>();
  private readonly comparators = new Map<string, SlotComparator>();
  private readonly selections = new LruCache<string, CachedSelection>(16);
  private readonly groups = new Map<string, { offsets: Int32Array; slots: Int32Array }>();

  /**
   * @param source the provider's generator and readers
   * @param sortKeys every sortable field, including `id`
   */
  constructor(
    private readonly source: TableSource,
    private readonly sortKeys: Readonly<Record<string, SortKeySpec>>,
  ) {
    const capacity = Math.max(64, source.baseCount + 64);
    for (const name of source.columns) this.columns[name] = new Float64Array(capacity);
    this.alive = new Uint8Array(capacity);
    this.slotCount = source.baseCount;
    this.liveCount = source.baseCount;
    this.alive.fill(1, 0, source.baseCount);
    for (let slot = 0; slot < source.baseCount; slot++) source.fillBase(slot, this.columns);
  }

  /** Number of live orders. */
  get count(): number {
    return this.liveCount;
  }

  /** True when the slot holds a live order. */
  private isAlive(slot: number): boolean {
    return slot >= 0 && slot < this.slotCount && this.alive[slot] === 1;
  }

  /** True when the slot's order is stored as an object (inserted or updated). */
  hasOverride(slot: number): boolean {
    return this.overrides.has(slot);
  }

  /** The stored object of an overridden slot. */
  override(slot: number): WireObject | undefined {
    return this.overrides.get(slot);
  }

  /** The wire object of a live slot: the stored override, or the generated order. */
  materialize(slot: number): WireObject {
    return this.overrides.get(slot) ?? this.source.materializeBase(slot);
  }

  /** Like {@link materialize}, but a stored object is deep-copied so callers cannot alter it. */
  materializeCopy(slot: number): WireObject {
    const stored = this.overrides.get(slot);
    return stored ? structuredClone(stored) : this.source.materializeBase(slot);
  }

  /** The slot's current id text (its stored id, else the generated one). */
  idText(slot: number): string {
    const stored = this.overrides.get(slot);
    if (stored) return this.source.idOf(stored) ?? this.source.generatedId(slot);
    return this.source.generatedId(slot);
  }

  /** The live slot holding the order with this id, if any. */
  find(id: string): number | undefined {
    const custom = this.customIds.get(id);
    if (custom !== undefined) return this.alive[custom] === 1 ? custom : undefined;
    const slot = this.source.decodeId(id);
    if (slot === undefined || !this.isAlive(slot)) return undefined;
    return this.idText(slot) === id ? slot : undefined;
  }

  /**
   * Stores a new order in a fresh slot. `build` receives the slot number (so it can derive a
   * generated id and data from it) and returns the object to store.
   * @throws Error when the object's id is already taken by a live order
   */
  insert(build: (slot: number) => WireObject): { slot: number; object: WireObject } {
    const slot = this.slotCount;
    this.ensureCapacity(slot + 1);
    const object = build(slot);
    const id = this.source.idOf(object) ?? this.source.generatedId(slot);
    if (this.find(id) !== undefined) {
      throw new Error(`An order with id "${id}" already exists; ids must be unique.`);
    }
    this.slotCount++;
    this.liveCount++;
    this.alive[slot] = 1;
    this.store(slot, object);
    for (const index of this.indexes.values()) index.insert(slot);
    this.dataVersion++;
    return { slot, object };
  }

  /**
   * Replaces a live slot's object (already merged by the caller).
   * @throws Error when the new id is taken by another live order
   */
  replace(slot: number, object: WireObject): void {
    const newId = this.source.idOf(object) ?? this.source.generatedId(slot);
    const holder = this.find(newId);
    if (holder !== undefined && holder !== slot) {
      throw new Error(`An order with id "${newId}" already exists; ids must be unique.`);
    }
    for (const index of this.indexes.values()) index.remove(slot);
    this.forgetCustomId(slot);
    this.store(slot, object);
    for (const index of this.indexes.values()) index.insert(slot);
    this.dataVersion++;
  }

  /** Deletes a live slot; its id stops resolving and the slot is never reused. */
  remove(slot: number): void {
    if (!this.isAlive(slot)) return;
    for (const index of this.indexes.values()) index.remove(slot);
    this.forgetCustomId(slot);
    this.overrides.delete(slot);
    this.alive[slot] = 0;
    this.liveCount--;
    this.dataVersion++;
  }

  /**
   * Replaces many live slots' objects at once (a churn batch). Each sorted index takes out and puts
   * back only the slots whose key in it changed, in one pass, so a batch costs O(n + k log n) per
   * index rather than k memmoves of the whole index.
   * @throws Error when a new id is taken by another order (nothing is changed then)
   */
  replaceMany(entries: readonly { readonly slot: number; readonly object: WireObject }[]): void {
    if (entries.length === 0) return;
    const claimed = new Map<string, number>();
    for (const { slot, object } of entries) {
      const newId = this.source.idOf(object) ?? this.source.generatedId(slot);
      const holder = claimed.get(newId) ?? this.find(newId);
      if (holder !== undefined && holder !== slot) {
        throw new Error(`An order with id "${newId}" already exists; ids must be unique.`);
      }
      claimed.set(newId, slot);
    }
    const keyColumns = [
      ...new Set(['id', ...[...this.indexes.keys()].map((key) => this.spec(key).column)]),
    ];
    const before = keyColumns.map((column) =>
      Float64Array.from(entries, ({ slot }) => this.columns[column]?.[slot] ?? Number.NaN),
    );
    for (const { slot } of entries) this.forgetCustomId(slot);
    for (const { slot, object } of entries) this.store(slot, object);
    const idBefore = before[keyColumns.indexOf('id')];
    for (const [sortKey, index] of this.indexes) {
      // A slot keeps its place when its key and its id (the tie-break) kept their numbers; a NaN
      // (a text key or an id of a foreign form) always counts as moved.
      const column = this.spec(sortKey).column;
      const keyBefore = before[keyColumns.indexOf(column)];
      const moved: number[] = [];
      entries.forEach(({ slot }, position) => {
        if (
          keyMoved(keyBefore?.[position], this.columns[column], slot) ||
          keyMoved(idBefore?.[position], this.columns.id, slot)
        ) {
          moved.push(slot);
        }
      });
      index.removeMany(moved);
      index.insertMany(moved);
    }
    this.dataVersion++;
  }

  /**
   * Stores many new orders in fresh slots at once (see {@link insert}); the indexes take them in one
   * pass each.
   * @throws Error when an object's id is already taken (nothing is inserted then)
   */
  insertMany(
    count: number,
    build: (slot: number) => WireObject,
  ): { slot: number; object: WireObject }[] {
    if (count === 0) return [];
    const first = this.slotCount;
    this.ensureCapacity(first + count);
    const built: { slot: number; object: WireObject }[] = [];
    const claimed = new Set<string>();
    for (let slot = first; slot < first + count; slot++) {
      const object = build(slot);
      const id = this.source.idOf(object) ?? this.source.generatedId(slot);
      if (claimed.has(id) || this.find(id) !== undefined) {
        throw new Error(`An order with id "${id}" already exists; ids must be unique.`);
      }
      claimed.add(id);
      built.push({ slot, object });
    }
    for (const { slot, object } of built) {
      this.alive[slot] = 1;
      this.store(slot, object);
    }
    this.slotCount += count;
    this.liveCount += count;
    const slots = Int32Array.from(built, ({ slot }) => slot);
    for (const index of this.indexes.values()) index.insertMany(slots);
    this.dataVersion++;
    return built;
  }

  /** Deletes many live slots at once (see {@link remove}); dead or unknown slots are ignored. */
  removeMany(slots: readonly number[]): void {
    const live = slots.filter((slot) => this.isAlive(slot));
    if (live.length === 0) return;
    for (const index of this.indexes.values()) index.removeMany(live);
    for (const slot of live) {
      this.forgetCustomId(slot);
      this.overrides.delete(slot);
      this.alive[slot] = 0;
      this.liveCount--;
    }
    this.dataVersion++;
  }

  /** The largest value of a numeric column over the live slots (NaN values skipped; -∞ if none). */
  maxOf(column: string): number {
    const values = this.columns[column];
    let largest = Number.NEGATIVE_INFINITY;
    if (!values) return largest;
    for (let slot = 0; slot < this.slotCount; slot++) {
      const value = values[slot] as number;
      if (this.alive[slot] === 1 && value > largest) largest = value;
    }
    return largest;
  }

  /** Every live slot in slot order, as one array (a linear pass over the slots). */
  liveSlotArray(): Int32Array {
    const live = new Int32Array(this.liveCount);
    let position = 0;
    for (let slot = 0; slot < this.slotCount; slot++) {
      if (this.alive[slot] === 1) live[position++] = slot;
    }
    return live;
  }

  /** The live slots whose `column` value is at least `min`, in slot order (a linear pass). */
  liveSlotsFrom(column: string, min: number): Int32Array {
    const values = this.columns[column];
    if (!values) return new Int32Array(0);
    const chosen: number[] = [];
    for (let slot = 0; slot < this.slotCount; slot++) {
      if (this.alive[slot] === 1 && (values[slot] as number) >= min) chosen.push(slot);
    }
    return Int32Array.from(chosen);
  }

  /**
   * A frozen view of every live order: the live slots now, and the stored objects now. Stored
   * objects are never changed in place (every write stores a new object) and generated orders are
   * a pure function of their slot, so the view stays exact while later writes happen.
   */
  snapshot(): { readonly slots: Int32Array; materialize(slot: number): WireObject } {
    const overrides = new Map(this.overrides);
    return {
      slots: this.liveSlotArray(),
      materialize: (slot) => overrides.get(slot) ?? this.source.materializeBase(slot),
    };
  }

  /** Every live slot in slot order (generated first, then inserted). */
  *liveSlots(): IterableIterator<number> {
    for (let slot = 0; slot < this.slotCount; slot++) if (this.alive[slot] === 1) yield slot;
  }

  /** The comparator of a sort field: its key, then the id, both ascending. */
  private comparator(sortKey: string): SlotComparator {
    const cached = this.comparators.get(sortKey);
    if (cached) return cached;
    const spec = this.spec(sortKey);
    const compareIds = this.idComparator();
    const comparator: SlotComparator =
      sortKey === 'id' ? compareIds : this.fieldComparator(spec, compareIds);
    this.comparators.set(sortKey, comparator);
    return comparator;
  }

  /** The sorted index of a field (built on first use). */
  index(sortKey: string): SortedIndex {
    let index = this.indexes.get(sortKey);
    if (!index) {
      const live = new Int32Array(this.liveCount);
      let position = 0;
      for (let slot = 0; slot < this.slotCount; slot++) {
        if (this.alive[slot] === 1) live[position++] = slot;
      }
      const spec = this.spec(sortKey);
      const keys = {
        primary: this.columns[spec.column] as Float64Array,
        tieBreak: this.columns.id as Float64Array,
      };
      index = new SortedIndex(this.comparator(sortKey), live, keys);
      this.indexes.set(sortKey, index);
    }
    return index;
  }

  /**
   * The matching slots in ascending sort order. Without a filter this is the sorted index itself;
   * otherwise the result is cached until the next mutation.
   */
  select(query: SelectQuery): Int32Array {
    if (!query.predicate && !query.range && !query.candidates) {
      return this.index(query.sortKey).view();
    }
    const cacheKey = `${query.sortKey}|${query.filterKey}`;
    const cached = this.selections.get(cacheKey);
    if (cached && cached.version === this.dataVersion) return cached.slots;
    // A selective filter (candidates) sorts its few rows; anything else scans the sorted index.
    const slots = query.candidates
      ? this.selectFromCandidates(query)
      : this.scan(query, this.index(query.sortKey));
    this.selections.set(cacheKey, { version: this.dataVersion, slots });
    return slots;
  }

  /**
   * Slots of generated orders grouped by an integer column (e.g. customer index), built once.
   * Only trustworthy for slots without overrides; {@link select} adds overridden slots itself.
   */
  group(column: string, value: number): Int32Array {
    let grouping = this.groups.get(column);
    if (!grouping) {
      grouping = this.buildGroups(column);
      this.groups.set(column, grouping);
    }
    if (!Number.isInteger(value) || value < 0 || value + 1 >= grouping.offsets.length) {
      return new Int32Array(0);
    }
    return grouping.slots.subarray(
      grouping.offsets[value] as number,
      grouping.offsets[value + 1] as number,
    );
  }

  /** Position in ascending `slots` of the first slot strictly after `position` (keyset seek). */
  seekAfter(slots: Int32Array, sortKey: string, position: KeysetPosition): number {
    return this.firstPositionWhere(slots, sortKey, position, (order) => order > 0);
  }

  /** Position in ascending `slots` of the last slot strictly before `position`, or -1. */
  seekBefore(slots: Int32Array, sortKey: string, position: KeysetPosition): number {
    return this.firstPositionWhere(slots, sortKey, position, (order) => order >= 0) - 1;
  }

  /** Binary search: the first index whose comparison with `position` satisfies `accept`. */
  private firstPositionWhere(
    slots: Int32Array,
    sortKey: string,
    position: KeysetPosition,
    accept: (order: number) => boolean,
  ): number {
    const compare = this.positionComparator(sortKey, position);
    let low = 0;
    let high = slots.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (accept(compare(slots[middle] as number))) high = middle;
      else low = middle + 1;
    }
    return low;
  }

  /** The keyset position of a slot under a sort field (what a cursor records). */
  positionOf(slot: number, sortKey: string): KeysetPosition {
    const spec = this.spec(sortKey);
    const id = this.idText(slot);
    if (sortKey === 'id') return { value: id, id };
    if (spec.text) return { value: spec.text(slot), id };
    const value = this.columns[spec.column]?.[slot] ?? Number.NaN;
    return { value: Number.isNaN(value) ? null : value, id };
  }

  private spec(sortKey: string): SortKeySpec {
    const spec = this.sortKeys[sortKey];
    if (!spec) throw new Error(`Unknown sort key "${sortKey}"`);
    return spec;
  }

  private store(slot: number, object: WireObject): void {
    this.overrides.set(slot, object);
    this.source.fillFromObject(slot, object, this.columns);
    const id = this.source.idOf(object);
    if (id !== undefined && id !== this.source.generatedId(slot)) this.customIds.set(id, slot);
  }

  private forgetCustomId(slot: number): void {
    const stored = this.overrides.get(slot);
    const id = stored ? this.source.idOf(stored) : undefined;
    if (id !== undefined && this.customIds.get(id) === slot) this.customIds.delete(id);
  }

  private ensureCapacity(needed: number): void {
    if (needed <= this.alive.length) return;
    const capacity = Math.max(needed, this.alive.length * 2);
    for (const name of Object.keys(this.columns)) {
      const grown = new Float64Array(capacity);
      grown.set(this.columns[name] as Float64Array);
      this.columns[name] = grown;
    }
    const alive = new Uint8Array(capacity);
    alive.set(this.alive);
    this.alive = alive;
    // Comparators captured the old column arrays; the order of slots is unchanged.
    this.comparators.clear();
    for (const [name, index] of this.indexes) index.rebind(this.comparator(name));
  }

  private idComparator(): SlotComparator {
    const idColumn = this.columns.id as Float64Array;
    return (a, b) => {
      const x = idColumn[a] as number;
      const y = idColumn[b] as number;
      if (!Number.isNaN(x) && !Number.isNaN(y)) {
        if (x !== y) return x < y ? -1 : 1;
        return a - b;
      }
      const textA = this.idText(a);
      const textB = this.idText(b);
      if (textA !== textB) return textA < textB ? -1 : 1;
      return a - b;
    };
  }

  private fieldComparator(spec: SortKeySpec, compareIds: SlotComparator): SlotComparator {
    const column = this.columns[spec.column] as Float64Array;
    const text = spec.text;
    if (text) {
      return (a, b) => {
        const x = column[a] as number;
        const y = column[b] as number;
        if (!Number.isNaN(x) && !Number.isNaN(y)) {
          if (x !== y) return x < y ? -1 : 1;
        } else {
          const order = compareNullable(text(a), text(b));
          if (order !== 0) return order;
        }
        return compareIds(a, b);
      };
    }
    // Missing values (NaN) sort first, like nulls.
    return (a, b) => {
      const x = column[a] as number;
      const y = column[b] as number;
      if (x < y) return -1;
      if (x > y) return 1;
      const xMissing = Number.isNaN(x);
      const yMissing = Number.isNaN(y);
      if (xMissing !== yMissing) return xMissing ? -1 : 1;
      return compareIds(a, b);
    };
  }

  private positionComparator(sortKey: string, position: KeysetPosition): (slot: number) => number {
    const spec = this.spec(sortKey);
    const column = this.columns[spec.column] as Float64Array;
    const text = sortKey === 'id' ? (slot: number) => this.idText(slot) : spec.text;
    return (slot) => {
      let order: number;
      if (text) {
        order = compareNullable(text(slot), position.value as string | null);
      } else {
        const value = column[slot] as number;
        order = compareNullable(
          Number.isNaN(value) ? null : value,
          position.value as number | null,
        );
      }
      if (order !== 0) return order;
      const id = this.idText(slot);
      return id === position.id ? 0 : id < position.id ? -1 : 1;
    };
  }

  private scan(query: SelectQuery, index: SortedIndex): Int32Array {
    const ordered = index.view();
    let start = 0;
    let end = ordered.length;
    if (query.range) {
      const column = this.columns[this.spec(query.sortKey).column] as Float64Array;
      const { min, max } = query.range;
      if (min !== undefined) start = lowerBound(ordered, column, min);
      if (max !== undefined) end = upperBound(ordered, column, max);
    }
    if (end <= start) return new Int32Array(0);
    const predicate = query.predicate;
    // The view aliases the index; the cache entry dies with the data version, so that is safe.
    if (!predicate) return ordered.subarray(start, end);
    const result = new Int32Array(end - start);
    let size = 0;
    for (let position = start; position < end; position++) {
      const slot = ordered[position] as number;
      if (predicate(slot)) result[size++] = slot;
    }
    return result.slice(0, size);
  }

  private selectFromCandidates(query: SelectQuery): Int32Array {
    const candidates = query.candidates?.() ?? new Int32Array(0);
    const chosen: number[] = [];
    const predicate = query.predicate ?? (() => true);
    const range = query.range;
    const column = range ? (this.columns[this.spec(query.sortKey).column] as Float64Array) : null;
    const accept = (slot: number): boolean => {
      if (this.alive[slot] !== 1 || !predicate(slot)) return false;
      if (column && range) {
        const value = column[slot] as number;
        if (Number.isNaN(value)) return false;
        if (range.min !== undefined && value < range.min) return false;
        if (range.max !== undefined && value > range.max) return false;
      }
      return true;
    };
    for (const slot of candidates) {
      if (!this.overrides.has(slot) && accept(slot)) chosen.push(slot);
    }
    for (const slot of this.overrides.keys()) if (accept(slot)) chosen.push(slot);
    const result = Int32Array.from(chosen);
    result.sort(this.comparator(query.sortKey));
    return result;
  }

  private buildGroups(column: string): { offsets: Int32Array; slots: Int32Array } {
    const values = this.columns[column] as Float64Array;
    const base = this.source.baseCount;
    let groupCount = 0;
    for (let slot = 0; slot < base; slot++) {
      const value = values[slot] as number;
      if (value >= 0 && value + 1 > groupCount) groupCount = value + 1;
    }
    const offsets = new Int32Array(groupCount + 1);
    for (let slot = 0; slot < base; slot++) {
      const value = values[slot] as number;
      if (value >= 0) offsets[value + 1] = (offsets[value + 1] as number) + 1;
    }
    for (let group = 0; group < groupCount; group++) {
      offsets[group + 1] = (offsets[group + 1] as number) + (offsets[group] as number);
    }
    const fill = offsets.slice(0, groupCount);
    const slots = new Int32Array(offsets[groupCount] as number);
    for (let slot = 0; slot < base; slot++) {
      const value = values[slot] as number;
      if (value >= 0) {
        const position = fill[value] as number;
        slots[position] = slot;
        fill[value] = position + 1;
      }
    }
    return { offsets, slots };
  }
}

/** Whether a key column's value at `slot` differs from `before` (NaN counts as moved: text keys). */
function keyMoved(
  before: number | undefined,
  column: Float64Array | undefined,
  slot: number,
): boolean {
  const after = column?.[slot] ?? Number.NaN;
  if (before === undefined || Number.isNaN(before) || Number.isNaN(after)) return true;
  return before !== after;
}

/** null first, then numbers or strings in natural (ordinal) order. */
function compareNullable<T extends number | string>(a: T | null, b: T | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a !== typeof b) return typeof a === 'number' ? -1 : 1;
  return a < b ? -1 : 1;
}

/** First position whose value is ≥ min (NaN values sort first and are skipped). */
function lowerBound(ordered: Int32Array, column: Float64Array, min: number): number {
  let low = 0;
  let high = ordered.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const value = column[ordered[middle] as number] as number;
    if (Number.isNaN(value) || value < min) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** First position whose value is > max. */
function upperBound(ordered: Int32Array, column: Float64Array, max: number): number {
  let low = 0;
  let high = ordered.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const value = column[ordered[middle] as number] as number;
    if (Number.isNaN(value) || value <= max) low = middle + 1;
    else high = middle;
  }
  return low;
}
