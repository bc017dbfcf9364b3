import {
  type FulfillmentStatus,
  type MappedRecord,
  type Money,
  MoneyConversionError,
  mapStatus,
  moneyFromDecimal,
  normalizeTimestamp,
  type Order,
  type OrderItem,
  orderKey,
  type PaymentStatus,
  ProviderResponseError,
  type ResponseIssue,
  type StatusMap,
  TimestampError,
  type Warning,
} from '@orderbridge/core';
import {
  type FlexPortalWireAddress,
  type FlexPortalWireOrderItem,
  flexPortalOrderSchema,
} from './flexportal-api.js';
import {
  flexPortalPaymentStatusMap,
  flexPortalRentalStatusMap,
  flexPortalStatusMap,
} from './flexportal-status-map.js';

/** A FlexPortal postal address, as kept under `extensions.flexportal`. */
export type FlexPortalAddress = {
  /** Addressee. */
  contactName: string;
  /** Street and number. */
  streetAddress: string;
  /** City. */
  city: string;
  /** Country, as FlexPortal sends it (a name or a code). */
  country: string;
  /** The only nullable address field in the OpenAPI. */
  postalCode: string | null;
  /** Company at the address, if any. */
  company: string | null;
  /** Floor, suite or building, if any. */
  buildingInfo: string | null;
  /** District or neighbourhood, if any. */
  locality: string | null;
  /** State, province or region, if any. */
  adminArea: string | null;
};

/** FlexPortal's payment record of an order, amounts exact in the order's currency. */
export type FlexPortalPayment = {
  /** Raw `payment.status` (`pending`, `paid`, `failed`). */
  status: string | null;
  /** `stripe` or `manual`. */
  method: string | null;
  /** The payment processor's transaction id, if any. */
  transactionId: string | null;
  /** Amount paid, in the order's currency, if recorded. */
  paidAmount: Money | null;
  /** Whether someone marked the order paid by hand (default false). */
  manuallyMarked: boolean;
};

/** Detail of one order line that has no canonical home; `items[i]` matches `order.items[i]`. */
export type FlexPortalItemExtensions = {
  /** The line's SKU (repeated to make the alignment with `order.items` checkable). */
  sku: string;
  /** Catalog product id, if any. */
  productId: string | null;
  /** Catalog variant id, if any. */
  variantId: string | null;
  /** Product image URL, if any. */
  productImageUrl: string | null;
  /** Manual overrides of list price and acquisition cost, when set. */
  listPriceOverride: Money | null;
  acquisitionCostOverride: Money | null;
  /** Whether the list price was used as acquisition cost (default false). */
  usedListPriceAsAcquisition: boolean;
  /** Subscription (rental) ids created for this line. */
  rentalIds: string[];
  /** Raw `rentalStatus` (`pending`, `partial`, `completed`; default `pending`). */
  rentalStatus: string;
};

/** An `extension` order's link to the order it extends. */
export type FlexPortalExtensionDetails = {
  /** The order being extended. */
  originalOrderId: string;
  /** Months added (a whole number above 0). */
  extensionMonths: number;
  /** End date before the extension, as sent. */
  previousEndDate: string;
  /** End date after the extension, as sent. */
  newEndDate: string;
  /** Why, if given. */
  reason: string | null;
};

/** An `upgrade` order's link to the device it replaces. */
export type FlexPortalUpgradeDetails = {
  /** The device being replaced. */
  previousDevice: string;
  /** Its serial number. */
  previousSerialNumber: string;
  /** Its monthly price, in the order's currency. */
  previousMonthlyAmount: Money;
  /** The subscription (rental) of the replaced device. */
  previousRentalId: string;
  /** Why, if given. */
  upgradeReason: string | null;
};

/** FlexPortal-only detail of an order, under `order.extensions.flexportal`. */
export type FlexPortalOrderExtensions = {
  /** The Business Unit the order belongs to. */
  tenantId: string;
  /** Subscription (rental) ids across the order. */
  rentalIds: string[];
  /** Free-form custom fields, or null when FlexPortal sent none. */
  customFields: Record<string, unknown> | null;
  /** Billing address. */
  billingAddress: FlexPortalAddress;
  /** Shipping address (FlexPortal uses the billing address when none was given). */
  shippingAddress: FlexPortalAddress;
  /** Payment record, or null when the order has none. */
  payment: FlexPortalPayment | null;
  /** Customer detail the canonical customer does not carry. */
  customer: { phone: string | null; customerType: string };
  /** Who created the order (a user id, or `api`). */
  createdBy: string;
  /** Free-text notes (at most 5,000 characters). */
  notes: string | null;
  /** Shipment tracking number, if shipped. */
  trackingNumber: string | null;
  /** As sent (the docs give no format). */
  shippedAt: string | null;
  /** Billing group the order is invoiced with, if any. */
  billingGroupId: string | null;
  /** On `extension` orders: what is extended. */
  extensionDetails: FlexPortalExtensionDetails | null;
  /** On `upgrade` orders: what is replaced. */
  upgradeDetails: FlexPortalUpgradeDetails | null;
  /** Per-line detail, index-aligned with `order.items`. */
  items: FlexPortalItemExtensions[];
};

/** What the mapper needs besides the record. */
export interface FlexPortalMappingContext {
  /** Provider id (`flexportal`, or the id the provider was created with). */
  provider: string;
  /** Status table (default `flexPortalStatusMap`). */
  statusMap?: StatusMap | undefined;
  /** Keep the wire object as `order.raw`. */
  includeRaw?: boolean | undefined;
}

/** Reads the FlexPortal extensions of a canonical order, if it came from FlexPortal. */
export function flexPortalExtensionsOf(
  order: Order,
  provider = order.provider,
): FlexPortalOrderExtensions | undefined {
  return order.extensions[provider] as FlexPortalOrderExtensions | undefined;
}

/**
 * Validates one FlexPortal wire order and maps it to the canonical `Order` (DESIGN.md): statuses
 * through the status map, money exact in the order's currency, timestamps in UTC, provider-only
 * detail under `extensions.<provider>`. An undocumented status is kept as `unknown` with a warning.
 * @throws a `ZodError` when the record does not match the documented schema, or a
 * `ProviderResponseError` (paths relative to the record) when an amount or timestamp cannot be
 * read exactly.
 */
export function mapFlexPortalOrder(
  record: unknown,
  context: FlexPortalMappingContext,
): MappedRecord<Order> {
  const wire = flexPortalOrderSchema.parse(record);
  const provider = context.provider;
  const key = orderKey(provider, wire.orderId);
  const currency = wire.totals.currency.toUpperCase();
  const issues: ResponseIssue[] = [];
  const warnings: Warning[] = [];

  const money = (value: number | string, path: string): Money => {
    try {
      return moneyFromDecimal(value, currency);
    } catch (error) {
      if (!(error instanceof MoneyConversionError)) throw error;
      issues.push({ path, message: error.message });
      return { amountMinor: 0, currency };
    }
  };
  const optionalMoney = (value: number | string | null | undefined, path: string) =>
    value === null || value === undefined ? null : money(value, path);
  const timestamp = (value: string, path: string): string => {
    try {
      return normalizeTimestamp(value);
    } catch (error) {
      if (!(error instanceof TimestampError)) throw error;
      issues.push({ path, message: error.message });
      return value;
    }
  };

  const mapped = mapStatus(
    context.statusMap ?? flexPortalStatusMap,
    { code: wire.status, label: null },
    key,
  );
  if (mapped.warning) warnings.push(mapped.warning);

  const items: OrderItem[] = wire.items.map((item, index) => {
    const path = `items[${index}]`;
    return {
      sku: item.sku,
      name: item.productName,
      quantity: item.quantity,
      unitPrice: money(item.unitPrice, `${path}.unitPrice`),
      termMonths: item.contractLength,
      fulfillment: {
        status: lineFulfillment(item, { provider, key, path, warnings }),
        done: item.rentalIds?.length ?? 0,
      },
      listPrice: optionalMoney(item.listPrice, `${path}.listPrice`),
      // The schema's default is `unknown` (Part 3 item 10).
      listPriceSource: item.listPriceSource ?? 'unknown',
      acquisitionCost: optionalMoney(item.acquisitionCost, `${path}.acquisitionCost`),
      acquisitionCostSource: item.acquisitionCostSource ?? 'unknown',
    };
  });

  const payment = wire.payment ?? null;
  const extensions: FlexPortalOrderExtensions = {
    tenantId: wire.tenantId,
    rentalIds: wire.rentalIds,
    customFields: wire.customFields ?? null,
    billingAddress: address(wire.billingAddress),
    shippingAddress: address(wire.shippingAddress),
    payment: payment
      ? {
          status: payment.status ?? null,
          method: payment.method ?? null,
          transactionId: payment.transactionId ?? null,
          paidAmount: optionalMoney(payment.paidAmount, 'payment.paidAmount'),
          manuallyMarked: payment.manuallyMarked ?? false,
        }
      : null,
    customer: {
      phone: wire.customer.phone ?? null,
      customerType: wire.customer.customerType ?? 'individual',
    },
    createdBy: wire.createdBy,
    notes: wire.notes ?? null,
    trackingNumber: wire.trackingNumber ?? null,
    shippedAt: wire.shippedAt ?? null,
    billingGroupId: wire.billingGroupId ?? null,
    extensionDetails: wire.extensionDetails
      ? {
          originalOrderId: wire.extensionDetails.originalOrderId,
          extensionMonths: wire.extensionDetails.extensionMonths,
          previousEndDate: wire.extensionDetails.previousEndDate,
          newEndDate: wire.extensionDetails.newEndDate,
          reason: wire.extensionDetails.reason ?? null,
        }
      : null,
    upgradeDetails: wire.upgradeDetails
      ? {
          previousDevice: wire.upgradeDetails.previousDevice,
          previousSerialNumber: wire.upgradeDetails.previousSerialNumber,
          previousMonthlyAmount: money(
            wire.upgradeDetails.previousMonthlyAmount,
            'upgradeDetails.previousMonthlyAmount',
          ),
          previousRentalId: wire.upgradeDetails.previousRentalId,
          upgradeReason: wire.upgradeDetails.upgradeReason ?? null,
        }
      : null,
    items: wire.items.map((item, index) => ({
      sku: item.sku,
      productId: item.productId ?? null,
      variantId: item.variantId ?? null,
      productImageUrl: item.productImageUrl ?? null,
      listPriceOverride: optionalMoney(item.listPriceOverride, `items[${index}].listPriceOverride`),
      acquisitionCostOverride: optionalMoney(
        item.acquisitionCostOverride,
        `items[${index}].acquisitionCostOverride`,
      ),
      usedListPriceAsAcquisition: item.usedListPriceAsAcquisition ?? false,
      rentalIds: item.rentalIds ?? [],
      rentalStatus: item.rentalStatus ?? 'pending',
    })),
  };

  const name = `${wire.customer.firstName} ${wire.customer.lastName}`.trim();
  const order: Order = {
    provider,
    id: wire.orderId,
    key,
    status: mapped.status,
    paymentStatus: paymentStatusOf(payment?.status, { provider, key, warnings }),
    fulfillmentStatus: mapped.fulfillmentStatus ?? null,
    providerStatus: mapped.providerStatus,
    type: wire.orderType,
    // FlexPortal has no reference number separate from the order id.
    reference: null,
    customer: {
      id: wire.customer.customerId,
      email: wire.customer.email,
      name: name === '' ? null : name,
      company: wire.customer.company ?? null,
    },
    // FlexPortal orders belong to a tenant, not a merchant: a merchant filter matches none of them.
    merchant: null,
    items,
    totals: {
      subtotal: money(wire.totals.subtotal, 'totals.subtotal'),
      // `taxAmount` defaults to 0 in the schema (Part 3 item 9: the prose calls it "tax").
      tax: money(wire.totals.taxAmount ?? 0, 'totals.taxAmount'),
      total: money(wire.totals.total, 'totals.total'),
      refunded: null,
    },
    fulfillment: {
      total: wire.rentalProgress.totalDevices,
      done: wire.rentalProgress.rentedDevices,
    },
    createdAt: timestamp(wire.createdAt, 'createdAt'),
    updatedAt: timestamp(wire.updatedAt, 'updatedAt'),
    placedAt: null,
    extensions: { [provider]: extensions },
    ...(context.includeRaw ? { raw: record } : {}),
  };

  if (issues.length > 0) {
    throw new ProviderResponseError({
      provider,
      issues,
      message: `${provider} order ${JSON.stringify(wire.orderId)} has values that cannot be read exactly: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`,
    });
  }
  return { value: order, warnings };
}

/** The canonical payment status decided by `payment.status`; null when the order has no payment. */
function paymentStatusOf(
  raw: string | null | undefined,
  context: { provider: string; key: string; warnings: Warning[] },
): PaymentStatus | null {
  if (raw === null || raw === undefined) return null;
  const status = flexPortalPaymentStatusMap[raw.trim().toLowerCase()];
  if (status) return status;
  context.warnings.push({
    code: 'unknown-status',
    provider: context.provider,
    orderKey: context.key,
    field: 'paymentStatus',
    message: `${context.provider} sent payment.status ${JSON.stringify(raw)} on order ${context.key}, which is not documented; paymentStatus mapped to "unknown"`,
  });
  return 'unknown';
}

/** The canonical fulfilment of one line from its `rentalStatus` (default `pending`). */
function lineFulfillment(
  item: FlexPortalWireOrderItem,
  context: { provider: string; key: string; path: string; warnings: Warning[] },
): FulfillmentStatus {
  const raw = item.rentalStatus ?? 'pending';
  const status = flexPortalRentalStatusMap[raw.trim().toLowerCase()];
  if (status) return status;
  context.warnings.push({
    code: 'unknown-status',
    provider: context.provider,
    orderKey: context.key,
    message: `${context.provider} sent ${context.path}.rentalStatus ${JSON.stringify(raw)} on order ${context.key}, which is not documented; the line's fulfilment status is "unknown"`,
  });
  return 'unknown';
}

function address(wire: FlexPortalWireAddress): FlexPortalAddress {
  return {
    contactName: wire.contactName,
    streetAddress: wire.streetAddress,
    city: wire.city,
    country: wire.country,
    postalCode: wire.postalCode ?? null,
    company: wire.company ?? null,
    buildingInfo: wire.buildingInfo ?? null,
    locality: wire.locality ?? null,
    adminArea: wire.adminArea ?? null,
  };
}
