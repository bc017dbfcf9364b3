import { z } from 'zod';

/*
 * The sandbox's own reading of the FlexPortal wire format: docs/providers/flexportal.md §1.7 (the Order schema
 * of the OpenAPI in FP-LIST / FP-GET / FP-CREATE), §1.4 (list envelope) and §1.9 (error envelope).
 * Objects are strict so a test fails when the generator emits an undocumented key. These schemas
 * describe what the sandbox *sends*; the stores deliberately accept anything (schema drift).
 */

/** The five documented order statuses (FP-LIST, FP-GET "Available options"). */
export const FLEXPORTAL_STATUSES = [
  'pending',
  'confirmed',
  'partial',
  'fulfilled',
  'cancelled',
] as const;

/** One FlexPortal order status. */
export type FlexPortalStatus = (typeof FLEXPORTAL_STATUSES)[number];

/** The documented sort fields of `GET /v1/orders` (FP-LIST "Sorting Options"). */
export const FLEXPORTAL_SORT_FIELDS = [
  'createdAt',
  'updatedAt',
  'orderId',
  'status',
  'totals.total',
] as const;

/** One sortable FlexPortal field. */
export type FlexPortalSortField = (typeof FLEXPORTAL_SORT_FIELDS)[number];

/** `Address` (§1.7): four required fields; `postalCode` is the only nullable one. */
export const flexPortalAddressSchema = z.strictObject({
  contactName: z.string(),
  company: z.string().optional(),
  streetAddress: z.string(),
  buildingInfo: z.string().optional(),
  locality: z.string().optional(),
  city: z.string(),
  adminArea: z.string().optional(),
  postalCode: z.string().nullable().optional(),
  country: z.string(),
});

/** A FlexPortal address. */
export type FlexPortalAddress = z.infer<typeof flexPortalAddressSchema>;

/** `customer` (§1.7). */
export const flexPortalCustomerSchema = z.strictObject({
  customerId: z.string().min(1),
  email: z.email(),
  firstName: z.string().min(1),
  lastName: z.string().min(1),
  company: z.string().optional(),
  phone: z.string().optional(),
  customerType: z.enum(['individual', 'business']).optional(),
});

/** A FlexPortal customer as embedded in an order. */
export type FlexPortalCustomer = z.infer<typeof flexPortalCustomerSchema>;

/** `OrderItem` (§1.7) including the cost-tracking fields (FP-GET "Cost Tracking Fields"). */
export const flexPortalOrderItemSchema = z.strictObject({
  sku: z.string().min(1),
  productName: z.string().min(1),
  quantity: z.int().min(1),
  unitPrice: z.number().min(0),
  contractLength: z.number(),
  productId: z.string().optional(),
  productImageUrl: z.url().optional(),
  variantId: z.string().optional(),
  listPrice: z.number().min(0).optional(),
  listPriceSource: z.enum(['variant', 'manual', 'unknown']).optional(),
  acquisitionCost: z.number().min(0).optional(),
  acquisitionCostSource: z.enum(['variant', 'manual', 'list_price', 'unknown']).optional(),
  listPriceOverride: z.number().min(0).optional(),
  acquisitionCostOverride: z.number().min(0).optional(),
  usedListPriceAsAcquisition: z.boolean().optional(),
  rentalIds: z.array(z.string()).optional(),
  rentalStatus: z.enum(['pending', 'partial', 'completed']).optional(),
});

/** One line of a FlexPortal order. */
export type FlexPortalOrderItem = z.infer<typeof flexPortalOrderItemSchema>;

/** `totals` (§1.7); the tax field is `taxAmount` (Ambiguity 9). */
export const flexPortalTotalsSchema = z.strictObject({
  subtotal: z.number().min(0),
  taxAmount: z.number().min(0).optional(),
  total: z.number().min(0),
  currency: z.string().length(3),
  totalDevices: z.int().min(1),
});

/** A FlexPortal order's totals. */
export type FlexPortalTotals = z.infer<typeof flexPortalTotalsSchema>;

/** `payment` (§1.7), every field optional. */
export const flexPortalPaymentSchema = z.strictObject({
  status: z.enum(['pending', 'paid', 'failed']).optional(),
  method: z.enum(['stripe', 'manual']).optional(),
  transactionId: z.string().optional(),
  paidAmount: z.number().min(0).optional(),
  manuallyMarked: z.boolean().optional(),
});

/** A FlexPortal order's payment block. */
export type FlexPortalPayment = z.infer<typeof flexPortalPaymentSchema>;

/** `extensionDetails` (§1.7). */
export const flexPortalExtensionDetailsSchema = z.strictObject({
  originalOrderId: z.string(),
  extensionMonths: z.int().positive(),
  previousEndDate: z.string(),
  newEndDate: z.string(),
  reason: z.string().optional(),
});

/** `upgradeDetails` (§1.7). */
export const flexPortalUpgradeDetailsSchema = z.strictObject({
  previousDevice: z.string(),
  previousSerialNumber: z.string(),
  previousMonthlyAmount: z.number(),
  previousRentalId: z.string(),
  upgradeReason: z.string().optional(),
});

/** The FlexPortal `Order` object (§1.7), as `GET /v1/orders/{orderId}` returns it (bare, §1.6). */
export const flexPortalOrderSchema = z.strictObject({
  orderId: z.string(),
  tenantId: z.string(),
  status: z.enum(FLEXPORTAL_STATUSES),
  orderType: z.enum(['standard', 'extension', 'upgrade']),
  customer: flexPortalCustomerSchema,
  billingAddress: flexPortalAddressSchema,
  shippingAddress: flexPortalAddressSchema,
  items: z.array(flexPortalOrderItemSchema),
  totals: flexPortalTotalsSchema,
  payment: flexPortalPaymentSchema.optional(),
  customFields: z.record(z.string(), z.unknown()).nullable().optional(),
  rentalProgress: z.strictObject({
    totalDevices: z.int().min(0),
    rentedDevices: z.int().min(0),
  }),
  rentalIds: z.array(z.string()),
  billingGroupId: z.string().optional(),
  trackingNumber: z.string().optional(),
  shippedAt: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  createdBy: z.string(),
  notes: z.string().max(5000).optional(),
  extensionDetails: flexPortalExtensionDetailsSchema.optional(),
  upgradeDetails: flexPortalUpgradeDetailsSchema.optional(),
});

/** A FlexPortal order on the wire. */
export type FlexPortalOrder = z.infer<typeof flexPortalOrderSchema>;

/** The `GET /v1/orders` envelope (§1.4; all five keys required, `nextCursor` nullable). */
export const flexPortalOrderListSchema = z.strictObject({
  orders: z.array(flexPortalOrderSchema),
  count: z.number(),
  limit: z.number(),
  hasMore: z.boolean(),
  nextCursor: z.string().nullable(),
});

/** A FlexPortal list page on the wire. */
export type FlexPortalOrderList = z.infer<typeof flexPortalOrderListSchema>;

/** The error envelope (§1.9): OpenAPI `Error` plus FP-OV's optional `details[]`. */
export const flexPortalErrorSchema = z.strictObject({
  error: z.strictObject({
    code: z.string(),
    message: z.string(),
    details: z
      .array(z.strictObject({ path: z.string(), message: z.string(), code: z.string() }))
      .optional(),
  }),
});

/** A FlexPortal error body. */
export type FlexPortalError = z.infer<typeof flexPortalErrorSchema>;
