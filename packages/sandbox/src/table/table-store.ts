import type { OrderTable, WireObject } from './order-table.js';

/**
 * Reads and lenient writes over one {@link OrderTable}: what both providers' stores expose. Reads
 * return copies, so a caller cannot alter the stored objects by accident.
 */
export interface TableStore<TOrder> {
  /** Number of live orders. */
  count(): number;
  /** Every live order, generated first then inserted (slow for a million orders). */
  list(): TOrder[];
  /** One order by id, or undefined. */
  get(id: string): TOrder | undefined;
  /**
   * Inserts an order built by the provider from the given fields.
   * @throws Error when the id is taken
   */
  insert(fields?: Readonly<Record<string, unknown>>): TOrder;
  /**
   * Shallow-merges a patch; undefined when the order does not exist.
   * @throws Error when a new id is taken
   */
  update(id: string, patch: Readonly<Record<string, unknown>>): TOrder | undefined;
  /** Deletes an order; false when it did not exist. */
  delete(id: string): boolean;
}

/**
 * Applies a shallow patch the lenient way the stores promise: values are copied verbatim (no
 * validation, so drift can be injected) and a key whose value is undefined is removed. Keys already
 * present keep their position; new keys are appended.
 */
export function applyPatch(base: WireObject, patch: Readonly<Record<string, unknown>>): WireObject {
  const result: WireObject = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) delete result[key];
    else result[key] = value;
  }
  return result;
}

/**
 * Creates the store of a table.
 * @param buildInsert builds the object stored in a fresh slot from the caller's fields
 */
export function createTableStore<TOrder>(
  table: OrderTable,
  buildInsert: (slot: number, fields: Readonly<Record<string, unknown>>) => WireObject,
): TableStore<TOrder> {
  return {
    count: () => table.count,
    list: () => [...table.liveSlots()].map((slot) => table.materializeCopy(slot) as TOrder),
    get: (id) => {
      const slot = table.find(id);
      return slot === undefined ? undefined : (table.materializeCopy(slot) as TOrder);
    },
    insert: (fields = {}) => {
      const { object } = table.insert((slot) => buildInsert(slot, fields));
      return structuredClone(object) as TOrder;
    },
    update: (id, patch) => {
      const slot = table.find(id);
      if (slot === undefined) return undefined;
      const merged = applyPatch(table.materialize(slot), patch);
      table.replace(slot, merged);
      return structuredClone(merged) as TOrder;
    },
    delete: (id) => {
      const slot = table.find(id);
      if (slot === undefined) return false;
      table.remove(slot);
      return true;
    },
  };
}
