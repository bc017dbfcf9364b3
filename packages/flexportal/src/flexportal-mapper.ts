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
  type FlexPortalWireOrder,
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
  /**
   * Customer detail the canonical customer does not carry: phone, type, and the name as FlexPortal
   * splits it (the canonical `customer.name` is the joined form, `firstName lastName`).
   */
  customer: { phone: string | null; customerType: string; firstName: string; lastName: string };
  /**
   * `totals.totalDevices`: the devices the order's totals cover. The canonical `fulfillment.total`
   * is `rentalProgress.totalDevices`; the two are separate fields on the wire, so both are kept.
   * Null when FlexPortal left it out.
   */
  totalDevices: number | null;
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
 * Validates one FlexPortal wire order and maps it to the canonical `Order` (docs/architecture.md,
 * docs/providers/flexportal.md): statuses
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
  // A valid order is read in place: `validate` runs the compiled schema without building a copy
  // of the order (a copy nothing else would read). Only an invalid order goes through `parse`, for
  // the schema's own issues. Reading in place means unknown fields stay on `wire` (nothing below
  // reads them) and arrays and records are copied where they are handed on, as `parse` would have.
  const wire = flexPortalOrderSchema.validate(record)
    ? (record as FlexPortalWireOrder)
    : flexPortalOrderSchema.parse(record);
  const provider = context.provider;
  const key = orderKey(provider, wire.orderId);
  // The amounts of one order share its currency and its list of problems. Paths are built only
  // for an amount or timestamp that cannot be read: a FlexPortal order has 8-12 amounts, and the
  // mapping runs once per listed order.
  const reader: OrderReader = {
    currency: wire.totals.currency.toUpperCase(),
    issues: [],
    provider,
    key,
    warnings: [],
  };

  const mapped = mapStatus(
    context.statusMap ?? flexPortalStatusMap,
    { code: wire.status, label: null },
    key,
  );
  if (mapped.warning) reader.warnings.push(mapped.warning);

  const items: OrderItem[] = [];
  for (let index = 0; index < wire.items.length; index++) {
    const item = wire.items[index] as FlexPortalWireOrderItem;
    items.push({
      sku: item.sku,
      name: item.productName,
      quantity: item.quantity,
      unitPrice: readMoney(reader, item.unitPrice, 'unitPrice', index),
      termMonths: item.contractLength,
      fulfillment: {
        status: lineFulfillment(item, index, reader),
        done: item.rentalIds?.length ?? 0,
      },
      listPrice: readOptionalMoney(reader, item.listPrice, 'listPrice', index),
      // The schema's default is `unknown` (docs/providers/flexportal.md ambiguity 10).
      listPriceSource: item.listPriceSource ?? 'unknown',
      acquisitionCost: readOptionalMoney(reader, item.acquisitionCost, 'acquisitionCost', index),
      acquisitionCostSource: item.acquisitionCostSource ?? 'unknown',
    });
  }

  const payment = wire.payment ?? null;
  // Problems are reported in the order the fields are read (lines, payment, upgrade, line
  // overrides, totals, timestamps), so the order extensions are built in that order too.
  const billingAddress = address(wire.billingAddress);
  const shippingAddress = address(wire.shippingAddress);
  const paymentExtension: FlexPortalPayment | null = payment
    ? {
        status: payment.status ?? null,
        method: payment.method ?? null,
        transactionId: payment.transactionId ?? null,
        paidAmount: readOptionalMoney(reader, payment.paidAmount, 'payment.paidAmount'),
        manuallyMarked: payment.manuallyMarked ?? false,
      }
    : null;
  const upgradeDetails: FlexPortalUpgradeDetails | null = wire.upgradeDetails
    ? {
        previousDevice: wire.upgradeDetails.previousDevice,
        previousSerialNumber: wire.upgradeDetails.previousSerialNumber,
        previousMonthlyAmount: readMoney(
          reader,
          wire.upgradeDetails.previousMonthlyAmount,
          'upgradeDetails.previousMonthlyAmount',
        ),
        previousRentalId: wire.upgradeDetails.previousRentalId,
        upgradeReason: wire.upgradeDetails.upgradeReason ?? null,
      }
    : null;
  const itemExtensions: FlexPortalItemExtensions[] = [];
  for (let index = 0; index < wire.items.length; index++) {
    const item = wire.items[index] as FlexPortalWireOrderItem;
    itemExtensions.push({
      sku: item.sku,
      productId: item.productId ?? null,
      variantId: item.variantId ?? null,
      productImageUrl: item.productImageUrl ?? null,
      listPriceOverride: readOptionalMoney(
        reader,
        item.listPriceOverride,
        'listPriceOverride',
        index,
      ),
      acquisitionCostOverride: readOptionalMoney(
        reader,
        item.acquisitionCostOverride,
        'acquisitionCostOverride',
        index,
      ),
      usedListPriceAsAcquisition: item.usedListPriceAsAcquisition ?? false,
      rentalIds: item.rentalIds ? [...item.rentalIds] : [],
      rentalStatus: item.rentalStatus ?? 'pending',
    });
  }
  const extensions: FlexPortalOrderExtensions = {
    tenantId: wire.tenantId,
    rentalIds: [...wire.rentalIds],
    customFields: wire.customFields ? copyRecord(wire.customFields) : null,
    billingAddress,
    shippingAddress,
    payment: paymentExtension,
    customer: {
      phone: wire.customer.phone ?? null,
      customerType: wire.customer.customerType ?? 'individual',
      firstName: wire.customer.firstName,
      lastName: wire.customer.lastName,
    },
    totalDevices: wire.totals.totalDevices ?? null,
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
    upgradeDetails,
    items: itemExtensions,
  };

  const name = `${wire.customer.firstName} ${wire.customer.lastName}`.trim();
  const order: Order = {
    provider,
    id: wire.orderId,
    key,
    status: mapped.status,
    paymentStatus: paymentStatusOf(payment?.status, reader),
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
      subtotal: readMoney(reader, wire.totals.subtotal, 'totals.subtotal'),
      // `taxAmount` defaults to 0 in the schema (docs/providers/flexportal.md ambiguity 9: the prose calls it "tax").
      tax: readMoney(reader, wire.totals.taxAmount ?? 0, 'totals.taxAmount'),
      total: readMoney(reader, wire.totals.total, 'totals.total'),
      refunded: null,
    },
    fulfillment: {
      total: wire.rentalProgress.totalDevices,
      done: wire.rentalProgress.rentedDevices,
    },
    createdAt: readTimestamp(reader, wire.createdAt, 'createdAt'),
    updatedAt: readTimestamp(reader, wire.updatedAt, 'updatedAt'),
    placedAt: null,
    extensions: { [provider]: extensions },
  };
  if (context.includeRaw) order.raw = record;

  if (reader.issues.length > 0) {
    throw new ProviderResponseError({
      provider,
      issues: reader.issues,
      message: `${provider} order ${JSON.stringify(wire.orderId)} has values that cannot be read exactly: ${reader.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`,
    });
  }
  return { value: order, warnings: reader.warnings };
}

/** What the readers of one order share: its currency, the problems found, the warnings. */
interface OrderReader {
  /** The order's currency (`totals.currency`), upper case. */
  currency: string;
  /** Amounts and timestamps that could not be read, with their paths in the record. */
  issues: ResponseIssue[];
  provider: string;
  key: string;
  warnings: Warning[];
}

/** The JSON path of a field: `field` at the order's top level, else `items[i].field`. */
function pathOf(field: string, itemIndex: number | undefined): string {
  return itemIndex === undefined ? field : `items[${itemIndex}].${field}`;
}

/** An amount in the order's currency; a problem is recorded in `reader.issues` (amount 0). */
function readMoney(
  reader: OrderReader,
  value: number | string,
  field: string,
  itemIndex?: number,
): Money {
  try {
    return moneyFromDecimal(value, reader.currency);
  } catch (error) {
    if (!(error instanceof MoneyConversionError)) throw error;
    reader.issues.push({ path: pathOf(field, itemIndex), message: error.message });
    return { amountMinor: 0, currency: reader.currency };
  }
}

function readOptionalMoney(
  reader: OrderReader,
  value: number | string | null | undefined,
  field: string,
  itemIndex?: number,
): Money | null {
  return value === null || value === undefined ? null : readMoney(reader, value, field, itemIndex);
}

/** A timestamp in canonical UTC; a problem is recorded in `reader.issues` (the text is kept). */
function readTimestamp(reader: OrderReader, value: string, field: string): string {
  try {
    return normalizeTimestamp(value);
  } catch (error) {
    if (!(error instanceof TimestampError)) throw error;
    reader.issues.push({ path: field, message: error.message });
    return value;
  }
}

/** Looks a value up in a table of documented values; never finds an inherited property. */
function lookUp<T>(table: Readonly<Record<string, T>>, raw: string): T | undefined {
  const value = raw.trim().toLowerCase();
  return Object.hasOwn(table, value) ? table[value] : undefined;
}

/** The canonical payment status decided by `payment.status`; null when the order has no payment. */
function paymentStatusOf(
  raw: string | null | undefined,
  reader: OrderReader,
): PaymentStatus | null {
  if (raw === null || raw === undefined) return null;
  const status = lookUp(flexPortalPaymentStatusMap, raw);
  if (status) return status;
  reader.warnings.push({
    code: 'unknown-status',
    provider: reader.provider,
    orderKey: reader.key,
    field: 'paymentStatus',
    message: `${reader.provider} sent payment.status ${JSON.stringify(raw)} on order ${reader.key}, which is not documented; paymentStatus mapped to "unknown"`,
  });
  return 'unknown';
}

/** The canonical fulfilment of one line from its `rentalStatus` (default `pending`). */
function lineFulfillment(
  item: FlexPortalWireOrderItem,
  index: number,
  reader: OrderReader,
): FulfillmentStatus {
  const raw = item.rentalStatus ?? 'pending';
  const status = lookUp(flexPortalRentalStatusMap, raw);
  if (status) return status;
  reader.warnings.push({
    code: 'unknown-status',
    provider: reader.provider,
    orderKey: reader.key,
    message: `${reader.provider} sent items[${index}].rentalStatus ${JSON.stringify(raw)} on order ${reader.key}, which is not documented; the line's fulfilment status is "unknown"`,
  });
  return 'unknown';
}

/** A copy of a JSON record as `z.record` builds it: own enumerable keys, except `__proto__`. */
function copyRecord(record: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(record)) {
    if (key !== '__proto__') copy[key] = record[key];
  }
  return copy;
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
