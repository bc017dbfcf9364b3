import { z } from 'zod';

// Wire schemas of the FlexPortal orders API, written from the OpenAPI 3.1 operations embedded in
// https://docs.flexportal.io/api-reference/orders/list.md and .../get.md (docs/providers/flexportal.md §1.4,
// §1.7, §1.9). Only the fields the adapter reads are listed. A field is required exactly when the
// OpenAPI `required` list says so; every object is a plain (non-strict) `z.object`, so fields
// FlexPortal adds later pass through unnoticed. Optional fields also accept `null`: the documents
// only promise that they "may be absent", and a JSON serialiser that writes `null` for an unset
// field means the same thing. Be lenient in what we accept, strict in what we send.

/**
 * An amount of money as FlexPortal sends it. The OpenAPI says `number`; a numeric string is
 * accepted too (some serialisers write decimals as strings). Exactness is checked when the amount is
 * converted to minor units with the order's currency, in the mapper.
 */
export const flexPortalAmountSchema = z.union([z.number(), z.string()], {
  error: 'must be a number (a decimal amount)',
});

const optionalText = z.string().nullish();

/** Postal address (`billingAddress`, `shippingAddress`); `postalCode` is the only nullable field. */
export const flexPortalAddressSchema = z.object({
  contactName: z.string(),
  streetAddress: z.string(),
  city: z.string(),
  country: z.string(),
  postalCode: optionalText,
  company: optionalText,
  buildingInfo: optionalText,
  locality: optionalText,
  adminArea: optionalText,
});

/** The order's customer; `customerId`, `email`, `firstName` and `lastName` are required. */
export const flexPortalCustomerSchema = z.object({
  customerId: z.string().min(1),
  // The OpenAPI says `format: email`; the address is passed through as sent, so it is not re-validated.
  email: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  company: optionalText,
  phone: optionalText,
  customerType: optionalText,
});

/** One order line; `sku`, `productName`, `quantity`, `unitPrice`, `contractLength` are required. */
export const flexPortalOrderItemSchema = z.object({
  sku: z.string().min(1),
  productName: z.string(),
  quantity: z.number().int().nonnegative(),
  /** Monthly price per unit (FP-GET "Understanding Order Items"). */
  unitPrice: flexPortalAmountSchema,
  /** Term in months. */
  contractLength: z.number().nonnegative(),
  productId: optionalText,
  productImageUrl: optionalText,
  variantId: optionalText,
  listPrice: flexPortalAmountSchema.nullish(),
  listPriceSource: optionalText,
  acquisitionCost: flexPortalAmountSchema.nullish(),
  acquisitionCostSource: optionalText,
  listPriceOverride: flexPortalAmountSchema.nullish(),
  acquisitionCostOverride: flexPortalAmountSchema.nullish(),
  usedListPriceAsAcquisition: z.boolean().nullish(),
  rentalIds: z.array(z.string()).nullish(),
  rentalStatus: optionalText,
});

/**
 * Order totals; `subtotal`, `total` and `currency` are read (`taxAmount` defaults to 0).
 * `totalDevices` is required by the schema (an integer ≥ 1) but only kept as detail, so an order
 * without it is still read.
 */
export const flexPortalTotalsSchema = z.object({
  subtotal: flexPortalAmountSchema,
  taxAmount: flexPortalAmountSchema.nullish(),
  total: flexPortalAmountSchema,
  totalDevices: z.number().int().nonnegative().nullish(),
  // "string, exactly 3 characters"; read case-insensitively and upper-cased in the mapper.
  currency: z.string().regex(/^[A-Za-z]{3}$/, 'must be a three-letter ISO 4217 currency code'),
});

/** Payment state; every field is optional. `status` decides the canonical payment status. */
export const flexPortalPaymentSchema = z.object({
  status: optionalText,
  method: optionalText,
  transactionId: optionalText,
  paidAmount: flexPortalAmountSchema.nullish(),
  manuallyMarked: z.boolean().nullish(),
});

/** Devices rented out of devices ordered; both required. */
export const flexPortalRentalProgressSchema = z.object({
  totalDevices: z.number().int().nonnegative(),
  rentedDevices: z.number().int().nonnegative(),
});

/** Present on `extension` orders. */
export const flexPortalExtensionDetailsSchema = z.object({
  originalOrderId: z.string(),
  extensionMonths: z.number().int().positive(),
  previousEndDate: z.string(),
  newEndDate: z.string(),
  reason: optionalText,
});

/** Present on `upgrade` orders. */
export const flexPortalUpgradeDetailsSchema = z.object({
  previousDevice: z.string(),
  previousSerialNumber: z.string(),
  previousMonthlyAmount: flexPortalAmountSchema,
  previousRentalId: z.string(),
  upgradeReason: optionalText,
});

/**
 * One FlexPortal order (the element of `orders` in a listing, and the bare body of
 * `GET /v1/orders/{orderId}`). `status` and `orderType` are read as plain strings: an undocumented
 * value is mapped to `unknown` with a warning instead of rejecting the order.
 *
 * Compiled with `z.compile` (zod ≥ 4.6): a valid order takes generated, loop-free code (≈ 2.5×
 * faster than zod's interpreter, same output); an invalid one falls back to the regular parser, so
 * issues, messages and paths are exactly the schema's. `mapFlexPortalOrder` does not run it on a
 * valid order: it checks these rules itself while it maps (one pass over the order), and only a
 * record that breaks one is handed to this schema, for its issues. Tests hold the mapper to
 * accepting exactly what this schema accepts.
 */
export const flexPortalOrderSchema = z.compile(
  z.object({
    orderId: z.string().min(1),
    tenantId: z.string(),
    status: z.string().min(1),
    orderType: z.string(),
    customer: flexPortalCustomerSchema,
    billingAddress: flexPortalAddressSchema,
    shippingAddress: flexPortalAddressSchema,
    items: z.array(flexPortalOrderItemSchema),
    totals: flexPortalTotalsSchema,
    payment: flexPortalPaymentSchema.nullish(),
    customFields: z.record(z.string(), z.unknown()).nullish(),
    rentalProgress: flexPortalRentalProgressSchema,
    rentalIds: z.array(z.string()),
    billingGroupId: optionalText,
    trackingNumber: optionalText,
    // "Plain string; no format given": kept verbatim, never parsed.
    shippedAt: optionalText,
    createdAt: z.string(),
    updatedAt: z.string(),
    createdBy: z.string(),
    notes: optionalText,
    extensionDetails: flexPortalExtensionDetailsSchema.nullish(),
    upgradeDetails: flexPortalUpgradeDetailsSchema.nullish(),
  }),
);

/**
 * The envelope of `GET /v1/orders` (docs/providers/flexportal.md §1.4). Its orders are validated one by one, so one bad
 * record does not cost the whole page. `count` and `limit` are required by the OpenAPI too, but the
 * adapter does not read them, so their absence is not an error.
 */
export const flexPortalOrderListSchema = z.object({
  orders: z.array(z.unknown()),
  hasMore: z.boolean(),
  /** Cursor of the next page, `null` at the end; sent back as `startAfter`. */
  nextCursor: z.string().nullable(),
});

/**
 * FlexPortal's error body (OpenAPI `components.schemas.Error`): `code` and `message` are required;
 * `details[]` appears only in the FP-OV example (docs/providers/flexportal.md ambiguity 5).
 */
export const flexPortalErrorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z
      .array(
        z.object({
          path: z.string().nullish(),
          message: z.string(),
          code: z.string().nullish(),
        }),
      )
      .nullish(),
  }),
});

/** A FlexPortal order as read from the wire. */
export type FlexPortalWireOrder = z.infer<typeof flexPortalOrderSchema>;
/** A FlexPortal order line as read from the wire. */
export type FlexPortalWireOrderItem = z.infer<typeof flexPortalOrderItemSchema>;
/** A FlexPortal address as read from the wire. */
export type FlexPortalWireAddress = z.infer<typeof flexPortalAddressSchema>;
/** The `GET /v1/orders` envelope as read from the wire. */
export type FlexPortalWireOrderList = z.infer<typeof flexPortalOrderListSchema>;
/** FlexPortal's error body as read from the wire. */
export type FlexPortalWireError = z.infer<typeof flexPortalErrorSchema>;
