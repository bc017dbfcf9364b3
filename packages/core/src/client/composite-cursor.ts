import { createHash } from 'node:crypto';
import { InvalidQueryError } from '../errors/invalid-query-error.js';
import type { SortValue } from '../query/order-match.js';
import { type OrderQuery, queryFingerprint } from '../query/order-query.js';

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
 * Decodes a composite cursor and checks it belongs to this query and provider set.
 * @throws InvalidQueryError when the cursor is malformed or was made for another query.
 */
export function decodeCompositeCursor(
  cursor: string,
  binding: string,
  providerIds: readonly string[],
): CompositeCursorState {
  const invalid = (message: string) =>
    new InvalidQueryError({ issues: [{ field: 'cursor', message }] });
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid('is not a cursor returned by this client');
  }
  if (!isEncoded(decoded)) throw invalid('is not a cursor returned by this client');
  if (decoded.q !== binding) {
    throw invalid(
      'belongs to a different query; repeat the query that returned it, or start without a cursor',
    );
  }
  const positions = new Map<string, ProviderPosition | 'done'>();
  for (const id of providerIds) {
    const entry = decoded.p[id];
    if (entry === undefined) throw invalid(`has no position for provider "${id}"`);
    positions.set(
      id,
      entry === 0
        ? 'done'
        : { pageCursor: entry[0], consumed: entry[1], lastKey: entry[2], lastValue: entry[3] },
    );
  }
  return { positions, pageSize: decoded.s };
}

function isEncoded(value: unknown): value is Encoded {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Encoded>;
  if (
    candidate.v !== 1 ||
    typeof candidate.q !== 'string' ||
    typeof candidate.p !== 'object' ||
    candidate.p === null
  ) {
    return false;
  }
  return Object.values(candidate.p).every(
    (entry) =>
      entry === 0 ||
      (Array.isArray(entry) &&
        entry.length === 4 &&
        (entry[0] === null || typeof entry[0] === 'string') &&
        Number.isInteger(entry[1]) &&
        entry[1] >= 0 &&
        (entry[2] === null || typeof entry[2] === 'string')),
  );
}
