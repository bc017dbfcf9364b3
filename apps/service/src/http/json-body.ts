import type { Context, TypedResponse } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { InvalidJSONValue, JSONParsed, JSONValue } from 'hono/utils/types';

/**
 * How deep `encodeJson` opens plain objects and arrays itself: the envelope (depth 0) and its
 * lists (depth 1); each list element (an order, a change, a row) is one `JSON.stringify`.
 */
const OPENED_DEPTH = 2;

/**
 * The UTF-8 bytes of `JSON.stringify(value)`, without ever holding the whole document as one
 * string.
 *
 * Why: V8 allocates a string of more than ≈ 128 KB (a page of 50 orders is ≈ 130 KB) as a *large
 * object*, on pages of its own that are mapped for it and unmapped by the next scavenge. Building
 * such a string for every response cost an `mmap`, fresh-page faults and an `munmap` per
 * response, and most of each scavenge's pause went to unmapping the dead ones (≈ 3 of 5.5 ms
 * under the benchmark's load, measured with `perf`). Here each list element is stringified on its
 * own (a few KB, young-generation strings) and the pieces are encoded into one buffer.
 *
 * Identical bytes to `JSON.stringify(value)` for the values responses carry: plain objects and
 * arrays are walked as `JSON.stringify` walks them (own enumerable string keys in order;
 * `undefined`, functions and symbols left out of objects and written as `null` in arrays); any
 * other value is handed to `JSON.stringify` whole. The one difference: an object with `toJSON`
 * below the envelope receives `''` instead of its property name as `toJSON`'s argument (`Date`'s
 * ignores it).
 * @throws TypeError as `JSON.stringify` does (a `BigInt`, a cycle), or when `value` itself has no
 * JSON form (`undefined`, a function).
 */
export function encodeJson(value: unknown): Buffer {
  const pieces: string[] = [];
  if (!appendJson(value, 0, pieces)) {
    throw new TypeError(`a response body must have a JSON form, not ${typeof value}`);
  }
  return encodePieces(pieces);
}

/**
 * A JSON response of `body` (`Content-Type: application/json`), encoded by `encodeJson`; typed
 * as `context.json(body, status)` is, so OpenAPI routes can return it.
 */
export function jsonResponse<
  T extends JSONValue | object | InvalidJSONValue,
  S extends ContentfulStatusCode,
>(context: Context, body: T, status: S): Response & TypedResponse<JSONParsed<T>, S, 'json'> {
  const bytes = encodeJson(body);
  return context.body(
    new Uint8Array(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength),
    status,
    { 'Content-Type': 'application/json' },
  ) as unknown as Response & TypedResponse<JSONParsed<T>, S, 'json'>;
}

/** Appends `value`'s JSON text to `pieces`; false (nothing appended) when it has no JSON form. */
function appendJson(value: unknown, depth: number, pieces: string[]): boolean {
  if (depth < OPENED_DEPTH && typeof value === 'object' && value !== null) {
    if (Array.isArray(value) && !hasToJson(value)) {
      appendArray(value, depth, pieces);
      return true;
    }
    if (isPlainObject(value)) {
      appendObject(value, depth, pieces);
      return true;
    }
  }
  const text = JSON.stringify(value) as string | undefined;
  if (text === undefined) return false;
  pieces.push(text);
  return true;
}

function appendArray(array: readonly unknown[], depth: number, pieces: string[]): void {
  pieces.push('[');
  for (let index = 0; index < array.length; index++) {
    if (index > 0) pieces.push(',');
    if (!appendJson(array[index], depth + 1, pieces)) pieces.push('null');
  }
  pieces.push(']');
}

function appendObject(object: Record<string, unknown>, depth: number, pieces: string[]): void {
  pieces.push('{');
  let first = true;
  for (const key of Object.keys(object)) {
    const member = JSON.stringify(key);
    pieces.push(first ? `${member}:` : `,${member}:`);
    if (appendJson(object[key], depth + 1, pieces)) {
      first = false;
    } else {
      // No JSON form (`undefined`, a function, a symbol): the member is left out altogether.
      pieces.pop();
    }
  }
  pieces.push('}');
}

/** An object `JSON.stringify` would walk member by member: no prototype but Object's, no `toJSON`. */
function isPlainObject(value: object): value is Record<string, unknown> {
  const prototype = Object.getPrototypeOf(value) as unknown;
  return (prototype === Object.prototype || prototype === null) && !hasToJson(value);
}

function hasToJson(value: object): boolean {
  return typeof (value as { toJSON?: unknown }).toJSON === 'function';
}

/**
 * The pieces' UTF-8 bytes in one buffer. Sized for one byte per UTF-16 unit (exact for ASCII, the
 * usual case) and grown when a piece might not fit: a unit takes at most 3 bytes.
 */
function encodePieces(pieces: readonly string[]): Buffer {
  let units = 0;
  for (const piece of pieces) units += piece.length;
  let buffer = Buffer.allocUnsafe(units);
  let written = 0;
  for (const piece of pieces) {
    if (buffer.length - written < piece.length * 3) {
      const needed = written + Buffer.byteLength(piece);
      if (needed > buffer.length) {
        const grown = Buffer.allocUnsafe(Math.max(needed, buffer.length * 2));
        buffer.copy(grown, 0, 0, written);
        buffer = grown;
      }
    }
    written += buffer.write(piece, written);
  }
  return buffer.subarray(0, written);
}
