/** Element type OIDs of the arrays {@link binaryArray} writes (`pg_type.oid`, fixed in PostgreSQL). */
const ELEMENT_OIDS = { text: 25, jsonb: 3802 } as const;

/** The array types {@link binaryArray} can write: the statement casts its parameter to `<type>[]`. */
export type BinaryArrayType = keyof typeof ELEMENT_OIDS;

/** The version byte in front of every jsonb value in binary format. */
const JSONB_VERSION = 1;
/** ndim, flags, element type, then one dimension's length and lower bound. */
const HEADER_BYTES = 20;
/** A UTF-16 code unit takes at most 3 bytes in UTF-8 (a surrogate pair, 2 units, takes 4). */
const MAX_UTF8_BYTES_PER_UNIT = 3;

/** Whether `type` is one {@link binaryArray} writes. */
export function isBinaryArrayType(type: string): type is BinaryArrayType {
  return Object.hasOwn(ELEMENT_OIDS, type);
}

/**
 * A one-dimensional `text[]` or `jsonb[]` parameter in PostgreSQL's binary array format (what
 * `array_recv` reads), for a statement that casts it to that type: `pg` binds a `Buffer` parameter
 * in binary format. Its text format (`{"…","…"}`, what `pg` writes for a JavaScript array) escapes
 * every quote and backslash of every element into one string that is then measured and copied
 * again; for the store's batches of JSON documents that was about half of a sync's own CPU, and
 * the server had to undo the escaping. Here each element is its UTF-8 bytes behind their length.
 *
 * Returns `undefined` when a value is neither a string nor null/undefined (NULL): the caller
 * then lets `pg` encode the array as it does any other.
 */
export function binaryArray(values: readonly unknown[], type: BinaryArrayType): Buffer | undefined {
  let units = 0;
  let hasNull = 0;
  for (const value of values) {
    if (value === null || value === undefined) hasNull = 1;
    else if (typeof value === 'string') units += value.length;
    else return undefined;
  }
  const prefix = type === 'jsonb' ? 1 : 0;
  const buffer = Buffer.allocUnsafe(
    HEADER_BYTES + values.length * (4 + prefix) + units * MAX_UTF8_BYTES_PER_UNIT,
  );
  buffer.writeInt32BE(1, 0);
  buffer.writeInt32BE(hasNull, 4);
  buffer.writeUInt32BE(ELEMENT_OIDS[type], 8);
  buffer.writeInt32BE(values.length, 12);
  buffer.writeInt32BE(1, 16);
  let offset = HEADER_BYTES;
  for (const value of values) {
    if (typeof value !== 'string') {
      buffer.writeInt32BE(-1, offset);
      offset += 4;
      continue;
    }
    const start = offset + 4;
    let end = start;
    if (prefix === 1) buffer[end++] = JSONB_VERSION;
    // Sized for the worst case above, so a write is never cut short.
    end += buffer.write(value, end, 'utf8');
    buffer.writeInt32BE(end - start, offset);
    offset = end;
  }
  return buffer.subarray(0, offset);
}
