import { z } from '@hono/zod-openapi';
import {
  DEFAULT_SORT,
  FULFILLMENT_STATUSES,
  MAX_LIMIT,
  normalizeStatusText,
  ORDER_STATUSES,
  type OrderQueryInput,
  PAYMENT_STATUSES,
  parseSortText,
  resolveDateText,
  SORT_FIELDS,
} from '@orderbridge/core';
import { ORDER_FIELD_NAMES } from '../routes/order-projection.js';

/** Page size when a request names none. */
export const DEFAULT_LIMIT = 50;

/**
 * Most values one list-valued parameter may carry (`status=a,b,...`). Far above any real use (there
 * are eight lifecycle statuses); it keeps a tiny query of commas from producing one error each.
 */
export const MAX_LIST_VALUES = 50;

const once = (message = 'must be given at most once') =>
  z.string({
    error: (issue) => (Array.isArray(issue.input) ? message : 'must be a string'),
  });

/**
 * `a,b` and repeated parameters (`?x=a&x=b`) both become `['a', 'b']`, items trimmed, as the CLI's
 * repeatable flags; empty items are kept for core to reject.
 */
function toList(value: unknown): unknown {
  if (value === undefined) return undefined;
  const values = Array.isArray(value) ? value : [value];
  return values.flatMap((item) =>
    typeof item === 'string' ? item.split(',').map((part) => part.trim()) : [item],
  );
}

/** Status values as the CLI reads them: case-insensitive, `-` for `_` (`partially-fulfilled`). */
function normalizeStatuses(values: string[] | undefined): string[] | undefined {
  return values?.map(normalizeStatusText);
}

const list = (description: string, values?: readonly string[]) =>
  z
    .preprocess(
      toList,
      z
        .array(z.string())
        .max(MAX_LIST_VALUES, `must list at most ${MAX_LIST_VALUES} values`)
        .optional(),
    )
    .openapi({
      description: `${description} At most ${MAX_LIST_VALUES} values.`,
      param: { style: 'form', explode: true },
      ...(values ? { items: { type: 'string', enum: [...values] } } : {}),
    });

/**
 * `fields`: top-level order fields to return, in the list shape of the other parameters; an
 * unknown name is an invalid-query problem naming the parameter.
 */
const fieldsParameter = (what: string) =>
  z
    .preprocess(
      toList,
      z
        .array(z.enum(ORDER_FIELD_NAMES as [string, ...string[]]))
        .min(1)
        .optional(),
    )
    .openapi({
      description: `Return only these top-level fields of ${what} (any of; repeat the parameter or separate names with commas); \`key\` is always returned, and \`raw\` with \`includeRaw=true\`. Without \`fields\`, every field. E.g. \`fields=status,totals,createdAt\` leaves out \`items\`, \`customer\` and the provider \`extensions\`, which are most of an order's size.`,
      param: { style: 'form', explode: true },
      items: { type: 'string', enum: [...ORDER_FIELD_NAMES] },
    });

const BOOLEAN_TEXT: Record<string, boolean> = { true: true, '1': true, false: false, '0': false };
const booleanParameter = (description: string) =>
  once()
    .optional()
    .transform((value, context) => {
      if (value === undefined) return undefined;
      const parsed = BOOLEAN_TEXT[value.toLowerCase()];
      if (parsed === undefined) {
        context.addIssue({ code: 'custom', message: 'must be true or false' });
        return z.NEVER;
      }
      return parsed;
    })
    .openapi({ type: 'boolean', description, default: false });

const timestampParameter = (description: string) =>
  once()
    .optional()
    .openapi({
      description,
      examples: ['2025-03-01', '2025-03-01T12:00:00Z', '7d', '12h'],
    });

/** Where orders are read from: the providers' APIs, or the order store that `sync` keeps. */
export const ORDER_SOURCES = ['live', 'store'] as const;
/** Where an order listing or look-up is answered from. */
export type OrderSource = (typeof ORDER_SOURCES)[number];

const sourceParameter = once()
  .pipe(z.enum(ORDER_SOURCES, { error: 'must be live or store' }))
  .optional()
  .openapi({
    type: 'string',
    enum: [...ORDER_SOURCES],
    description:
      "`live` asks the tenant's providers; `store` reads the order store (`ORDERBRIDGE_DATABASE_URL`, kept current by `orderbridge sync`): every filter and sort is answered by the database's indexes, without an upstream request, as fresh as the last sync (the `OrderBridge-Source` and `OrderBridge-Synced-At` headers say which and how fresh). Default: the tenant's `source` setting, else the service's `ORDERBRIDGE_DEFAULT_SOURCE`, else `live`.",
  });

const textParameter = (description: string) =>
  once().optional().openapi({ description, maxLength: 256 });

/**
 * The query string of `GET /v1/orders`: the canonical `OrderQuery` fields under the same names as
 * the CLI flags, plus `provider`, `partial` and `includeRaw`. This schema only reads the HTTP shape
 * (lists, once-only values, booleans); `parseOrderQuery` in core does the canonical validation, so
 * the service, the CLI and the library accept exactly the same queries.
 */
export const listOrdersQuerySchema = z
  .strictObject({
    status: list(
      'Lifecycle statuses to include (any of). Repeat the parameter or separate values with commas.',
      ORDER_STATUSES,
    ),
    paymentStatus: list(
      'Payment statuses to include (any of). Repeat the parameter or separate values with commas.',
      PAYMENT_STATUSES,
    ),
    fulfillmentStatus: list(
      'Fulfilment statuses to include (any of). Repeat the parameter or separate values with commas.',
      FULFILLMENT_STATUSES,
    ),
    createdFrom: timestampParameter(
      'Inclusive lower bound on `createdAt`: an ISO 8601 date-time (no zone means UTC), a date (the start of that UTC day), or a time before now: `30m`, `12h`, `7d`, `2w`.',
    ),
    createdTo: timestampParameter(
      'Inclusive upper bound on `createdAt`, in the same forms as `createdFrom`; a date means the end of that UTC day (23:59:59.999).',
    ),
    customerId: textParameter("The provider's customer id."),
    merchantId: textParameter("The provider's merchant id."),
    currency: once().optional().openapi({
      description:
        'Only orders whose total is in this ISO 4217 currency (any case). Required with `sort=total`: amounts in different currencies have no order without exchange rates, so a total sort ranks one currency.',
      pattern: '^[A-Za-z]{3}$',
      example: 'USD',
    }),
    search: textParameter(
      'Case-insensitive substring of the order id, reference, customer name, email or company, or merchant name.',
    ),
    sort: once()
      .optional()
      .openapi({
        description: `Sort order as \`field:direction\` (direction \`asc\` or \`desc\`, default \`desc\`); fields: ${SORT_FIELDS.join(', ')}. Default \`${DEFAULT_SORT.field}:${DEFAULT_SORT.direction}\`. Ties are broken by order key. \`total\` needs \`currency\` (one currency is ranked; a total sort without it is a 400).`,
        example: 'createdAt:desc',
      }),
    limit: once()
      .optional()
      .openapi({
        type: 'integer',
        minimum: 1,
        maximum: MAX_LIMIT,
        default: DEFAULT_LIMIT,
        description: `Orders per page, 1 to ${MAX_LIMIT}.`,
      }),
    cursor: once().optional().openapi({
      description:
        'The `nextCursor` of the previous page (signed; valid only for the same query and API key tenant).',
    }),
    provider: list(
      "Restrict the listing to some of the tenant's provider ids (see `GET /v1/providers`).",
    ),
    partial: booleanParameter(
      'When a provider fails, answer 200 with the other providers’ orders and an `errors` entry per failed provider, instead of failing the request.',
    ),
    includeRaw: booleanParameter("Include each provider's wire object as `order.raw`."),
    fields: fieldsParameter('each order'),
    source: sourceParameter,
  })
  .openapi('ListOrdersQuery');

/** The query string of `GET /v1/orders/{key}`. */
export const getOrderQuerySchema = z
  .strictObject({
    includeRaw: booleanParameter("Include the provider's wire object as `raw`."),
    fields: fieldsParameter('the order'),
    source: sourceParameter,
  })
  .openapi('GetOrderQuery');

/** The parsed query string of `GET /v1/orders`. */
export type ListOrdersParameters = z.output<typeof listOrdersQuerySchema>;

/** What the route hands to core: the canonical query and the per-call options. */
export interface ListOrdersRequest {
  /** The canonical query, before core's validation (core's `parseOrderQuery` runs in `list`). */
  query: OrderQueryInput;
  /** Provider ids to restrict to, if any. */
  providers: string[] | undefined;
  /** Whether a provider failure yields a partial answer. */
  isPartial: boolean;
  /** Whether orders carry `raw`. */
  includeRaw: boolean;
  /** Top-level order fields to return (`key` always); undefined for every field. */
  fields: string[] | undefined;
  /** Where to read from, when the request says; undefined for the tenant's default. */
  source: OrderSource | undefined;
}

/**
 * Turns the parsed parameters into core's query input: relative times become timestamps, `sort`
 * becomes `{ field, direction }`, `limit` a number (core rejects anything that is not a whole
 * number in range). The cursor is passed as given; the caller verifies its signature first.
 */
export function toListOrdersRequest(
  parameters: ListOrdersParameters,
  now: () => number = Date.now,
): ListOrdersRequest {
  const query: Record<string, unknown> = {};
  if (parameters.status !== undefined) query.status = normalizeStatuses(parameters.status);
  if (parameters.paymentStatus !== undefined) {
    query.paymentStatus = normalizeStatuses(parameters.paymentStatus);
  }
  if (parameters.fulfillmentStatus !== undefined) {
    query.fulfillmentStatus = normalizeStatuses(parameters.fulfillmentStatus);
  }
  if (parameters.createdFrom !== undefined) {
    query.createdFrom = resolveDateText(parameters.createdFrom, 'from', now);
  }
  if (parameters.createdTo !== undefined) {
    query.createdTo = resolveDateText(parameters.createdTo, 'to', now);
  }
  if (parameters.customerId !== undefined) query.customerId = parameters.customerId;
  if (parameters.merchantId !== undefined) query.merchantId = parameters.merchantId;
  if (parameters.currency !== undefined) query.currency = parameters.currency;
  if (parameters.search !== undefined) query.search = parameters.search;
  if (parameters.sort !== undefined) query.sort = parseSortText(parameters.sort);
  query.limit = parameters.limit === undefined ? DEFAULT_LIMIT : parseInteger(parameters.limit);
  if (parameters.cursor !== undefined) query.cursor = parameters.cursor;
  return {
    query: query as OrderQueryInput,
    providers: parameters.provider,
    isPartial: parameters.partial ?? false,
    includeRaw: parameters.includeRaw ?? false,
    fields: parameters.fields,
    source: parameters.source,
  };
}

/** A decimal integer, or NaN (which core reports as "must be a whole number"). */
function parseInteger(text: string): number {
  return /^[+-]?\d{1,15}$/.test(text.trim()) ? Number(text) : Number.NaN;
}
