import { z } from 'zod';

/*
 * FlexFactor wire format, written from the public docs (docs/providers/flexfactor.md): the
 * response example of the list endpoint (FF-LIST, the authority for the page object and the rows),
 * the token endpoint, the common envelope and the single order. Only the fields the adapter reads are declared; a field the mapper needs for a canonical
 * field is required, descriptive fields may be absent or null. Unknown fields are accepted (and
 * ignored): the documented field lists are cut off in every stored copy of the docs.
 */

/**
 * A decimal amount. The seed sends JSON numbers (`45.65`, `3`); a numeric string is accepted too,
 * because .NET serialisers can be configured to write decimals as strings. The exact conversion
 * to minor units happens in the mapper.
 */
export const flexFactorDecimalSchema = z.union([
  z.number().refine(Number.isFinite, 'must be a finite number'),
  z.string().regex(/^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/, 'must be a decimal number'),
]);

/** An ISO 4217 code; FlexFactor sends upper case (`USD`), lower case is tolerated. */
const currencyCodeSchema = z
  .string()
  .regex(/^[A-Za-z]{3}$/, 'must be a three-letter ISO 4217 code');

/**
 * One item of the envelope's `errors`: a serialised C# ValueTuple `{ item1: message, item2: code,
 * item3: code, item4: bool }` (ActiveMerchant's recorded `failed_refund_response`; see
 * docs/providers/flexfactor.md, "Envelope").
 */
export const flexFactorErrorTupleSchema = z.object({
  item1: z.string().nullish(),
  item2: z.union([z.string(), z.number()]).nullish(),
  item3: z.union([z.string(), z.number()]).nullish(),
  item4: z.boolean().nullish(),
});

/** One item of the envelope's `errors`. */
export type FlexFactorErrorTuple = z.infer<typeof flexFactorErrorTupleSchema>;

/**
 * The common response envelope (§2.4). `status` is a string in most responses and a number in
 * NODE's TransmitResponse, so both are accepted.
 */
const envelopeFields = {
  result: z.unknown().optional(),
  status: z.union([z.string(), z.number()]).nullish(),
  statusCode: z.union([z.string(), z.number()]).nullish(),
  errors: z.array(z.union([flexFactorErrorTupleSchema, z.string()])).nullish(),
  customProperties: z.record(z.string(), z.unknown()).nullish(),
};

/** Raw status as sent: the integer code (§2.7); a string is tolerated and matched by label. */
const rawStatusSchema = z.union([z.number().int(), z.string().min(1)]);

/** The fields of a list row; the single order extends them. */
const orderRowSchema = z.object({
  id: z.string().min(1),
  isGhostMode: z.boolean().nullish(),
  payerName: z.string().nullish(),
  merchantName: z.string().nullish(),
  merchantId: z.string().nullish(),
  referenceNumber: z.string().nullish(),
  storeName: z.string().nullish(),
  storeId: z.string().nullish(),
  status: rawStatusSchema,
  /** Lower case in the seed's list (`completed`), upper case on the single order (`CAPTUREREQUIRED`). */
  statusName: z.string().nullish(),
  amount: flexFactorDecimalSchema,
  formattedAmount: z.string().nullish(),
  currencyCode: currencyCodeSchema,
  currencySymbol: z.string().nullish(),
  /** ISO 8601 UTC with microseconds, e.g. `2024-03-06T10:09:18.437947Z`. */
  createdOn: z.string().min(1),
  orderPlacedDate: z.string().nullish(),
  expiryDate: z.string().nullish(),
  /** `null` in the seed; the payout webhook names states such as `pending` (§2.10). */
  payoutStatus: z.union([z.string(), z.number()]).nullish(),
  /** `0` in the seed; absent means the refunded amount is unknown. */
  refundsAmount: flexFactorDecimalSchema.nullish(),
  descriptor: z.string().nullish(),
  paymentInstrumentToken: z.string().nullish(),
  isMIT: z.boolean().nullish(),
  siteId: z.string().nullish(),
});

/**
 * One row of `orders.rows` (FF-LIST's response example). Required: what a canonical order cannot do
 * without (id, status, amount, currency, creation time).
 *
 * Compiled with `z.compile` (zod ≥ 4.6): every listed order is validated with it, and zod's
 * interpreter cost about as much as `JSON.parse` of the row. A valid row takes generated, loop-free
 * code (≈ 6× faster, same output); an invalid one falls back to the regular parser, so issues,
 * messages and paths are exactly the schema's. The mapper only needs `validate()` (no copy built)
 * and reads a valid row in place. Compiling takes a few milliseconds once, when the module loads.
 */
export const flexFactorOrderRowSchema = z.compile(orderRowSchema);

/** A FlexFactor list row as the adapter reads it. */
export type FlexFactorOrderRow = z.infer<typeof flexFactorOrderRowSchema>;

/**
 * The `orders` page object (X.PagedList field names, §2.5). The rows are validated one by one
 * (a bad row is reported, not fatal), so here they are only required to be an array.
 */
export const flexFactorOrderPageSchema = z.object({
  pageCount: z.number().int().nonnegative(),
  pageNumber: z.number().int().nonnegative(),
  pageSize: z.number().int().nonnegative(),
  totalItemCount: z.number().int().nonnegative(),
  hasNextPage: z.boolean().nullish(),
  rows: z.array(z.unknown()),
});

/** The `orders` page object. */
export type FlexFactorOrderPage = z.infer<typeof flexFactorOrderPageSchema>;

/** `GET /v1/orders` 200 response (FF-LIST's response example). */
export const flexFactorOrderListResponseSchema = z.object({
  orders: flexFactorOrderPageSchema,
  /** Status code → name, e.g. `{ "7": "Completed" }`. */
  orderStatuses: z.record(z.string(), z.string()).nullish(),
  success: z.boolean(),
  ...envelopeFields,
});

/** A `GET /v1/orders` response as the adapter reads it. */
export type FlexFactorOrderListResponse = z.infer<typeof flexFactorOrderListResponseSchema>;

/**
 * `GET /v1/orders/{id}` 200 response (§2.6, FF-GET). The documented list is cut off after
 * `currencySymbol`; `amount` and `createdOn` are required anyway because a canonical order needs
 * them, and the row fields are read under the same names. Address sub-fields are not documented,
 * so addresses are kept verbatim.
 */
export const flexFactorOrderDetailSchema = orderRowSchema.extend({
  correlationId: z.string().nullish(),
  firstName: z.string().nullish(),
  lastName: z.string().nullish(),
  email: z.string().nullish(),
  phone: z.string().nullish(),
  secondaryEmail: z.string().nullish(),
  billingAddress: z.record(z.string(), z.unknown()).nullish(),
  shippingAddress: z.record(z.string(), z.unknown()).nullish(),
  // Envelope fields, if the single order carries them; its `status` is the order's status code.
  success: z.boolean().nullish(),
  errors: envelopeFields.errors,
});

/** A `GET /v1/orders/{id}` response as the adapter reads it. */
export type FlexFactorOrderDetail = z.infer<typeof flexFactorOrderDetailSchema>;

/**
 * `POST /v1/oauth2/token` 200 response (§2.3). `expires` is the access token's expiry in
 * milliseconds since the epoch (docs, AM transcript); NODE's `expiresIn` does not occur in real
 * responses but is tolerated. `refreshToken` is read only to keep it out of logs: no refresh
 * endpoint is documented (docs/providers/flexfactor.md ambiguity 23).
 */
export const flexFactorTokenResponseSchema = z.object({
  accessToken: z.string().min(1),
  refreshToken: z.string().nullish(),
  expires: z.union([z.number(), z.string().regex(/^\d+$/)]).nullish(),
  expiresIn: z.number().nullish(),
  success: z.boolean().nullish(),
  ...envelopeFields,
});

/** A token response as the adapter reads it. */
export type FlexFactorTokenResponse = z.infer<typeof flexFactorTokenResponseSchema>;

/**
 * Base URLs of the environments; every base ends in `/v1/`. FlexFactor's docs name two host
 * families: the newest pages (the OAuth2 token page of docs.flexfactor.io) give
 * `api(-sandbox).flexfactor.io`, the older pages, FlexCharge's own Node sample and the ActiveMerchant
 * gateway use `api(-sandbox).flex-charge.com`. `production` and `sandbox` are the newest family;
 * the `-flex-charge` environments keep the older hosts reachable (docs/providers/flexfactor.md,
 * "Hosts").
 */
export const FLEXFACTOR_BASE_URLS = {
  production: 'https://api.flexfactor.io/v1/',
  sandbox: 'https://api-sandbox.flexfactor.io/v1/',
  'production-flex-charge': 'https://api.flex-charge.com/v1/',
  'sandbox-flex-charge': 'https://api-sandbox.flex-charge.com/v1/',
} as const;

/** The FlexFactor environments. */
export type FlexFactorEnvironment = keyof typeof FLEXFACTOR_BASE_URLS;

/** The environment names, for settings validation and messages. */
export const FLEXFACTOR_ENVIRONMENTS = Object.keys(FLEXFACTOR_BASE_URLS) as [
  FlexFactorEnvironment,
  ...FlexFactorEnvironment[],
];
