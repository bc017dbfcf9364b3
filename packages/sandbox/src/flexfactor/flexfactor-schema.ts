import { z } from 'zod';

/*
 * The sandbox's own reading of the FlexFactor wire format: the response example of FF-LIST (the
 * authority for rows and the page object), docs/providers/flexfactor.md §2.3 (token), §2.4 (envelope), §2.6
 * (single order) and §2.8 (error shapes). Strict objects: a test fails when the generator emits a
 * key the documents do not show.
 */

/** Order status codes and their documented names (the list response's `orderStatuses`). */
export const FLEXFACTOR_ORDER_STATUSES = {
  '0': 'Draft',
  '1': 'Onhold',
  '2': 'Cancelled',
  '3': 'Problem',
  '4': 'Processing',
  '5': 'Capturerequired',
  '6': 'Returned',
  '7': 'Completed',
} as const;

/**
 * The code the sandbox gives "Chargeback" (disputed by the customer). FlexFactor's portal guide
 * lists the status but no code, so the sandbox picks the next free one and, like the real table
 * would, names it in every list response's `orderStatuses`; a client must read it from there.
 */
export const FLEXFACTOR_CHARGEBACK_CODE = 8;

/** The `orderStatuses` table the sandbox sends: the documented codes plus Chargeback. */
export const FLEXFACTOR_SANDBOX_ORDER_STATUSES: Readonly<Record<string, string>> = {
  ...FLEXFACTOR_ORDER_STATUSES,
  [String(FLEXFACTOR_CHARGEBACK_CODE)]: 'Chargeback',
};

/** A FlexFactor status code of the sandbox: 0..7, and 8 for Chargeback. */
export type FlexFactorStatusCode = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

/** The name of a status code in the sandbox's table, e.g. 7 → "Completed", 8 → "Chargeback". */
export function flexFactorStatusName(code: number): string | undefined {
  return FLEXFACTOR_SANDBOX_ORDER_STATUSES[String(code)];
}

/** ISO 8601 UTC with exactly six fraction digits, as `createdOn` in FF-LIST's response example. */
const microsTimestamp = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/, 'ISO timestamp with microseconds and Z');

/** One row of `orders.rows` with every field of the seed example, in the same order. */
export const flexFactorRowSchema = z.strictObject({
  id: z.string(),
  isGhostMode: z.boolean(),
  payerName: z.string(),
  merchantName: z.string(),
  merchantId: z.string(),
  referenceNumber: z.string(),
  storeName: z.string(),
  storeId: z.string(),
  status: z.int().min(0).max(FLEXFACTOR_CHARGEBACK_CODE),
  statusName: z.string(),
  amount: z.number().min(0),
  formattedAmount: z.string(),
  currencyCode: z.string().length(3),
  currencySymbol: z.string(),
  createdOn: microsTimestamp,
  orderPlacedDate: microsTimestamp,
  expiryDate: microsTimestamp.nullable(),
  /** Set once the order is paid: `pending`, `completed`, or `reversed` after a refund or chargeback. */
  payoutStatus: z.string().nullable(),
  refundsAmount: z.number().min(0),
  descriptor: z.string(),
  paymentInstrumentToken: z.string(),
  isMIT: z.boolean(),
  siteId: z.string(),
});

/** A FlexFactor list row on the wire. */
export type FlexFactorRow = z.infer<typeof flexFactorRowSchema>;

/** The row keys in the seed's order (responses keep this order). */
export const FLEXFACTOR_ROW_KEYS = Object.keys(
  flexFactorRowSchema.shape,
) as (keyof FlexFactorRow)[];

/** The `orders` page object (FF-LIST's response example; field names of X.PagedList, §2.5). */
export const flexFactorPageSchema = z.strictObject({
  firstItemOnPage: z.int(),
  hasNextPage: z.boolean(),
  hasPreviousPage: z.boolean(),
  isFirstPage: z.boolean(),
  isLastPage: z.boolean(),
  lastItemOnPage: z.int(),
  pageCount: z.int(),
  pageNumber: z.int(),
  pageSize: z.int(),
  totalItemCount: z.int(),
  rows: z.array(flexFactorRowSchema),
});

/** The common response envelope (§2.4). */
export const flexFactorEnvelopeShape = {
  success: z.boolean(),
  result: z.string().nullable(),
  status: z.string().nullable(),
  statusCode: z.string().nullable(),
  errors: z
    .array(
      z.strictObject({
        item1: z.string(),
        item2: z.string(),
        item3: z.string(),
        item4: z.boolean(),
      }),
    )
    .nullable(),
  customProperties: z.record(z.string(), z.string()).nullable(),
};

/** `GET /v1/orders` response, exactly the seed's envelope. */
export const flexFactorOrderListSchema = z.strictObject({
  orders: flexFactorPageSchema,
  orderStatuses: z.record(z.string(), z.string()),
  ...flexFactorEnvelopeShape,
});

/** A FlexFactor list response on the wire. */
export type FlexFactorOrderList = z.infer<typeof flexFactorOrderListSchema>;

/**
 * The address objects of `GET /v1/orders/{id}`. FF-GET lists "Country, city, postal code, …" and
 * no sub-field names, so these names are the sandbox's choice.
 */
export const flexFactorAddressSchema = z.strictObject({
  addressLine1: z.string(),
  addressLine2: z.string().nullable(),
  city: z.string(),
  state: z.string().nullable(),
  postalCode: z.string().nullable(),
  country: z.string(),
  countryCode: z.string().length(2),
});

/** A FlexFactor address on the wire. */
export type FlexFactorAddress = z.infer<typeof flexFactorAddressSchema>;

/**
 * `GET /v1/orders/{id}` (§2.6): the documented fields (list cut off after `currencySymbol`), then
 * every row field not already listed. `statusName` is upper case here (AM remote test).
 */
export const flexFactorOrderDetailSchema = z.strictObject({
  id: z.string(),
  correlationId: z.string(),
  referenceNumber: z.string(),
  status: z.int().min(0).max(FLEXFACTOR_CHARGEBACK_CODE),
  statusName: z.string(),
  orderPlacedDate: microsTimestamp,
  expiryDate: microsTimestamp.nullable(),
  billingAddress: flexFactorAddressSchema,
  shippingAddress: flexFactorAddressSchema.nullable(),
  firstName: z.string(),
  lastName: z.string(),
  email: z.email(),
  phone: z.string(),
  secondaryEmail: z.string(),
  currencyCode: z.string().length(3),
  currencySymbol: z.string(),
  isGhostMode: z.boolean(),
  payerName: z.string(),
  merchantName: z.string(),
  merchantId: z.string(),
  storeName: z.string(),
  storeId: z.string(),
  amount: z.number().min(0),
  formattedAmount: z.string(),
  createdOn: microsTimestamp,
  payoutStatus: z.string().nullable(),
  refundsAmount: z.number().min(0),
  descriptor: z.string(),
  paymentInstrumentToken: z.string(),
  isMIT: z.boolean(),
  siteId: z.string(),
});

/** A FlexFactor single order on the wire. */
export type FlexFactorOrderDetail = z.infer<typeof flexFactorOrderDetailSchema>;

/** `POST /v1/oauth2/token` success (§2.3, the recorded response's keys in order). */
export const flexFactorTokenResponseSchema = z.strictObject({
  accessToken: z.string().regex(/^[\w-]+\.[\w-]+\.[\w-]+$/, 'JWT-shaped'),
  refreshToken: z.string(),
  expires: z.int(),
  id: z.string(),
  session: z.null(),
  daysToEnforceMFA: z.null(),
  skipAvailable: z.null(),
  ...flexFactorEnvelopeShape,
});

/** A FlexFactor token response on the wire. */
export type FlexFactorTokenResponse = z.infer<typeof flexFactorTokenResponseSchema>;

/** ASP.NET ProblemDetails (§2.8 shape 1; FF-ERR). */
export const flexFactorProblemSchema = z.strictObject({
  type: z.string(),
  title: z.string(),
  status: z.int(),
  traceId: z.string(),
  errors: z.record(z.string(), z.array(z.string())).optional(),
});

/** A FlexFactor ProblemDetails body. */
export type FlexFactorProblem = z.infer<typeof flexFactorProblemSchema>;

/** The envelope failure (§2.8 shape 2): `success:false`, `status:"FAILED"`, tuple `errors`. */
export const flexFactorEnvelopeFailureSchema = z.strictObject({
  ...flexFactorEnvelopeShape,
  success: z.literal(false),
  status: z.literal('FAILED'),
});

/** A FlexFactor envelope failure body. */
export type FlexFactorEnvelopeFailure = z.infer<typeof flexFactorEnvelopeFailureSchema>;
