import { hash } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import { z } from 'zod';
import { InvalidQueryError } from '../errors/invalid-query-error.js';
import { moneySchema } from '../model/money.js';
import { orderStatusSchema } from '../model/status.js';
import { timestampSchema } from '../model/timestamp.js';
import type { SortValue } from '../query/order-match.js';
import {
  MAX_LIMIT,
  type OrderQuery,
  type OrderQueryInput,
  parseOrderQuery,
  queryFingerprint,
  type SortField,
} from '../query/order-query.js';

/** Where one provider's stream stands inside a merged listing. */
export interface ProviderPosition {
  /** Cursor of the provider page holding the next order (null: the listing's first page). */
  pageCursor: string | null;
  /** Orders of that page already returned. */
  consumed: number;
  /** Key and sort value of the last order returned from this provider, to realign if the page changed. */
  lastKey: string | null;
  lastValue: SortValue;
}

/** Decoded composite cursor: one position per provider, `done` for a provider with nothing left. */
export interface CompositeCursorState {
  positions: Map<string, ProviderPosition | 'done'>;
  /**
   * Provider page size the listing started with (0: each provider's default). Kept for the whole
   * walk: a recorded offset only means something inside a page of the same size.
   */
  pageSize: number;
}

/**
 * The cursor on the wire: version 2 carries the query it continues (`f`: filters and sort, without
 * `cursor` and `limit`), so a cursor alone continues a listing, and the provider ids are the keys
 * of `p`. Each position is `[page cursor, orders consumed, last order id (without the provider
 * prefix), last sort value]`, or 0 for a provider with nothing left. The JSON goes out as
 * base64url (≈ 300 characters for one provider, ≈ 410 for two). Cursors made before 2026-12
 * were deflated first; they still read (see {@link decodeEncoded}).
 */
interface Encoded {
  v: 2;
  s: number;
  f: Record<string, unknown>;
  p: Record<string, [string | null, number, string | null, SortValue] | 0>;
}

/** A short hash binding a cursor to the query and providers that produced it. */
export function cursorBinding(query: OrderQuery, providerIds: readonly string[]): string {
  // One-shot `hash`: a `createHash` object survives scavenges until a full collection (its
  // native handle), and every service response binds its cursor.
  return hash(
    'sha256',
    `${queryFingerprint(query)}\u0000${[...providerIds].sort().join(',')}`,
    'base64url',
  ).slice(0, 16);
}

/** The part of a query a cursor continues: everything but `cursor` and `limit`, no empty fields. */
function selectionOf(query: OrderQuery): Record<string, unknown> {
  const { cursor: _cursor, limit: _limit, ...rest } = query;
  return Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined));
}

/**
 * Encodes the merged listing's position, with the query it belongs to, as an opaque string
 * (JSON, base64url).
 */
export function encodeCompositeCursor(query: OrderQuery, state: CompositeCursorState): string {
  const encoded: Encoded = { v: 2, s: state.pageSize, f: selectionOf(query), p: {} };
  for (const [provider, position] of state.positions) {
    if (position === 'done') {
      encoded.p[provider] = 0;
      continue;
    }
    // Keys are `<provider>:<id>`: the provider is the entry's name already.
    const prefix = `${provider}:`;
    const lastId = position.lastKey?.startsWith(prefix)
      ? position.lastKey.slice(prefix.length)
      : position.lastKey;
    encoded.p[provider] = [position.pageCursor, position.consumed, lastId, position.lastValue];
  }
  // Not deflated: every zlib call leaves its handle and a 16 KB output buffer that only a full
  // garbage collection frees (a native handle survives scavenges). One per service response
  // made the retained buffers reach V8's external-memory limit after ~1,000 responses, and from
  // then on V8 ran a mark-compact every 0.4–1 s (docs/benchmarks.md, the service scenario).
  // Deflating saved a fifth of the cursor's length.
  return Buffer.from(JSON.stringify(encoded), 'utf8').toString('base64url');
}

/**
 * The last cursor read and what it read as: continuing a listing reads its cursor twice (once for
 * the query it carries, once for the positions), and each read decodes, parses and validates.
 * Reading is a pure function of the string, and what it returns is frozen, so no reader can change
 * what the next read of the same cursor returns.
 */
let lastRead: { cursor: string; encoded: Encoded | undefined } | undefined;

/** Reads the wire form of a cursor; undefined when it is not one this client made. */
function readEncoded(cursor: string): Encoded | undefined {
  if (lastRead?.cursor === cursor) return lastRead.encoded;
  const encoded = decodeEncoded(cursor);
  lastRead = { cursor, encoded: encoded && freezeDeep(encoded) };
  return encoded;
}

/** Freezes a parsed JSON value and everything in it. */
function freezeDeep<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) freezeDeep(member);
  }
  return value;
}

/** `{`: the first byte of a cursor's JSON, and never the first byte of a deflated one. */
const JSON_OBJECT_START = 0x7b;

/**
 * Reads either form: JSON, or the deflated JSON of cursors made before 2026-12 (a client
 * continuing a listing across an upgrade, or an export checkpoint). The first byte tells them
 * apart. A deflate stream's first three bits are its block header; only a final fixed-Huffman
 * block shares 0x7b's (3, mod 8), and there the next five bits start the code of the first
 * literal, `{`, which makes the byte 0xab.
 */
function decodeEncoded(cursor: string): Encoded | undefined {
  try {
    const bytes = Buffer.from(cursor, 'base64url');
    const text =
      bytes[0] === JSON_OBJECT_START
        ? bytes.toString('utf8')
        : inflateRawSync(bytes, { maxOutputLength: 1 << 20 }).toString('utf8');
    const json: unknown = JSON.parse(text);
    const decoded = encodedSchema.safeParse(json);
    return decoded.success ? (decoded.data as Encoded) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The query and providers a cursor continues, so that a cursor alone continues a listing.
 * @throws InvalidQueryError when the cursor is malformed or its query is not a valid query.
 */
export function cursorQuery(cursor: string): { query: OrderQueryInput; providers: string[] } {
  const invalid = () =>
    new InvalidQueryError({
      issues: [{ field: 'cursor', message: 'is not a cursor returned by this client' }],
    });
  const encoded = readEncoded(cursor);
  if (!encoded) throw invalid();
  // Validated like any query: a cursor is client input.
  try {
    parseOrderQuery(encoded.f);
  } catch {
    throw invalid();
  }
  return { query: encoded.f as OrderQueryInput, providers: Object.keys(encoded.p) };
}

/**
 * Decodes a composite cursor and checks it belongs to this query and provider set, and that every
 * position in it is well-formed for the query's sort (a cursor is client input: it may be forged).
 * `providerPageSize` gives the page size a provider was asked for in a listing of page size `s`
 * (0: unknown, no check); an offset past it cannot come from this client.
 * @throws InvalidQueryError when the cursor is malformed or was made for another query.
 */
export function decodeCompositeCursor(
  cursor: string,
  binding: string,
  providerIds: readonly string[],
  sortField: SortField,
  providerPageSize: (providerId: string, pageSize: number) => number = (_id, pageSize) => pageSize,
): CompositeCursorState {
  const invalid = (message: string) =>
    new InvalidQueryError({ issues: [{ field: 'cursor', message }] });
  const encoded = readEncoded(cursor);
  if (!encoded) throw invalid('is not a cursor returned by this client');
  const { s: pageSize, p, f } = encoded;
  let carried: OrderQuery;
  try {
    carried = parseOrderQuery(f);
  } catch {
    throw invalid('is not a cursor returned by this client');
  }
  if (cursorBinding(carried, Object.keys(p)) !== binding) {
    throw invalid(
      'belongs to a different query; pass the cursor alone (it carries its query), or repeat the query that returned it',
    );
  }
  const lastValueSchema = SORT_VALUE_SCHEMAS[sortField];
  const positions = new Map<string, ProviderPosition | 'done'>();
  for (const id of providerIds) {
    const entry = p[id];
    if (entry === undefined) throw invalid(`has no position for provider "${id}"`);
    if (entry === 0) {
      positions.set(id, 'done');
      continue;
    }
    const [pageCursor, consumed, lastId, lastValue] = entry;
    // An offset past the page size, or a sort value of the wrong kind, cannot come from this client.
    const providerSize = providerPageSize(id, pageSize);
    if (providerSize > 0 && consumed > providerSize)
      throw invalid('is not a cursor returned by this client');
    const value = lastValueSchema.safeParse(lastValue);
    if (!value.success) throw invalid('is not a cursor returned by this client');
    positions.set(id, {
      pageCursor,
      consumed,
      lastKey: lastId === null ? null : `${id}:${lastId}`,
      lastValue: value.data as SortValue,
    });
  }
  return { positions, pageSize };
}

/** What a cursor may record as the last sort value, per sort field. */
const SORT_VALUE_SCHEMAS: Readonly<Record<SortField, z.ZodType>> = {
  createdAt: timestampSchema.nullable(),
  updatedAt: timestampSchema.nullable(),
  id: z.string().nullable(),
  status: orderStatusSchema.nullable(),
  total: moneySchema.nullable(),
};

const encodedSchema = z.strictObject({
  v: z.literal(2),
  s: z.number().int().nonnegative().max(MAX_LIMIT),
  f: z.record(z.string(), z.unknown()),
  p: z.record(
    z.string(),
    z.union([
      z.literal(0),
      z.tuple([
        z.string().nullable(),
        z.number().int().nonnegative(),
        z.string().nullable(),
        z.unknown(),
      ]),
    ]),
  ),
});
