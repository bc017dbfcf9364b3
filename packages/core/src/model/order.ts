import { z } from 'zod';
import { moneySchema } from './money.js';
import { fulfillmentStatusSchema, orderStatusSchema, paymentStatusSchema } from './status.js';
import { timestampSchema } from './timestamp.js';

/** A provider id: lower-case letters, digits, `-` and `_` (it prefixes every order key). */
export const providerIdSchema = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9_-]{0,63}$/,
    'must be lower-case letters, digits, "-" or "_" (at most 64)',
  );

/** One line of an order. */
export const orderItemSchema = z.object({
  /** Stock-keeping unit / variant SKU. */
  sku: z.string().nullable(),
  /** Product name. */
  name: z.string().nullable(),
  /** Units ordered. */
  quantity: z.number().int().nonnegative(),
  /** Price per unit (for subscriptions: per unit per month). */
  unitPrice: moneySchema.nullable(),
  /** Subscription term in months, when the line is a subscription. */
  termMonths: z.number().nonnegative().nullable(),
  /** Per-line fulfilment: status and units done, when the provider tracks it. */
  fulfillment: z
    .object({
      status: fulfillmentStatusSchema,
      /** Units fulfilled (e.g. subscriptions created), when known. */
      done: z.number().int().nonnegative().nullable(),
    })
    .nullable(),
  /** List price (MSRP) per unit, for cost tracking. */
  listPrice: moneySchema.nullable(),
  /** Where the list price came from (`variant`, `manual`, `unknown`). */
  listPriceSource: z.string().nullable(),
  /** Acquisition cost per unit, for cost tracking. */
  acquisitionCost: moneySchema.nullable(),
  /** Where the acquisition cost came from (`variant`, `manual`, `list_price`, `unknown`). */
  acquisitionCostSource: z.string().nullable(),
});

/** The buyer. */
export const customerSchema = z.object({
  /** The provider's customer id. */
  id: z.string().nullable(),
  email: z.string().nullable(),
  /** Full name as one string ("Lena Vos"). */
  name: z.string().nullable(),
  company: z.string().nullable(),
});

/** The seller, for providers that serve several merchants or stores. */
export const merchantSchema = z.object({
  id: z.string().nullable(),
  name: z.string().nullable(),
  storeId: z.string().nullable(),
  storeName: z.string().nullable(),
});

/**
 * The canonical order: the same shape for every provider. `raw` holds the provider's wire object
 * only when the caller asked for it; provider-only detail lives under `extensions.<provider>`.
 */
export const orderSchema = z
  .object({
    /** Provider id, e.g. `flexportal`. */
    provider: providerIdSchema,
    /** The provider's own order id. */
    id: z.string().min(1),
    /** `<provider>:<id>`, unique across providers; what `get` accepts. */
    key: z.string().min(3),
    /** Lifecycle status. */
    status: orderStatusSchema,
    /** Payment status, or null where the provider has no such notion for this order. */
    paymentStatus: paymentStatusSchema.nullable(),
    /** Fulfilment status, or null where the provider has no such notion. */
    fulfillmentStatus: fulfillmentStatusSchema.nullable(),
    /** The raw status exactly as sent. */
    providerStatus: z.object({
      code: z.union([z.string(), z.number()]),
      label: z.string().nullable(),
    }),
    /** Order type, e.g. `standard`, `extension`, `upgrade`. */
    type: z.string().nullable(),
    /** The merchant's or provider's reference number. */
    reference: z.string().nullable(),
    customer: customerSchema.nullable(),
    merchant: merchantSchema.nullable(),
    items: z.array(orderItemSchema),
    totals: z.object({
      subtotal: moneySchema.nullable(),
      tax: moneySchema.nullable(),
      total: moneySchema,
      refunded: moneySchema.nullable(),
    }),
    /** Units fulfilled out of units ordered (devices rented / ordered), when tracked. */
    fulfillment: z
      .object({ total: z.number().int().nonnegative(), done: z.number().int().nonnegative() })
      .nullable(),
    /** When the order was created at the provider (UTC). */
    createdAt: timestampSchema,
    /** When it last changed, if the provider says. */
    updatedAt: timestampSchema.nullable(),
    /** When the customer placed it, if different from creation. */
    placedAt: timestampSchema.nullable(),
    /** The provider's wire object, only with `includeRaw`. */
    raw: z.unknown().optional(),
    /**
     * Provider-specific detail with no canonical home, under the provider's id. The bundled
     * providers leave out a field the provider did not send or sent as null (no null members).
     */
    extensions: z.record(z.string(), z.record(z.string(), z.unknown())),
  })
  .refine((order) => order.key === orderKey(order.provider, order.id), {
    message: 'key must be "<provider>:<id>"',
    path: ['key'],
  });

/** The canonical order. */
export type Order = z.infer<typeof orderSchema>;
/** One line of a canonical order. */
export type OrderItem = z.infer<typeof orderItemSchema>;
/** The buyer of a canonical order. */
export type Customer = z.infer<typeof customerSchema>;
/** The seller of a canonical order. */
export type Merchant = z.infer<typeof merchantSchema>;

/** Builds the cross-provider key of an order: `<provider>:<id>`. */
export function orderKey(provider: string, id: string): string {
  return `${provider}:${id}`;
}

/**
 * Why a provider order id is unusable in a request path, or undefined when it is fine. An id is
 * put into a URL path segment: `.` and `..` would be resolved away by URL normalisation (turning
 * `GET /v1/orders/..` into a request for the API root), and `/` or control characters would change
 * the path or the request line, so such ids are refused before any request is sent.
 */
export function orderIdProblem(id: string): string | undefined {
  if (id.trim() === '') return 'must not be empty';
  if (id === '.' || id === '..') return 'must not be "." or ".."';
  if (id.includes('/')) return 'must not contain "/"';
  for (const character of id) {
    const code = character.codePointAt(0)!;
    // C0 controls, DEL and C1 controls.
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return 'must not contain control characters';
  }
  return undefined;
}

/** Splits an order key at its first `:` into provider id and order id; undefined when malformed. */
export function parseOrderKey(key: string): { provider: string; id: string } | undefined {
  const separator = key.indexOf(':');
  if (separator <= 0 || separator === key.length - 1) return undefined;
  const provider = key.slice(0, separator);
  if (!providerIdSchema.safeParse(provider).success) return undefined;
  return { provider, id: key.slice(separator + 1) };
}
