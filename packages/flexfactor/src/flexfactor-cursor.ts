import { createHash } from 'node:crypto';
import {
  compareMoneyValue,
  compareSortValues,
  InvalidQueryError,
  type Money,
  moneySchema,
  type Order,
  type OrderQuery,
  queryFingerprint,
  type SortDirection,
  type SortField,
  type SortValue,
  sortValueOf,
  timestampSchema,
} from '@orderbridge/core';
import { z } from 'zod';

/*
 * FlexFactor pages by number (`pageNumber`, `pageSize`; docs/providers/flexfactor.md §2.5). A page number alone
 * is a position that moves whenever orders are created or deleted, so the cursor also carries what
 * keeps the walk stable: the upper time bound pinned at the first page (sent as `to` on every
 * page, so orders created during the walk stay out), the total seen (a change means the listing
 * shifted) and the last order delivered (to realign and to skip what was already delivered).
 */

/** Where a listing stands: the last order delivered, by id and sort value. */
export interface FlexFactorPosition {
  /** FlexFactor order id. */
  id: string;
  /** Its value of the sort field (timestamp, id, or the amount as money). */
  value: string | { amountMinor: number; currency: string };
}

/** The decoded content of a FlexFactor cursor. */
export interface FlexFactorCursorState {
  /** Format version. */
  v: 1;
  /** The page number (1-based) to fetch next. */
  page: number;
  /** Page size the walk uses; page numbers only mean something with it. */
  size: number;
  /** Pinned upper bound on `createdOn` (canonical UTC timestamp), sent as `to`. */
  to: string;
  /** `totalItemCount` the walk last saw; a different one means the listing shifted. */
  total: number;
  /** The last order delivered; absent in cursors made by `cursorForPage`. */
  last?: FlexFactorPosition | undefined;
  /** Fingerprint of the query's filters and sort: a cursor only resumes the query that made it. */
  fp: string;
  /**
   * Pages delivered so far by this walk. It makes every cursor of a walk distinct: after a
   * realignment the page, total and last order can be what they were two pages earlier, and a
   * cursor that repeats must only ever mean a loop.
   */
  seq?: number | undefined;
  /**
   * Set when the last order delivered was no longer in the listing and the position was found
   * again by comparison; until an order is delivered after it, ties with it are ordered by id.
   */
  refound?: true | undefined;
}

const cursorSchema = z.strictObject({
  v: z.literal(1),
  page: z.number().int().min(1),
  size: z.number().int().min(1),
  to: timestampSchema,
  total: z.number().int().min(0),
  last: z
    .strictObject({
      id: z.string().min(1),
      value: z.union([z.string(), moneySchema]),
    })
    .optional(),
  fp: z.string().min(1),
  seq: z.number().int().min(0).optional(),
  refound: z.literal(true).optional(),
});

/** Short fingerprint of what a query selects and how it is sorted (not its cursor or limit). */
export function queryBinding(query: OrderQuery): string {
  return createHash('sha256').update(queryFingerprint(query)).digest('base64url').slice(0, 16);
}

/** Encodes a cursor as opaque base64url JSON. */
export function encodeFlexFactorCursor(state: FlexFactorCursorState): string {
  return Buffer.from(JSON.stringify(state), 'utf8').toString('base64url');
}

/**
 * Decodes a cursor and checks that it belongs to this query.
 * @throws InvalidQueryError (field `cursor`) for a cursor that is not a FlexFactor cursor, or that
 * was made by a query with other filters or another sort.
 */
export function decodeFlexFactorCursor(
  cursor: string,
  expected: { provider: string; binding: string },
): FlexFactorCursorState {
  const reject = (message: string): never => {
    throw new InvalidQueryError({
      provider: expected.provider,
      issues: [{ field: 'cursor', message }],
    });
  };
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return reject(`is not a ${expected.provider} cursor; pass the nextCursor of a previous page`);
  }
  const parsed = cursorSchema.safeParse(decoded);
  if (!parsed.success) {
    return reject(`is not a ${expected.provider} cursor; pass the nextCursor of a previous page`);
  }
  if (parsed.data.fp !== expected.binding) {
    return reject(
      'belongs to a query with other filters or another sort; resume with the same query that produced it',
    );
  }
  return parsed.data as FlexFactorCursorState;
}

/** The position of an order in a listing sorted by `field`. */
export function positionOf(order: Order, field: SortField): FlexFactorPosition {
  const value = sortValueOf(order, field);
  if (value === null) return { id: order.id, value: order.id };
  return { id: order.id, value };
}

/**
 * How `order` compares with `last` by the sort value alone, in the listing's direction (negative:
 * before, 0: equal value), in FlexFactor's own order. Timestamps have one order; for ids this
 * assumes FlexFactor orders them as text, as claiming the `id` sort already does (the docs do not
 * say). Amounts are compared by decimal value whatever their currency, because `orderBy=amount`
 * ranks the bare numbers: the rows of a page come in that order before the currency filter (which
 * a total sort needs) leaves one currency, in which this and core's (currency, amount) agree.
 */
export function compareWithPosition(
  order: Order,
  last: FlexFactorPosition,
  sort: { field: SortField; direction: SortDirection },
): number {
  const value = sortValueOf(order, sort.field);
  const comparison =
    sort.field === 'total' && value !== null && last.value !== null
      ? compareMoneyValue(value as Money, last.value as Money)
      : compareSortValues(sort.field, value, last.value as SortValue);
  return sort.direction === 'asc' ? comparison : -comparison;
}
