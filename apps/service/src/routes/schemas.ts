import { z } from '@hono/zod-openapi';
import {
  customerSchema,
  fulfillmentStatusSchema,
  merchantSchema,
  moneySchema,
  orderItemSchema,
  orderSchema,
} from '@orderbridge/core';
import { PROBLEM_BASE, PROBLEM_TYPES } from '../http/problem.js';

/*
 * The response schemas reuse core's zod model field by field and only add descriptions, so the
 * OpenAPI document shows exactly the shape core validates orders with. (Core's JSDoc is not visible
 * to the OpenAPI generator; `.describe()` in core would make this layer unnecessary.)
 */

type Shape = Record<string, z.ZodType>;

/**
 * A nullable reference to a named schema. (`.nullable()` on a named schema loses the `null` in the
 * generated document, so the union is spelled out.)
 */
function nullableReference(schema: z.ZodType) {
  return z.union([schema, z.null()]);
}

/** Copies an object schema's fields, giving each its description (every field must have one). */
function described<T extends Shape>(
  shape: T,
  descriptions: { [K in keyof T]: string },
  replacements: Partial<Record<keyof T, z.ZodType>> = {},
) {
  const result: Record<string, z.ZodType> = {};
  for (const [name, schema] of Object.entries(shape)) {
    const replacement = replacements[name as keyof T];
    const description = descriptions[name as keyof T];
    // Core's schemas may be created before @hono/zod-openapi extends zod, so they lack `.openapi`;
    // zod's own `.describe` metadata is read by the generator too.
    result[name] = replacement
      ? replacement.openapi({ description })
      : schema.describe(description);
  }
  return z.object(result as { [K in keyof T]: z.ZodType });
}

/** Money in minor units. */
export const moneyResponseSchema = described(moneySchema.shape, {
  amountMinor:
    'Integer amount in minor units of the currency: 45.65 USD is 4565, 1200 JPY is 1200, 1.250 KWD is 1250.',
  currency: 'ISO 4217 currency code.',
}).openapi('Money', { description: 'An exact amount of money.' });

const nullableMoney = nullableReference(moneyResponseSchema);

/** A buyer. */
export const customerResponseSchema = described(customerSchema.shape, {
  id: "The provider's customer id.",
  email: 'Email address (masked as `l***@example.com` when redaction is on).',
  name: 'Full name as one string.',
  company: 'Company name.',
}).openapi('Customer', { description: 'The buyer.' });

/** A seller. */
export const merchantResponseSchema = described(merchantSchema.shape, {
  id: "The provider's merchant id.",
  name: 'Merchant name.',
  storeId: 'Store id, for providers with several stores per merchant.',
  storeName: 'Store name.',
}).openapi('Merchant', { description: 'The seller, for providers that serve several merchants.' });

/** One order line. */
export const orderItemResponseSchema = described(
  orderItemSchema.shape,
  {
    sku: 'Stock-keeping unit / variant SKU.',
    name: 'Product name.',
    quantity: 'Units ordered.',
    unitPrice: 'Price per unit (for subscriptions: per unit per month).',
    termMonths: 'Subscription term in months, when the line is a subscription.',
    fulfillment: 'Per-line fulfilment status and units done, when the provider tracks it.',
    listPrice: 'List price (MSRP) per unit, for cost tracking.',
    listPriceSource: 'Where the list price came from (`variant`, `manual`, `unknown`).',
    acquisitionCost: 'Acquisition cost per unit, for cost tracking.',
    acquisitionCostSource:
      'Where the acquisition cost came from (`variant`, `manual`, `list_price`, `unknown`).',
  },
  {
    unitPrice: nullableMoney,
    listPrice: nullableMoney,
    acquisitionCost: nullableMoney,
    fulfillment: z
      .object({
        status: fulfillmentStatusSchema.describe('Fulfilment status of the line.'),
        done: z
          .number()
          .int()
          .nonnegative()
          .nullable()
          .openapi({ description: 'Units fulfilled (e.g. subscriptions created), when known.' }),
      })
      .nullable(),
  },
).openapi('OrderItem', { description: 'One line of an order.' });

const shape = orderSchema.shape;

/** The canonical order, as every provider returns it. */
export const orderResponseSchema = described(
  shape,
  {
    provider: 'Provider id, e.g. `flexportal`.',
    id: "The provider's own order id.",
    key: '`<provider>:<id>`, unique across providers; what `GET /v1/orders/{key}` accepts.',
    status: 'Lifecycle status.',
    paymentStatus: 'Payment status, or null where the provider has no such notion for this order.',
    fulfillmentStatus: 'Fulfilment status, or null where the provider has no such notion.',
    providerStatus: 'The raw status exactly as the provider sent it (`code` and `label`).',
    type: 'Order type, e.g. `standard`, `extension`, `upgrade`.',
    reference: "The merchant's or provider's reference number.",
    customer: 'The buyer, when known.',
    merchant: 'The seller, when the provider has several.',
    items: 'The order lines.',
    totals: 'Subtotal, tax, total and refunded amount.',
    fulfillment: 'Units fulfilled out of units ordered (devices rented / ordered), when tracked.',
    createdAt: 'When the order was created at the provider (ISO 8601 UTC).',
    updatedAt: 'When it last changed, if the provider says (ISO 8601 UTC).',
    placedAt: 'When the customer placed it, if different from creation (ISO 8601 UTC).',
    raw: "The provider's wire object; only with `includeRaw=true`.",
    extensions:
      'Provider-specific detail with no canonical home, under the provider id. A provider field that was not sent, or was sent as null, is left out: there are no null members here, unlike the canonical fields.',
  },
  {
    customer: nullableReference(customerResponseSchema),
    merchant: nullableReference(merchantResponseSchema),
    items: z.array(orderItemResponseSchema),
    totals: described(
      (shape.totals as unknown as z.ZodObject<Shape>).shape,
      {
        subtotal: 'Sum of the lines before tax.',
        tax: 'Tax.',
        total: 'Amount due.',
        refunded: 'Amount refunded so far.',
      },
      {
        subtotal: nullableMoney,
        tax: nullableMoney,
        total: moneyResponseSchema,
        refunded: nullableMoney,
      },
    ),
    providerStatus: described((shape.providerStatus as unknown as z.ZodObject<Shape>).shape, {
      code: 'The raw status value.',
      label: 'The raw status label, when the provider sends one.',
    }),
    fulfillment: z
      .object({
        total: z.number().int().nonnegative().openapi({ description: 'Units ordered.' }),
        done: z.number().int().nonnegative().openapi({ description: 'Units fulfilled.' }),
      })
      .nullable(),
  },
).openapi('Order', {
  description:
    'The canonical order: the same shape for every provider. With `fields=`, only the chosen top-level fields and `key` are present.',
});

/** A warning attached to a result. */
export const warningResponseSchema = z
  .object({
    code: z
      .enum([
        'filter-emulated',
        'early-stop',
        'unknown-status',
        'invalid-record',
        'limit-clamped',
        'filter-never-matches',
        'scan-budget-exhausted',
        'other',
      ])
      .openapi({ description: 'Stable kind of warning.' }),
    message: z.string().openapi({ description: 'What happened, for people.' }),
    provider: z.string().optional().openapi({ description: 'Provider id it concerns.' }),
    field: z.string().optional().openapi({ description: 'Query field it concerns.' }),
    orderKey: z.string().optional().openapi({ description: 'Key of the order it concerns.' }),
    recordId: z
      .string()
      .optional()
      .openapi({ description: "For `invalid-record`: the provider's id of the record." }),
    issues: z
      .array(
        z.object({
          path: z.string().openapi({ description: 'JSON path inside the payload.' }),
          message: z.string().openapi({ description: 'What was wrong there.' }),
        }),
      )
      .optional()
      .openapi({ description: 'For `invalid-record`: each schema violation.' }),
  })
  .openapi('Warning', {
    description:
      'Something the caller should know: a filter applied locally, an unknown status, a record that could not be read.',
  });

const problemNames = Object.keys(PROBLEM_TYPES);

/** RFC 9457 problem details. */
export const problemResponseSchema = z
  .object({
    type: z.string().openapi({
      description: `Stable URI of the kind of problem: \`${PROBLEM_BASE}<name>\` with name one of ${problemNames.map((name) => `\`${name}\``).join(', ')}.`,
      example: `${PROBLEM_BASE}invalid-query`,
    }),
    title: z.string().openapi({ description: 'Short summary of the kind of problem.' }),
    status: z.number().int().openapi({ description: 'HTTP status code.' }),
    detail: z.string().openapi({ description: 'What happened this time and what to do.' }),
    instance: z.string().optional().openapi({ description: 'The request path.' }),
    requestId: z
      .string()
      .optional()
      .openapi({ description: 'The request id (also in `X-Request-Id`).' }),
    errors: z
      .array(
        z.object({
          field: z.string().openapi({ description: 'The parameter that is invalid.' }),
          message: z.string().openapi({ description: 'What is wrong and what is accepted.' }),
        }),
      )
      .optional()
      .openapi({ description: 'Each invalid field, for bad input.' }),
    provider: z.string().optional().openapi({ description: 'The provider that failed.' }),
    kind: z
      .string()
      .optional()
      .openapi({ description: 'Kind of provider failure (`authentication`, `timeout`, ...).' }),
    providerStatus: z
      .number()
      .int()
      .optional()
      .openapi({ description: 'HTTP status the provider answered with.' }),
    providerRequestId: z
      .string()
      .optional()
      .openapi({ description: "The provider's request id, for the provider's support." }),
    retryAfter: z
      .number()
      .int()
      .optional()
      .openapi({ description: 'Seconds to wait before retrying (also `Retry-After`).' }),
  })
  .openapi('Problem', { description: 'An error, as RFC 9457 problem details.' });

/** A provider that failed inside a partial answer. */
export const providerFailureResponseSchema = z
  .object({
    provider: z.string().openapi({ description: 'The provider that failed.' }),
    type: z.string().openapi({ description: 'Problem type URI of the failure.' }),
    title: z.string().openapi({ description: 'Short summary.' }),
    detail: z.string().openapi({ description: 'What happened.' }),
    status: z
      .number()
      .int()
      .openapi({ description: 'The status the request would have failed with.' }),
    kind: z.string().optional().openapi({ description: 'Kind of provider failure.' }),
    providerStatus: z
      .number()
      .int()
      .optional()
      .openapi({ description: 'HTTP status the provider answered with.' }),
    providerRequestId: z.string().optional().openapi({ description: "The provider's request id." }),
  })
  .openapi('ProviderFailure', {
    description: 'A provider whose orders are missing from a partial answer, and why.',
  });

/** How fresh the store's copy of one provider's orders is. */
export const providerFreshnessResponseSchema = z
  .object({
    provider: z.string().openapi({ description: 'Provider id.' }),
    lastSyncedAt: z.string().nullable().openapi({
      description:
        "End of the provider's last successful sync run (ISO 8601 UTC); null when none completed.",
    }),
    lastError: z
      .object({
        at: z.string().openapi({ description: 'When the run failed (ISO 8601 UTC).' }),
        message: z.string().openapi({ description: 'Why (no secrets, no upstream URLs).' }),
      })
      .nullable()
      .openapi({ description: 'The last run, when it failed; null otherwise.' }),
  })
  .openapi('ProviderFreshness', {
    description: "How fresh the order store's copy of one provider's orders is.",
  });

/** One page of `GET /v1/orders`. */
export const orderPageResponseSchema = z
  .object({
    orders: z
      .array(orderResponseSchema)
      .openapi({ description: "Orders from every selected provider, in the query's sort order." }),
    nextCursor: z.string().nullable().openapi({
      description:
        'Pass as `cursor` (with the same other parameters) for the next page; null at the end.',
    }),
    warnings: z
      .array(warningResponseSchema)
      .openapi({ description: 'Distinct warnings from every provider.' }),
    errors: z.array(providerFailureResponseSchema).optional().openapi({
      description: 'With `partial=true`: the providers that failed; their orders are missing.',
    }),
    source: z.enum(['live', 'store']).openapi({
      description:
        'Which source answered: `live` (the providers) or `store` (the order store); also in the `OrderBridge-Source` header.',
    }),
    freshness: z.array(providerFreshnessResponseSchema).optional().openapi({
      description: 'Store answers only: how fresh the store is for each provider read.',
    }),
  })
  .openapi('OrderPage', { description: 'One page of orders merged across providers.' });

/** A configured provider. */
export const providerResponseSchema = z
  .object({
    id: z.string().openapi({ description: 'Provider id; the prefix of its order keys.' }),
    specificationVersion: z
      .string()
      .openapi({ description: 'Version of the provider port it implements.' }),
    capabilities: z
      .object({
        filters: z
          .array(z.string())
          .openapi({ description: "Filters the provider's API applies." }),
        statusFilterValues: z
          .enum(['none', 'one', 'many'])
          .openapi({ description: 'How many raw status values one request can filter by.' }),
        sorts: z.array(z.string()).openapi({ description: 'Sort fields the API orders by.' }),
        defaultPageSize: z.number().int().openapi({ description: 'Default page size.' }),
        maxPageSize: z.number().int().openapi({ description: 'Largest page the API serves.' }),
        pageNumbers: z
          .boolean()
          .openapi({ description: 'Whether pages can be fetched by number.' }),
        totalCount: z.boolean().openapi({ description: 'Whether pages report a total count.' }),
      })
      .openapi({ description: 'What the provider does itself; OrderBridge does the rest.' }),
  })
  .openapi('Provider', { description: "One of the tenant's providers." });

/** `GET /v1/providers`. */
export const providerListResponseSchema = z
  .object({
    providers: z
      .array(providerResponseSchema)
      .openapi({ description: "The tenant's providers, in configuration order." }),
  })
  .openapi('ProviderList', { description: "The tenant's providers and their capabilities." });
