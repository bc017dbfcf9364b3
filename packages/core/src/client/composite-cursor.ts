import { createHash } from 'node:crypto';
import { z } from 'zod';
import { InvalidQueryError } from '../errors/invalid-query-error.js';
import { moneySchema } from '../model/money.js';
import { orderStatusSchema } from '../model/status.js';
import { timestampSchema } from '../model/timestamp.js';
import type { SortValue } from '../query/order-match.js';
import {
  MAX_LIMIT,
  type OrderQuery,
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

interface Encoded {
  v: 1;
  q: string;
  s: number;
  p: Record<string, [string | null, number, string | null, SortValue] | 0>;
}

/** A short hash binding a cursor to the query and providers that produced it. */
export function cursorBinding(query: OrderQuery, providerIds: readonly string[]): string {
  return createHash('sha256')
    .update(queryFingerprint(query))
    .update('\u0000')
    .update([...providerIds].sort().join(','))
    .digest('base64url')
    .slice(0, 16);
}

/** Encodes the merged listing's position as an opaque string (base64url JSON). */
export function encodeCompositeCursor(binding: string, state: CompositeCursorState): string {
  const encoded: Encoded = { v: 1, q: binding, s: state.pageSize, p: {} };
  for (const [provider, position] of state.positions) {
    encoded.p[provider] =
      position === 'done'
        ? 0
        : [position.pageCursor, position.consumed, position.lastKey, position.lastValue];
  }
  return Buffer.from(JSON.stringify(encoded)).toString('base64url');
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
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid('is not a cursor returned by this client');
  }
  const decoded = encodedSchema.safeParse(json);
  if (!decoded.success) throw invalid('is not a cursor returned by this client');
  const { q, s: pageSize, p } = decoded.data;
  if (q !== binding) {
    throw invalid(
      'belongs to a different query; repeat the query that returned it, or start without a cursor',
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
    const [pageCursor, consumed, lastKey, lastValue] = entry;
    // An offset past the page size, or a sort value of the wrong kind, cannot come from this client.
    const providerSize = providerPageSize(id, pageSize);
    if (providerSize > 0 && consumed > providerSize)
      throw invalid('is not a cursor returned by this client');
    const value = lastValueSchema.safeParse(lastValue);
    if (!value.success) throw invalid('is not a cursor returned by this client');
    positions.set(id, { pageCursor, consumed, lastKey, lastValue: value.data as SortValue });
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
  v: z.literal(1),
  q: z.string(),
  s: z.number().int().nonnegative().max(MAX_LIMIT),
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
