import { createHash } from 'node:crypto';
import {
  InvalidQueryError,
  type OrderQuery,
  queryFingerprint,
  type SortField,
} from '@orderbridge/core';
import { z } from 'zod';

/** Columns a listing is ordered by for each sort field, before the tie-breaking `key`. */
export const SORT_COLUMNS = {
  createdAt: ['created_at'],
  updatedAt: ['updated_at'],
  id: ['order_id'],
  status: ['status_rank'],
  total: ['total_value_units', 'total_value_fraction'],
} as const satisfies Record<SortField, readonly string[]>;

/** A sort column of the orders table. */
export type SortColumn = (typeof SORT_COLUMNS)[SortField][number];

/** The last row of a page: its sort column values and key. Listing resumes strictly after it. */
export interface ListingPosition {
  values: Array<string | number>;
  key: string;
}

/** What a cursor is bound to: the query (without cursor and limit), scope and provider selection. */
export interface ListingBinding {
  scope: string;
  query: OrderQuery;
  providers: readonly string[] | undefined;
  includeVanished: boolean;
}

const text = z.string().max(4096);
const integer = z.number().int().refine(Number.isSafeInteger);
const VALUE_SCHEMAS = {
  createdAt: z.tuple([text]),
  updatedAt: z.tuple([text]),
  id: z.tuple([text]),
  status: z.tuple([integer]),
  total: z.tuple([integer, z.number().int().min(0).max(9999)]),
} as const satisfies Record<SortField, z.ZodType>;

const cursorSchema = z.strictObject({
  /** Format version. */
  v: z.literal(1),
  /** Binding: a hash of the query, scope and providers the cursor belongs to. */
  b: z.string(),
  /** Sort column values of the last row. */
  s: z.array(z.union([z.string(), z.number()])),
  /** Key of the last row. */
  k: z.string().min(1).max(4096),
});

/** A short hash of everything a cursor is only valid for. */
function bindingOf(binding: ListingBinding): string {
  const providers = binding.providers ? [...new Set(binding.providers)].sort() : '*';
  return createHash('sha256')
    .update(
      JSON.stringify([
        binding.scope,
        queryFingerprint(binding.query),
        providers,
        binding.includeVanished,
      ]),
    )
    .digest('base64url')
    .slice(0, 16);
}

/** An opaque cursor (base64url JSON) naming the position after which the next page starts. */
export function encodeListingCursor(position: ListingPosition, binding: ListingBinding): string {
  const body = { v: 1, b: bindingOf(binding), s: position.values, k: position.key };
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

function invalidCursor(message: string): InvalidQueryError {
  return new InvalidQueryError({ issues: [{ field: 'cursor', message }] });
}

/**
 * Reads a cursor made by `encodeListingCursor` for the same listing.
 * @throws InvalidQueryError (field `cursor`) when it is malformed or belongs to another query.
 */
export function decodeListingCursor(
  cursor: string,
  binding: ListingBinding,
  field: SortField,
): ListingPosition {
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor('is not a cursor returned by this store');
  }
  const parsed = cursorSchema.safeParse(body);
  if (!parsed.success) throw invalidCursor('is not a cursor returned by this store');
  if (parsed.data.b !== bindingOf(binding)) {
    throw invalidCursor(
      'belongs to another query; repeat the query that returned it (same filters, sort and providers)',
    );
  }
  const values = VALUE_SCHEMAS[field].safeParse(parsed.data.s);
  if (!values.success) throw invalidCursor('is not a cursor returned by this store');
  return { values: values.data as Array<string | number>, key: parsed.data.k };
}
