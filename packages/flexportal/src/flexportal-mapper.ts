import {
  type FulfillmentStatus,
  type MappedRecord,
  type MappedStatus,
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
  /** Postal code, if any (the only nullable address field in the OpenAPI). */
  postalCode?: string;
  /** Company at the address, if any. */
  company?: string;
  /** Floor, suite or building, if any. */
  buildingInfo?: string;
  /** District or neighbourhood, if any. */
  locality?: string;
  /** State, province or region, if any. */
  adminArea?: string;
};

/** FlexPortal's payment record of an order, amounts exact in the order's currency. */
export type FlexPortalPayment = {
  /** Raw `payment.status` (`pending`, `paid`, `failed`), if sent. */
  status?: string;
  /** `stripe` or `manual`, if sent. */
  method?: string;
  /** The payment processor's transaction id, if any. */
  transactionId?: string;
  /** Amount paid, in the order's currency, if recorded. */
  paidAmount?: Money;
  /** Whether someone marked the order paid by hand (default false). */
  manuallyMarked: boolean;
};

/** Detail of one order line that has no canonical home; `items[i]` matches `order.items[i]`. */
export type FlexPortalItemExtensions = {
  /** The line's SKU (repeated to make the alignment with `order.items` checkable). */
  sku: string;
  /** Catalog product id, if any. */
  productId?: string;
  /** Catalog variant id, if any. */
  variantId?: string;
  /** Product image URL, if any. */
  productImageUrl?: string;
  /** Manual override of the list price, when set. */
  listPriceOverride?: Money;
  /** Manual override of the acquisition cost, when set. */
  acquisitionCostOverride?: Money;
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
  reason?: string;
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
  upgradeReason?: string;
};

/**
 * FlexPortal-only detail of an order, under `order.extensions.flexportal`. An optional field that
 * FlexPortal left out or sent as `null` is `undefined` here (at every depth of the types below),
 * so the order's JSON has no member for it: a listing's extensions carry only what the provider
 * sent. `customFields`, a free-form map, is copied as sent, its own `null`s included.
 */
export type FlexPortalOrderExtensions = {
  /** The Business Unit the order belongs to. */
  tenantId: string;
  /** Subscription (rental) ids across the order. */
  rentalIds: string[];
  /** Free-form custom fields, when FlexPortal sent them. */
  customFields?: Record<string, unknown>;
  /** Billing address. */
  billingAddress: FlexPortalAddress;
  /** Shipping address (FlexPortal uses the billing address when none was given). */
  shippingAddress: FlexPortalAddress;
  /** Payment record, when the order has one. */
  payment?: FlexPortalPayment;
  /**
   * Customer detail the canonical customer does not carry: phone, type, and the name as FlexPortal
   * splits it (the canonical `customer.name` is the joined form, `firstName lastName`).
   */
  customer: { phone?: string; customerType: string; firstName: string; lastName: string };
  /**
   * `totals.totalDevices`: the devices the order's totals cover. The canonical `fulfillment.total`
   * is `rentalProgress.totalDevices`; the two are separate fields on the wire, so both are kept.
   * Left out when FlexPortal left it out.
   */
  totalDevices?: number;
  /** Who created the order (a user id, or `api`). */
  createdBy: string;
  /** Free-text notes (at most 5,000 characters), if any. */
  notes?: string;
  /** Shipment tracking number, if shipped. */
  trackingNumber?: string;
  /** As sent (the docs give no format), if shipped. */
  shippedAt?: string;
  /** Billing group the order is invoiced with, if any. */
  billingGroupId?: string;
  /** On `extension` orders: what is extended. */
  extensionDetails?: FlexPortalExtensionDetails;
  /** On `upgrade` orders: what is replaced. */
  upgradeDetails?: FlexPortalUpgradeDetails;
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
  // One pass: `readOrder` checks every rule of `flexPortalOrderSchema` on each field as it maps
  // it, so a valid order is read once, in place (no zod pass before the mapping pass, no copy).
  // The first rule a record breaks stops the reader, and the schema itself then reports the
  // record, so the issues, their paths and messages are exactly the schema's. The schema stays
  // the definition: tests check that the reader accepts exactly the records the schema accepts.
  const read = readOrder(record, record, context);
  if (read !== undefined) return read;
  const wire = flexPortalOrderSchema.parse(record);
  // Reached only if the reader refused a record the schema accepts (a reader stricter than the
  // schema): the schema's parsed copy is read instead, so such a record is still delivered.
  const copy = readOrder(wire, record, context);
  if (copy === undefined) {
    throw new Error(
      `mapFlexPortalOrder: order ${JSON.stringify(wire.orderId)} passed the schema but not the reader`,
    );
  }
  return copy;
}

/**
 * Reads one order, checking the schema's rules on the way; undefined as soon as a rule is broken.
 * `raw` is what `includeRaw` keeps (the caller's record, also when `record` is a parsed copy).
 * Every field of the record is read once (the reads of a listing's orders are the mapper's main
 * cost: their objects have many shapes, so each read is a generic property lookup).
 * @throws ProviderResponseError when the order is valid but an amount or timestamp cannot be read
 * exactly.
 */
function readOrder(
  record: unknown,
  raw: unknown,
  context: FlexPortalMappingContext,
): MappedRecord<Order> | undefined {
  if (!isObject(record)) return undefined;
  const wire = orderFieldsOf(record);
  const orderId = wire.orderId;
  const tenantId = wire.tenantId;
  const rawStatus = wire.status;
  const orderType = wire.orderType;
  if (
    !isText(orderId) ||
    orderId === '' ||
    !isText(tenantId) ||
    !isText(rawStatus) ||
    rawStatus === '' ||
    !isText(orderType)
  ) {
    return undefined;
  }
  // The totals come first: every amount of the order is read in their currency.
  const wireTotals = wire.totals;
  if (!isObject(wireTotals)) return undefined;
  const totals = totalsFieldsOf(wireTotals);
  const currencyCode = totals.currency;
  if (!isCurrencyCode(currencyCode)) return undefined;
  const subtotalAmount = totals.subtotal;
  const taxAmount = totals.taxAmount;
  const totalAmount = totals.total;
  const totalDevices = totals.totalDevices;
  if (
    !isAmount(subtotalAmount) ||
    !isOptionalAmount(taxAmount) ||
    !isAmount(totalAmount) ||
    !(isNothing(totalDevices) || isCount(totalDevices))
  ) {
    return undefined;
  }

  const provider = context.provider;
  const key = orderKey(provider, orderId);
  // The amounts of one order share its currency and its list of problems. Paths are built only
  // for an amount or timestamp that cannot be read: a FlexPortal order has 8-12 amounts, and the
  // mapping runs once per listed order.
  const reader: OrderReader = {
    currency: upperCaseCode(currencyCode),
    issues: [],
    provider,
    key,
    warnings: [],
  };

  const mapped = statusOf(context.statusMap ?? flexPortalStatusMap, rawStatus, key);
  if (mapped.warning) reader.warnings.push(mapped.warning);

  const wireItems = wire.items;
  if (!Array.isArray(wireItems)) return undefined;
  const itemCount = wireItems.length;
  const items: OrderItem[] = [];
  const itemExtensions: FlexPortalItemExtensions[] = [];
  // A line's overrides are read after the payment and the upgrade (the order problems are
  // reported in); the lines that have one are noted here.
  let overrideLines: number[] | undefined;
  for (let index = 0; index < itemCount; index++) {
    const hasOverride = readItem(wireItems[index], index, reader, items, itemExtensions);
    if (hasOverride === undefined) return undefined;
    if (hasOverride) {
      overrideLines ??= [];
      overrideLines.push(index);
    }
  }

  const wireCustomer = wire.customer;
  if (!isObject(wireCustomer)) return undefined;
  const customer = customerFieldsOf(wireCustomer);
  const customerId = customer.customerId;
  const email = customer.email;
  const firstName = customer.firstName;
  const lastName = customer.lastName;
  const company = customer.company;
  const phone = customer.phone;
  const customerType = customer.customerType;
  if (
    !isText(customerId) ||
    customerId === '' ||
    !isText(email) ||
    !isText(firstName) ||
    !isText(lastName) ||
    !isOptionalText(company) ||
    !isOptionalText(phone) ||
    !isOptionalText(customerType)
  ) {
    return undefined;
  }
  const billingAddress = address(wire.billingAddress);
  const shippingAddress = address(wire.shippingAddress);
  if (billingAddress === undefined || shippingAddress === undefined) return undefined;

  // Problems are reported in the order the fields are read (lines, payment, upgrade, line
  // overrides, totals, timestamps), so the order extensions are built in that order too.
  const payment = wire.payment;
  let paymentExtension: FlexPortalPayment | undefined;
  let paymentStatus: string | undefined;
  if (payment !== null && payment !== undefined) {
    if (!isObject(payment)) return undefined;
    const paymentFields = paymentFieldsOf(payment);
    const rawPaymentStatus = paymentFields.status;
    const method = paymentFields.method;
    const transactionId = paymentFields.transactionId;
    const paidAmount = paymentFields.paidAmount;
    const manuallyMarked = paymentFields.manuallyMarked;
    if (
      !isOptionalText(rawPaymentStatus) ||
      !isOptionalText(method) ||
      !isOptionalText(transactionId) ||
      !isOptionalAmount(paidAmount) ||
      !isOptionalBoolean(manuallyMarked)
    ) {
      return undefined;
    }
    paymentStatus = rawPaymentStatus ?? undefined;
    paymentExtension = {
      status: paymentStatus,
      method: method ?? undefined,
      transactionId: transactionId ?? undefined,
      paidAmount: readOptionalMoney(reader, paidAmount, 'payment.paidAmount') ?? undefined,
      manuallyMarked: manuallyMarked ?? false,
    };
  }
  const upgrade = wire.upgradeDetails;
  let upgradeDetails: FlexPortalUpgradeDetails | undefined;
  if (upgrade !== null && upgrade !== undefined) {
    if (!isUpgradeDetails(upgrade)) return undefined;
    upgradeDetails = {
      previousDevice: upgrade.previousDevice,
      previousSerialNumber: upgrade.previousSerialNumber,
      previousMonthlyAmount: readMoney(
        reader,
        upgrade.previousMonthlyAmount,
        'upgradeDetails.previousMonthlyAmount',
      ),
      previousRentalId: upgrade.previousRentalId,
      upgradeReason: upgrade.upgradeReason ?? undefined,
    };
  }
  if (overrideLines !== undefined) {
    for (const index of overrideLines) {
      // Checked by `readItem`.
      const item = wireItems[index] as FlexPortalWireOrderItem;
      const extension = itemExtensions[index]!;
      extension.listPriceOverride =
        readOptionalMoney(reader, item.listPriceOverride, 'listPriceOverride', index) ?? undefined;
      extension.acquisitionCostOverride =
        readOptionalMoney(reader, item.acquisitionCostOverride, 'acquisitionCostOverride', index) ??
        undefined;
    }
  }

  const orderRentalIds = wire.rentalIds;
  const customFields = wire.customFields;
  const wireRentalProgress = wire.rentalProgress;
  const billingGroupId = wire.billingGroupId;
  const trackingNumber = wire.trackingNumber;
  const shippedAt = wire.shippedAt;
  const createdAt = wire.createdAt;
  const updatedAt = wire.updatedAt;
  const createdBy = wire.createdBy;
  const notes = wire.notes;
  const extension = wire.extensionDetails;
  if (!isObject(wireRentalProgress)) return undefined;
  const rentalProgress = rentalProgressFieldsOf(wireRentalProgress);
  const devicesTotal = rentalProgress.totalDevices;
  const devicesRented = rentalProgress.rentedDevices;
  if (
    !isTextArray(orderRentalIds) ||
    !(isNothing(customFields) || isJsonRecord(customFields)) ||
    !isCount(devicesTotal) ||
    !isCount(devicesRented) ||
    !isOptionalText(billingGroupId) ||
    !isOptionalText(trackingNumber) ||
    !isOptionalText(shippedAt) ||
    !isText(createdAt) ||
    !isText(updatedAt) ||
    !isText(createdBy) ||
    !isOptionalText(notes) ||
    !(isNothing(extension) || isExtensionDetails(extension))
  ) {
    return undefined;
  }

  const extensions: FlexPortalOrderExtensions = {
    tenantId,
    rentalIds: orderRentalIds.slice(),
    customFields: customFields ? copyRecord(customFields) : undefined,
    billingAddress,
    shippingAddress,
    payment: paymentExtension,
    customer: {
      phone: phone ?? undefined,
      customerType: customerType ?? 'individual',
      firstName,
      lastName,
    },
    totalDevices: totalDevices ?? undefined,
    createdBy,
    notes: notes ?? undefined,
    trackingNumber: trackingNumber ?? undefined,
    shippedAt: shippedAt ?? undefined,
    billingGroupId: billingGroupId ?? undefined,
    extensionDetails: extension
      ? {
          originalOrderId: extension.originalOrderId,
          extensionMonths: extension.extensionMonths,
          previousEndDate: extension.previousEndDate,
          newEndDate: extension.newEndDate,
          reason: extension.reason ?? undefined,
        }
      : undefined,
    upgradeDetails,
    items: itemExtensions,
  };

  const name = fullName(firstName, lastName);
  const order: Order = {
    provider,
    id: orderId,
    key,
    status: mapped.status,
    paymentStatus: paymentStatusOf(paymentStatus, reader),
    fulfillmentStatus: mapped.fulfillmentStatus ?? null,
    providerStatus: { code: rawStatus, label: null },
    type: orderType,
    // FlexPortal has no reference number separate from the order id.
    reference: null,
    customer: {
      id: customerId,
      email,
      name: name === '' ? null : name,
      company: company ?? null,
    },
    // FlexPortal orders belong to a tenant, not a merchant: a merchant filter matches none of them.
    merchant: null,
    items,
    totals: {
      subtotal: readMoney(reader, subtotalAmount, 'totals.subtotal'),
      // `taxAmount` defaults to 0 in the schema (docs/providers/flexportal.md ambiguity 9: the prose calls it "tax").
      tax: readMoney(reader, taxAmount ?? 0, 'totals.taxAmount'),
      total: readMoney(reader, totalAmount, 'totals.total'),
      refunded: null,
    },
    fulfillment: {
      total: devicesTotal,
      done: devicesRented,
    },
    createdAt: readTimestamp(reader, createdAt, 'createdAt'),
    updatedAt: readTimestamp(reader, updatedAt, 'updatedAt'),
    placedAt: null,
    // A literal for the default id: a computed key's shape is a transition from the literal's, which
    // a full collection can drop (see "Reading a wire object's fields").
    extensions: provider === 'flexportal' ? { flexportal: extensions } : { [provider]: extensions },
  };
  if (context.includeRaw) order.raw = raw;

  if (reader.issues.length > 0) {
    throw new ProviderResponseError({
      provider,
      issues: reader.issues,
      message: `${provider} order ${JSON.stringify(orderId)} has values that cannot be read exactly: ${reader.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`,
    });
  }
  return { value: order, warnings: reader.warnings };
}

/**
 * Reads one order line (every field once), checking the schema's rules: appends the line to
 * `items` and its detail to `itemExtensions`, with the overrides left undefined. Undefined when the
 * line breaks a rule, else whether it has an override to read (`listPriceOverride`,
 * `acquisitionCostOverride`).
 */
function readItem(
  value: unknown,
  index: number,
  reader: OrderReader,
  items: OrderItem[],
  itemExtensions: FlexPortalItemExtensions[],
): boolean | undefined {
  if (!isObject(value)) return undefined;
  const sku = value.sku;
  const productName = value.productName;
  const quantity = value.quantity;
  const unitPrice = value.unitPrice;
  const contractLength = value.contractLength;
  const productId = value.productId;
  const productImageUrl = value.productImageUrl;
  const variantId = value.variantId;
  const listPrice = value.listPrice;
  const listPriceSource = value.listPriceSource;
  const acquisitionCost = value.acquisitionCost;
  const acquisitionCostSource = value.acquisitionCostSource;
  const listPriceOverride = value.listPriceOverride;
  const acquisitionCostOverride = value.acquisitionCostOverride;
  const usedListPriceAsAcquisition = value.usedListPriceAsAcquisition;
  const rentalIds = value.rentalIds;
  const rentalStatus = value.rentalStatus;
  if (
    !isText(sku) ||
    sku === '' ||
    !isText(productName) ||
    !isCount(quantity) ||
    !isAmount(unitPrice) ||
    typeof contractLength !== 'number' ||
    !Number.isFinite(contractLength) ||
    contractLength < 0 ||
    !isOptionalText(productId) ||
    !isOptionalText(productImageUrl) ||
    !isOptionalText(variantId) ||
    !isOptionalAmount(listPrice) ||
    !isOptionalText(listPriceSource) ||
    !isOptionalAmount(acquisitionCost) ||
    !isOptionalText(acquisitionCostSource) ||
    !isOptionalAmount(listPriceOverride) ||
    !isOptionalAmount(acquisitionCostOverride) ||
    !isOptionalBoolean(usedListPriceAsAcquisition) ||
    !(isNothing(rentalIds) || isTextArray(rentalIds)) ||
    !isOptionalText(rentalStatus)
  ) {
    return undefined;
  }
  items.push({
    sku,
    name: productName,
    quantity,
    unitPrice: readMoney(reader, unitPrice, 'unitPrice', index),
    termMonths: contractLength,
    fulfillment: {
      status: lineFulfillment(rentalStatus ?? 'pending', index, reader),
      done: rentalIds === null || rentalIds === undefined ? 0 : rentalIds.length,
    },
    listPrice: readOptionalMoney(reader, listPrice, 'listPrice', index),
    // The schema's default is `unknown` (docs/providers/flexportal.md ambiguity 10).
    listPriceSource: listPriceSource ?? 'unknown',
    acquisitionCost: readOptionalMoney(reader, acquisitionCost, 'acquisitionCost', index),
    acquisitionCostSource: acquisitionCostSource ?? 'unknown',
  });
  itemExtensions.push({
    sku,
    productId: productId ?? undefined,
    variantId: variantId ?? undefined,
    productImageUrl: productImageUrl ?? undefined,
    listPriceOverride: undefined,
    acquisitionCostOverride: undefined,
    usedListPriceAsAcquisition: usedListPriceAsAcquisition ?? false,
    rentalIds: rentalIds ? rentalIds.slice() : [],
    rentalStatus: rentalStatus ?? 'pending',
  });
  return !isNothing(listPriceOverride) || !isNothing(acquisitionCostOverride);
}

/**
 * Reading a wire object's fields. A listing's objects come in many shapes (each combination of
 * optional fields, in the order the provider wrote them, is a shape of its own: ~200 for a page of
 * orders), and a read by name from objects of many shapes is a slow generic lookup; a read from
 * objects of a few shapes is fast, but the optimised mapper then depends on those shapes, and a
 * full garbage collection that finds no object of such a shape alive (between two pages) drops it
 * and throws the optimised mapper away. So a plain object's own keys are walked instead, reading
 * each present field once, by position, into a fresh object literal (a literal's shape lives as
 * long as the code). The walk sees exactly what reads by name see when the prototype is
 * `Object.prototype` or null and every own property is enumerable (JSON.parse output always); any
 * other object is read by name, as the schema reads it. The cases of each walk are in the order
 * FlexPortal writes the fields, so most keys match early.
 */

/** Whether `record`'s prototype is `Object.prototype` or null (a plain object). */
function hasPlainPrototype(record: object): boolean {
  const prototype = Object.getPrototypeOf(record);
  return prototype === Object.prototype || prototype === null;
}

/**
 * Whether a walk of `record`'s keys (`for...in`, `walked` keys) saw every own property: none was
 * skipped as non-enumerable, and none was inherited.
 */
function walkedEveryProperty(record: object, walked: number): boolean {
  return walked === Object.getOwnPropertyNames(record).length;
}

/** The fields of an order that the schema reads, each read once. */
interface WireOrderFields {
  orderId: unknown;
  tenantId: unknown;
  status: unknown;
  orderType: unknown;
  customer: unknown;
  billingAddress: unknown;
  shippingAddress: unknown;
  items: unknown;
  totals: unknown;
  rentalProgress: unknown;
  rentalIds: unknown;
  createdAt: unknown;
  updatedAt: unknown;
  createdBy: unknown;
  payment: unknown;
  customFields: unknown;
  billingGroupId: unknown;
  trackingNumber: unknown;
  shippedAt: unknown;
  notes: unknown;
  extensionDetails: unknown;
  upgradeDetails: unknown;
}

/** Reads the fields of an order (see "Reading a wire object's fields" above). */
function orderFieldsOf(record: Record<string, unknown>): WireOrderFields {
  const fields: WireOrderFields = {
    orderId: undefined,
    tenantId: undefined,
    status: undefined,
    orderType: undefined,
    customer: undefined,
    billingAddress: undefined,
    shippingAddress: undefined,
    items: undefined,
    totals: undefined,
    rentalProgress: undefined,
    rentalIds: undefined,
    createdAt: undefined,
    updatedAt: undefined,
    createdBy: undefined,
    payment: undefined,
    customFields: undefined,
    billingGroupId: undefined,
    trackingNumber: undefined,
    shippedAt: undefined,
    notes: undefined,
    extensionDetails: undefined,
    upgradeDetails: undefined,
  };
  if (hasPlainPrototype(record)) {
    let walked = 0;
    for (const name in record) {
      walked++;
      const value = record[name];
      switch (name) {
        case 'orderId':
          fields.orderId = value;
          break;
        case 'tenantId':
          fields.tenantId = value;
          break;
        case 'status':
          fields.status = value;
          break;
        case 'orderType':
          fields.orderType = value;
          break;
        case 'customer':
          fields.customer = value;
          break;
        case 'billingAddress':
          fields.billingAddress = value;
          break;
        case 'shippingAddress':
          fields.shippingAddress = value;
          break;
        case 'items':
          fields.items = value;
          break;
        case 'totals':
          fields.totals = value;
          break;
        case 'rentalProgress':
          fields.rentalProgress = value;
          break;
        case 'rentalIds':
          fields.rentalIds = value;
          break;
        case 'createdAt':
          fields.createdAt = value;
          break;
        case 'updatedAt':
          fields.updatedAt = value;
          break;
        case 'createdBy':
          fields.createdBy = value;
          break;
        case 'payment':
          fields.payment = value;
          break;
        case 'customFields':
          fields.customFields = value;
          break;
        case 'billingGroupId':
          fields.billingGroupId = value;
          break;
        case 'trackingNumber':
          fields.trackingNumber = value;
          break;
        case 'shippedAt':
          fields.shippedAt = value;
          break;
        case 'notes':
          fields.notes = value;
          break;
        case 'extensionDetails':
          fields.extensionDetails = value;
          break;
        case 'upgradeDetails':
          fields.upgradeDetails = value;
          break;
      }
    }
    if (walkedEveryProperty(record, walked)) return fields;
  }
  fields.orderId = record.orderId;
  fields.tenantId = record.tenantId;
  fields.status = record.status;
  fields.orderType = record.orderType;
  fields.customer = record.customer;
  fields.billingAddress = record.billingAddress;
  fields.shippingAddress = record.shippingAddress;
  fields.items = record.items;
  fields.totals = record.totals;
  fields.rentalProgress = record.rentalProgress;
  fields.rentalIds = record.rentalIds;
  fields.createdAt = record.createdAt;
  fields.updatedAt = record.updatedAt;
  fields.createdBy = record.createdBy;
  fields.payment = record.payment;
  fields.customFields = record.customFields;
  fields.billingGroupId = record.billingGroupId;
  fields.trackingNumber = record.trackingNumber;
  fields.shippedAt = record.shippedAt;
  fields.notes = record.notes;
  fields.extensionDetails = record.extensionDetails;
  fields.upgradeDetails = record.upgradeDetails;
  return fields;
}

/** The fields of an order's `totals` that the schema reads, each read once. */
interface WireTotalsFields {
  subtotal: unknown;
  taxAmount: unknown;
  total: unknown;
  currency: unknown;
  totalDevices: unknown;
}

/** Reads the fields of an order's `totals` (see "Reading a wire object's fields" above). */
function totalsFieldsOf(record: Record<string, unknown>): WireTotalsFields {
  const fields: WireTotalsFields = {
    subtotal: undefined,
    taxAmount: undefined,
    total: undefined,
    currency: undefined,
    totalDevices: undefined,
  };
  if (hasPlainPrototype(record)) {
    let walked = 0;
    for (const name in record) {
      walked++;
      const value = record[name];
      switch (name) {
        case 'subtotal':
          fields.subtotal = value;
          break;
        case 'taxAmount':
          fields.taxAmount = value;
          break;
        case 'total':
          fields.total = value;
          break;
        case 'currency':
          fields.currency = value;
          break;
        case 'totalDevices':
          fields.totalDevices = value;
          break;
      }
    }
    if (walkedEveryProperty(record, walked)) return fields;
  }
  fields.subtotal = record.subtotal;
  fields.taxAmount = record.taxAmount;
  fields.total = record.total;
  fields.currency = record.currency;
  fields.totalDevices = record.totalDevices;
  return fields;
}

/** The fields of an order's `rentalProgress` that the schema reads, each read once. */
interface WireRentalProgressFields {
  totalDevices: unknown;
  rentedDevices: unknown;
}

/** Reads the fields of an order's `rentalProgress` (see "Reading a wire object's fields" above). */
function rentalProgressFieldsOf(record: Record<string, unknown>): WireRentalProgressFields {
  const fields: WireRentalProgressFields = {
    totalDevices: undefined,
    rentedDevices: undefined,
  };
  if (hasPlainPrototype(record)) {
    let walked = 0;
    for (const name in record) {
      walked++;
      const value = record[name];
      switch (name) {
        case 'totalDevices':
          fields.totalDevices = value;
          break;
        case 'rentedDevices':
          fields.rentedDevices = value;
          break;
      }
    }
    if (walkedEveryProperty(record, walked)) return fields;
  }
  fields.totalDevices = record.totalDevices;
  fields.rentedDevices = record.rentedDevices;
  return fields;
}

/** The fields of an order's `payment` that the schema reads, each read once. */
interface WirePaymentFields {
  status: unknown;
  method: unknown;
  transactionId: unknown;
  paidAmount: unknown;
  manuallyMarked: unknown;
}

/** Reads the fields of an order's `payment` (see "Reading a wire object's fields" above). */
function paymentFieldsOf(record: Record<string, unknown>): WirePaymentFields {
  const fields: WirePaymentFields = {
    status: undefined,
    method: undefined,
    transactionId: undefined,
    paidAmount: undefined,
    manuallyMarked: undefined,
  };
  if (hasPlainPrototype(record)) {
    let walked = 0;
    for (const name in record) {
      walked++;
      const value = record[name];
      switch (name) {
        case 'status':
          fields.status = value;
          break;
        case 'method':
          fields.method = value;
          break;
        case 'transactionId':
          fields.transactionId = value;
          break;
        case 'paidAmount':
          fields.paidAmount = value;
          break;
        case 'manuallyMarked':
          fields.manuallyMarked = value;
          break;
      }
    }
    if (walkedEveryProperty(record, walked)) return fields;
  }
  fields.status = record.status;
  fields.method = record.method;
  fields.transactionId = record.transactionId;
  fields.paidAmount = record.paidAmount;
  fields.manuallyMarked = record.manuallyMarked;
  return fields;
}

/** The fields of an order's `customer` that the schema reads, each read once. */
interface WireCustomerFields {
  customerId: unknown;
  email: unknown;
  firstName: unknown;
  lastName: unknown;
  company: unknown;
  phone: unknown;
  customerType: unknown;
}

/** Reads the fields of an order's `customer` (see "Reading a wire object's fields" above). */
function customerFieldsOf(record: Record<string, unknown>): WireCustomerFields {
  const fields: WireCustomerFields = {
    customerId: undefined,
    email: undefined,
    firstName: undefined,
    lastName: undefined,
    company: undefined,
    phone: undefined,
    customerType: undefined,
  };
  if (hasPlainPrototype(record)) {
    let walked = 0;
    for (const name in record) {
      walked++;
      const value = record[name];
      switch (name) {
        case 'customerId':
          fields.customerId = value;
          break;
        case 'email':
          fields.email = value;
          break;
        case 'firstName':
          fields.firstName = value;
          break;
        case 'lastName':
          fields.lastName = value;
          break;
        case 'company':
          fields.company = value;
          break;
        case 'phone':
          fields.phone = value;
          break;
        case 'customerType':
          fields.customerType = value;
          break;
      }
    }
    if (walkedEveryProperty(record, walked)) return fields;
  }
  fields.customerId = record.customerId;
  fields.email = record.email;
  fields.firstName = record.firstName;
  fields.lastName = record.lastName;
  fields.company = record.company;
  fields.phone = record.phone;
  fields.customerType = record.customerType;
  return fields;
}

/** The fields of an address that the schema reads, each read once. */
interface WireAddressFields {
  contactName: unknown;
  company: unknown;
  streetAddress: unknown;
  buildingInfo: unknown;
  locality: unknown;
  city: unknown;
  adminArea: unknown;
  postalCode: unknown;
  country: unknown;
}

/** Reads the fields of an address (see "Reading a wire object's fields" above). */
function addressFieldsOf(record: Record<string, unknown>): WireAddressFields {
  const fields: WireAddressFields = {
    contactName: undefined,
    company: undefined,
    streetAddress: undefined,
    buildingInfo: undefined,
    locality: undefined,
    city: undefined,
    adminArea: undefined,
    postalCode: undefined,
    country: undefined,
  };
  if (hasPlainPrototype(record)) {
    let walked = 0;
    for (const name in record) {
      walked++;
      const value = record[name];
      switch (name) {
        case 'contactName':
          fields.contactName = value;
          break;
        case 'company':
          fields.company = value;
          break;
        case 'streetAddress':
          fields.streetAddress = value;
          break;
        case 'buildingInfo':
          fields.buildingInfo = value;
          break;
        case 'locality':
          fields.locality = value;
          break;
        case 'city':
          fields.city = value;
          break;
        case 'adminArea':
          fields.adminArea = value;
          break;
        case 'postalCode':
          fields.postalCode = value;
          break;
        case 'country':
          fields.country = value;
          break;
      }
    }
    if (walkedEveryProperty(record, walked)) return fields;
  }
  fields.contactName = record.contactName;
  fields.company = record.company;
  fields.streetAddress = record.streetAddress;
  fields.buildingInfo = record.buildingInfo;
  fields.locality = record.locality;
  fields.city = record.city;
  fields.adminArea = record.adminArea;
  fields.postalCode = record.postalCode;
  fields.country = record.country;
  return fields;
}

// The rules of `flexPortalOrderSchema` (flexportal-api.ts), field by field, as zod 4 checks them:
// `z.object` takes any non-null, non-array object; `z.number()` a finite number; `.int()` a safe
// integer; `.nullish()` also `undefined` and `null`; `z.record` a plain object.

/** The `totals.currency` rule of the schema, `/^[A-Za-z]{3}$/`, without running the pattern. */
function isCurrencyCode(value: unknown): value is string {
  if (typeof value !== 'string' || value.length !== 3) return false;
  for (let index = 0; index < 3; index++) {
    // ASCII letters only: setting bit 5 folds A-Z onto a-z.
    const letter = value.charCodeAt(index) | 0x20;
    if (letter < 97 || letter > 122) return false;
  }
  return true;
}

/** A currency code in upper case, without a copy when it is already (what providers send). */
function upperCaseCode(code: string): string {
  for (let index = 0; index < code.length; index++) {
    const character = code.charCodeAt(index);
    if (character < 65 || character > 90) return code.toUpperCase();
  }
  return code;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isText(value: unknown): value is string {
  return typeof value === 'string';
}

function isNothing(value: unknown): value is null | undefined {
  return value === undefined || value === null;
}

function isOptionalText(value: unknown): value is string | null | undefined {
  return value === undefined || value === null || typeof value === 'string';
}

/** `flexPortalAmountSchema`: a finite number or any string (exactness is the mapper's check). */
function isAmount(value: unknown): value is number | string {
  return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
}

function isOptionalAmount(value: unknown): value is number | string | null | undefined {
  return value === undefined || value === null || isAmount(value);
}

/** `z.number().int().nonnegative()`. */
function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function isOptionalBoolean(value: unknown): value is boolean | null | undefined {
  return value === undefined || value === null || typeof value === 'boolean';
}

function isTextArray(value: unknown): value is string[] {
  if (!Array.isArray(value)) return false;
  for (let index = 0; index < value.length; index++) {
    if (typeof value[index] !== 'string') return false;
  }
  return true;
}

/**
 * `z.record(z.string(), z.unknown())`: a plain object (zod's own test: its constructor is absent,
 * not a function, or one whose prototype has `isPrototypeOf`) whose enumerable own keys are
 * strings. Anything less usual (another prototype, symbol keys) is left to the schema.
 */
function isJsonRecord(value: unknown): value is Record<string, unknown> {
  if (!isObject(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return false;
  // `value.constructor` without reading it from the record (whose shape the optimised mapper would
  // then depend on, see "Reading a wire object's fields"): an own `constructor` is rare.
  const maker = Object.hasOwn(value, 'constructor')
    ? value.constructor
    : prototype === null
      ? undefined
      : Object.prototype.constructor;
  if (typeof maker === 'function' && maker !== Object) return false;
  return Object.getOwnPropertySymbols(value).length === 0;
}

function isExtensionDetails(
  value: unknown,
): value is NonNullable<FlexPortalWireOrder['extensionDetails']> {
  if (!isObject(value)) return false;
  const months = value.extensionMonths;
  return (
    isText(value.originalOrderId) &&
    Number.isSafeInteger(months) &&
    (months as number) > 0 &&
    isText(value.previousEndDate) &&
    isText(value.newEndDate) &&
    isOptionalText(value.reason)
  );
}

function isUpgradeDetails(
  value: unknown,
): value is NonNullable<FlexPortalWireOrder['upgradeDetails']> {
  return (
    isObject(value) &&
    isText(value.previousDevice) &&
    isText(value.previousSerialNumber) &&
    isAmount(value.previousMonthlyAmount) &&
    isText(value.previousRentalId) &&
    isOptionalText(value.upgradeReason)
  );
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
  // A documented value as sent (lower case, no spaces) is found without a normalised copy.
  if (Object.hasOwn(table, raw)) return table[raw];
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

/** The canonical fulfilment of one line from its raw `rentalStatus` (default `pending`). */
function lineFulfillment(raw: string, index: number, reader: OrderReader): FulfillmentStatus {
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

/**
 * The canonical status of a raw order status, remembered per status map for the documented
 * values (a listing maps the same few values again and again): `mapStatus` decides it once. An
 * undocumented value is mapped each time, for its warning naming the order.
 */
function statusOf(map: StatusMap, raw: string, key: string): MappedStatus {
  let known = knownStatuses.get(map);
  if (known === undefined) {
    known = new Map();
    knownStatuses.set(map, known);
  }
  const remembered = known.get(raw);
  if (remembered !== undefined) return remembered;
  const mapped = mapStatus(map, { code: raw, label: null }, key);
  // Bounded: spellings of the documented values (`Confirmed`, ` confirmed`) are few.
  if (mapped.warning === undefined && known.size < 64) known.set(raw, mapped);
  return mapped;
}

/** Documented raw statuses already mapped, per status map (see `statusOf`). */
const knownStatuses = new WeakMap<StatusMap, Map<string, MappedStatus>>();

/** `${firstName} ${lastName}`, trimmed; no trimmed copy when the ends are already not blank. */
function fullName(firstName: string, lastName: string): string {
  const joined = `${firstName} ${lastName}`;
  // Printable ASCII other than the space at both ends: nothing for `trim()` to remove.
  const first = joined.charCodeAt(0);
  const last = joined.charCodeAt(joined.length - 1);
  return first > 32 && first < 127 && last > 32 && last < 127 ? joined : joined.trim();
}

/** A copy of a JSON record as `z.record` builds it: own enumerable keys, except `__proto__`. */
function copyRecord(record: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(record)) {
    if (key !== '__proto__') copy[key] = record[key];
  }
  return copy;
}

/** A checked copy of an address; undefined when it breaks a rule of the schema. */
function address(record: unknown): FlexPortalAddress | undefined {
  if (!isObject(record)) return undefined;
  const value = addressFieldsOf(record);
  const contactName = value.contactName;
  const streetAddress = value.streetAddress;
  const city = value.city;
  const country = value.country;
  const postalCode = value.postalCode;
  const company = value.company;
  const buildingInfo = value.buildingInfo;
  const locality = value.locality;
  const adminArea = value.adminArea;
  if (
    !isText(contactName) ||
    !isText(streetAddress) ||
    !isText(city) ||
    !isText(country) ||
    !isOptionalText(postalCode) ||
    !isOptionalText(company) ||
    !isOptionalText(buildingInfo) ||
    !isOptionalText(locality) ||
    !isOptionalText(adminArea)
  ) {
    return undefined;
  }
  return {
    contactName,
    streetAddress,
    city,
    country,
    postalCode: postalCode ?? undefined,
    company: company ?? undefined,
    buildingInfo: buildingInfo ?? undefined,
    locality: locality ?? undefined,
    adminArea: adminArea ?? undefined,
  };
}
