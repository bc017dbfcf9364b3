import { createHash } from 'node:crypto';
import {
  InvalidQueryError,
  type OrderQuery,
  queryFingerprint,
  type SortValue,
} from '@orderbridge/core';

/**
 * Where a memory listing resumes: after an order (keyset: the sort value and key of the last order
 * of the previous page, so inserts and removals never shift a running walk), or at a page number.
 */
export type MemoryPosition = { after: { key: string; value: SortValue } } | { page: number };

interface CursorPayload {
  /** Version of the cursor format. */
  v: 1;
  /** Hash of the query the cursor belongs to. */
  q: string;
  /** The position. */
  p: MemoryPosition;
}

/** Encodes a position of a listing as an opaque cursor bound to the query. */
export function encodeMemoryCursor(query: OrderQuery, position: MemoryPosition): string {
  const payload: CursorPayload = { v: 1, q: queryHash(query), p: position };
  return Buffer.from(JSON.stringify(payload)).toString('base64url');
}

/** The cursor of another page of the same page-number listing. */
export function withPage(cursor: string, page: number): string {
  const payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as CursorPayload;
  return Buffer.from(JSON.stringify({ ...payload, p: { page } })).toString('base64url');
}

/**
 * Reads a cursor back.
 * @throws InvalidQueryError when it is not a cursor of this provider or belongs to another query.
 */
export function decodeMemoryCursor(
  provider: string,
  query: OrderQuery,
  cursor: string,
): MemoryPosition {
  let payload: Partial<CursorPayload> | undefined;
  try {
    payload = JSON.parse(
      Buffer.from(cursor, 'base64url').toString('utf8'),
    ) as Partial<CursorPayload>;
  } catch {
    payload = undefined;
  }
  const position = payload?.p;
  const isPosition =
    typeof position === 'object' &&
    position !== null &&
    (('page' in position && Number.isInteger(position.page) && position.page >= 1) ||
      ('after' in position && typeof position.after?.key === 'string'));
  if (payload?.v !== 1 || typeof payload.q !== 'string' || !isPosition) {
    throw new InvalidQueryError({
      provider,
      issues: [{ field: 'cursor', message: `is not a cursor of provider "${provider}"` }],
    });
  }
  if (payload.q !== queryHash(query)) {
    throw new InvalidQueryError({
      provider,
      issues: [
        {
          field: 'cursor',
          message: 'belongs to another query; pass the same filters and sort as the first page',
        },
      ],
    });
  }
  return position;
}

function queryHash(query: OrderQuery): string {
  return createHash('sha256').update(queryFingerprint(query)).digest('base64url').slice(0, 16);
}
