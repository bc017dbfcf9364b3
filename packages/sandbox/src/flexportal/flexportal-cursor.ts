import { z } from 'zod';
import type { KeysetPosition } from '../table/order-table.js';
import { FLEXPORTAL_SORT_FIELDS, type FlexPortalSortField } from './flexportal-schema.js';

/**
 * FlexPortal's `nextCursor` / `startAfter` (§1.4). The docs call it opaque (its example looks like an
 * orderId); the sandbox makes it a keyset position, base64url JSON of the last order's sort value
 * and orderId, bound to the tenant, sort and filters. Keyset means orders inserted or deleted during
 * a walk never cause duplicates or gaps among the orders that exist throughout.
 */

const cursorSchema = z.strictObject({
  v: z.literal(1),
  s: z.enum(FLEXPORTAL_SORT_FIELDS),
  d: z.enum(['asc', 'desc']),
  f: z.string(),
  k: z.union([z.number(), z.string(), z.null()]),
  i: z.string(),
});

/** What a cursor records. */
export interface FlexPortalCursor {
  /** Sort field the cursor was issued for. */
  readonly sortBy: FlexPortalSortField;
  /** Sort direction the cursor was issued for. */
  readonly sortDir: 'asc' | 'desc';
  /** Fingerprint of tenant + filters the cursor was issued for. */
  readonly fingerprint: string;
  /** Where the next page starts (strictly after it). */
  readonly position: KeysetPosition;
}

/** Encodes a cursor as an opaque base64url string. */
export function encodeFlexPortalCursor(cursor: FlexPortalCursor): string {
  const payload = {
    v: 1,
    s: cursor.sortBy,
    d: cursor.sortDir,
    f: cursor.fingerprint,
    k: cursor.position.value,
    i: cursor.position.id,
  };
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

/** Decodes a cursor; undefined when the text is not one the sandbox issued. */
export function decodeFlexPortalCursor(text: string): FlexPortalCursor | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = cursorSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const { s, d, f, k, i } = parsed.data;
  return { sortBy: s, sortDir: d, fingerprint: f, position: { value: k, id: i } };
}
