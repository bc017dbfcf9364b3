import type { OrderTable, WireObject } from '../table/order-table.js';

/** Every order of a provider (or tenant), frozen when the export started. */
export interface OrderExport {
  /** Number of orders in the export. */
  readonly count: number;
  /** The orders in their wire format, in slot order (generated first, then inserted). */
  orders(): IterableIterator<WireObject>;
}

/**
 * Freezes a table's orders for export. The snapshot costs one pass over the slots and a copy of the
 * stored-object map; orders are then rebuilt one at a time while they are read, so exporting a
 * million orders never holds them all. Writes made during the export do not show in it.
 */
export function exportTable(table: OrderTable): OrderExport {
  const snapshot = table.snapshot();
  return {
    count: snapshot.slots.length,
    *orders() {
      for (const slot of snapshot.slots) yield snapshot.materialize(slot);
    },
  };
}

/** About how many characters one chunk of an NDJSON stream holds before it is written. */
const CHUNK_CHARACTERS = 64 * 1024;

/**
 * NDJSON text (one JSON object per line, each line ending in `\n`) in chunks of about 64 KB, so a
 * response can stream any number of orders without building one giant string.
 */
export function* ndjsonChunks(objects: Iterable<unknown>): IterableIterator<string> {
  let chunk = '';
  for (const object of objects) {
    chunk += `${JSON.stringify(object)}\n`;
    if (chunk.length >= CHUNK_CHARACTERS) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}
