import { z } from 'zod';

/*
 * The Acme Orders API, as its (made-up) documentation describes it:
 *
 *   GET /v1/orders?page_size=&page_token=&state=&customer_id=&order=
 *     page_size    1..100, default 25
 *     page_token   opaque, from next_page_token
 *     state        one state or several, comma-separated (new,paid)
 *     customer_id  exact customer id
 *     order        created_at | -created_at (default -created_at); ties by id in the same direction
 *     → 200 { orders: Order[], next_page_token: string | null, total_size: number }
 *   GET /v1/orders/{id} → 200 Order | 404
 *   Authorization: Bearer <api key>
 *   Errors: { error: { code, message } } with an X-Request-Id header; 429 carries Retry-After.
 *
 * Only the fields the provider reads are declared; unknown fields are ignored (zod's default), so a
 * new field on Acme's side never breaks the adapter.
 */

/** A decimal amount as Acme sends it: a string with up to the currency's minor-unit digits. */
const decimal = z.string().regex(/^-?\d+(\.\d+)?$/, 'must be a decimal string such as "45.65"');

/** One order line. */
export const acmeLineSchema = z.object({
  sku: z.string(),
  title: z.string(),
  quantity: z.number().int().nonnegative(),
  unit_price: decimal,
});

/** One Acme order on the wire. */
export const acmeOrderSchema = z.object({
  id: z.string().min(1),
  /** Acme's status; the documented values are in `ACME_DOCUMENTED_STATES`. Kept as any string so an undocumented one maps to unknown instead of rejecting the order. */
  state: z.string().min(1),
  customer: z
    .object({
      id: z.string(),
      email: z.string().nullable(),
      name: z.string().nullable(),
    })
    .nullable(),
  lines: z.array(acmeLineSchema),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code'),
  subtotal: decimal,
  tax: decimal,
  total: decimal,
  created_at: z.string(),
  updated_at: z.string().nullable(),
});

/** The list envelope; each record is validated on its own so one bad record does not sink the page. */
export const acmeListSchema = z.object({
  orders: z.array(z.unknown()),
  next_page_token: z.string().min(1).nullable(),
  total_size: z.number().int().nonnegative(),
});

/** Acme's error body. */
export const acmeErrorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
  }),
});

/** One Acme order on the wire. */
export type AcmeOrder = z.infer<typeof acmeOrderSchema>;
/** One line of an Acme order. */
export type AcmeLine = z.infer<typeof acmeLineSchema>;
