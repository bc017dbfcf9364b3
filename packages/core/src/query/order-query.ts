import { z } from 'zod';
import { InvalidQueryError, type QueryIssue } from '../errors/invalid-query-error.js';
import {
  fulfillmentStatusSchema,
  orderStatusSchema,
  paymentStatusSchema,
} from '../model/status.js';
import { compareTimestamps, normalizeTimestamp, TimestampError } from '../model/timestamp.js';

/** Fields an order listing can be sorted by. */
export const SORT_FIELDS = ['createdAt', 'updatedAt', 'id', 'status', 'total'] as const;
/** A field an order listing can be sorted by. */
export type SortField = (typeof SORT_FIELDS)[number];
/** Sort direction. */
export type SortDirection = 'asc' | 'desc';
/** The sort applied when a query names none: newest first. */
export const DEFAULT_SORT: Readonly<{ field: SortField; direction: SortDirection }> = {
  field: 'createdAt',
  direction: 'desc',
};
/** Largest page a query may ask for. */
export const MAX_LIMIT = 1000;

/** Filters a query can carry. */
export const FILTER_FIELDS = [
  'status',
  'paymentStatus',
  'fulfillmentStatus',
  'createdFrom',
  'createdTo',
  'customerId',
  'merchantId',
  'currency',
  'search',
] as const;
/** A filter a query can carry. */
export type FilterField = (typeof FILTER_FIELDS)[number];

const timestampInput = z.string().transform((value, context) => {
  try {
    return normalizeTimestamp(value);
  } catch (error) {
    context.addIssue({
      code: 'custom',
      message:
        error instanceof TimestampError
          ? `${error.message}; use an ISO 8601 date or date-time such as 2024-03-01 or 2024-03-01T00:00:00Z`
          : 'must be an ISO 8601 date-time',
    });
    return z.NEVER;
  }
});

const text = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

/**
 * The one canonical query every provider answers. Status filters match any of the listed values;
 * `createdFrom` and `createdTo` are inclusive UTC bounds; `search` is a case-insensitive substring
 * of the order id, reference, customer name, email or company, or merchant name.
 */
export const orderQuerySchema = z
  .strictObject({
    /** Lifecycle statuses to include. */
    status: z.array(orderStatusSchema).min(1, 'must list at least one status').optional(),
    /** Payment statuses to include. */
    paymentStatus: z.array(paymentStatusSchema).min(1, 'must list at least one status').optional(),
    /** Fulfilment statuses to include. */
    fulfillmentStatus: z
      .array(fulfillmentStatusSchema)
      .min(1, 'must list at least one status')
      .optional(),
    /** Inclusive lower bound on `createdAt`. */
    createdFrom: timestampInput.optional(),
    /** Inclusive upper bound on `createdAt`. */
    createdTo: timestampInput.optional(),
    /** The provider's customer id. */
    customerId: text(256).optional(),
    /** The provider's merchant id. */
    merchantId: text(256).optional(),
    /**
     * ISO 4217 code of the order total (`USD`, any case). Required when sorting by `total`:
     * amounts in different currencies have no order without exchange rates.
     */
    currency: z
      .string()
      .trim()
      .regex(/^[A-Za-z]{3}$/, 'must be a three-letter ISO 4217 code such as USD')
      .transform((value) => value.toUpperCase())
      .optional(),
    /** Free-text search. */
    search: text(256).optional(),
    /** Sort order; newest first when absent. Ties are broken by order key in the same direction. */
    sort: z
      .strictObject({
        field: z.enum(SORT_FIELDS, { error: `must be one of ${SORT_FIELDS.join(', ')}` }),
        direction: z.enum(['asc', 'desc'], { error: 'must be asc or desc' }),
      })
      .optional(),
    /** Page size. */
    limit: z
      .number({ error: 'must be a whole number' })
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(MAX_LIMIT, `must be at most ${MAX_LIMIT}`)
      .optional(),
    /** Opaque cursor from a previous page. */
    cursor: z.string().min(1, 'must not be empty').max(16_384, 'is too long').optional(),
  })
  .superRefine((query, context) => {
    if (
      query.createdFrom &&
      query.createdTo &&
      compareTimestamps(query.createdFrom, query.createdTo) > 0
    ) {
      context.addIssue({
        code: 'custom',
        path: ['createdTo'],
        message: 'must not be before createdFrom',
      });
    }
    // Sorting by total across currencies would compare ¥8,760 with £827.90 as numbers. OrderBridge
    // refuses rather than inventing an order: a total sort names the one currency it ranks.
    if (query.sort?.field === 'total' && query.currency === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['currency'],
        message: `${TOTAL_SORT_NEEDS_CURRENCY}; add a currency filter such as USD`,
      });
    }
  });

/** Why a listing sorted by total must name one currency (in errors and help texts). */
export const TOTAL_SORT_NEEDS_CURRENCY =
  'sorting by total needs a single currency: amounts in different currencies cannot be ordered without exchange rates';

/** The canonical order query (validated and normalised). */
export type OrderQuery = z.output<typeof orderQuerySchema>;
/** What callers may pass before validation (timestamps in any ISO 8601 form). */
export type OrderQueryInput = z.input<typeof orderQuerySchema>;

/**
 * Validates and normalises a query (timestamps to canonical UTC).
 * @throws InvalidQueryError naming each bad field and why.
 */
export function parseOrderQuery(input: unknown): OrderQuery {
  const result = orderQuerySchema.safeParse(input ?? {});
  if (result.success) return result.data;
  throw new InvalidQueryError({ issues: toQueryIssues(result.error) });
}

/** Converts zod issues into `{ field, message }` pairs (`status[1]`, `sort.field`). */
export function toQueryIssues(error: z.ZodError): QueryIssue[] {
  return error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return { field: issue.keys.join(', '), message: 'is not a query field' };
    }
    return { field: formatPath(issue.path) || '(query)', message: issue.message };
  });
}

/** Formats a zod path as `a.b[2].c`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let result = '';
  for (const segment of path) {
    if (typeof segment === 'number') result += `[${segment}]`;
    else result += result ? `.${String(segment)}` : String(segment);
  }
  return result;
}

/** The sort of a query, with the default applied. */
export function sortOf(query: OrderQuery): { field: SortField; direction: SortDirection } {
  return query.sort ?? DEFAULT_SORT;
}

/**
 * A stable fingerprint of what a query selects and how it is ordered (everything but `cursor` and
 * `limit`), used to bind cursors to the query that produced them.
 */
export function queryFingerprint(query: OrderQuery): string {
  const { cursor: _cursor, limit: _limit, ...rest } = query;
  const normalized: Record<string, unknown> = {};
  for (const key of Object.keys(rest).sort()) {
    const value = (rest as Record<string, unknown>)[key];
    if (value === undefined) continue;
    normalized[key] = Array.isArray(value) ? [...new Set(value)].sort() : value;
  }
  normalized.sort = sortOf(query);
  return JSON.stringify(normalized);
}
