import {
  formatPath,
  type Money,
  MoneyConversionError,
  mapStatus,
  moneyFromDecimal,
  normalizeTimestamp,
  type Order,
  orderKey,
  type ResponseIssue,
  type StatusMap,
  TimestampError,
  type Warning,
} from '@orderbridge/core';
import type { z } from 'zod';
import {
  type FlexFactorOrderRow,
  flexFactorOrderDetailSchema,
  flexFactorOrderRowSchema,
} from './flexfactor-api.js';
import { paymentStatusAfterRefunds } from './flexfactor-status-map.js';

/**
 * FlexFactor fields with no canonical home, under `order.extensions.<provider id>`
 * (`extensions.flexfactor` by default), as the provider sent them. Listed orders carry the list-row
 * fields; an order read with `getOrder` carries them too, plus what only the single-order endpoint
 * sends (`detail`: correlation id, names, email, phone, addresses). A field FlexFactor left out or
 * sent as `null` (or an empty `secondaryEmail`) is `undefined`, so the order's JSON has no member
 * for it; the `detail` addresses, free-form records, are copied as sent.
 */
export type FlexFactorOrderExtensions = {
  /** Whether the order ran in FlexFactor's ghost (shadow) mode. */
  isGhostMode?: boolean;
  /** Whether the payment was merchant-initiated. */
  isMIT?: boolean;
  /** The merchant site the order came from. */
  siteId?: string;
  /** Billing descriptor / product description. */
  descriptor?: string;
  /** Payout state, when FlexFactor reports one. */
  payoutStatus?: string | number;
  /** When an unpaid order expires, as sent (ISO 8601), if sent. */
  expiryDate?: string;
  /** FlexFactor's token of the payment instrument (not a credential of this API). */
  paymentInstrumentToken?: string;
  /** The amount formatted by FlexFactor, e.g. `$45.65`. */
  formattedAmount?: string;
  /** Currency symbol, e.g. `$`. */
  currencySymbol?: string;
  /** Only on orders read with `getOrder`: the single-order endpoint's own fields (FF-GET). */
  detail?: FlexFactorOrderDetailExtension;
};

/** What `GET /v1/orders/{id}` adds to a list row (FF-GET; its field list is cut off in the docs). */
export interface FlexFactorOrderDetailExtension {
  correlationId?: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  secondaryEmail?: string;
  phone?: string;
  billingAddress?: Record<string, unknown>;
  shippingAddress?: Record<string, unknown>;
}

/**
 * The FlexFactor fields of an order (`order.extensions[provider]`), typed; undefined for an order
 * of another provider.
 */
export function flexFactorExtensionsOf(
  order: Order,
  provider = order.provider,
): FlexFactorOrderExtensions | undefined {
  return order.extensions[provider] as FlexFactorOrderExtensions | undefined;
}

/** What the mapper needs to know about the provider instance. */
export interface FlexFactorMapContext {
  /** Provider id (prefix of order keys). */
  provider: string;
  /** Status table under that id. */
  statusMap: StatusMap;
  /**
   * The list response's `orderStatuses` (code → name): how a code the map was not built with is
   * recognised by its name (a `Chargeback` code maps to payment `disputed`).
   */
  statusLabels?: Readonly<Record<string, string>> | null | undefined;
  /** Whether to keep the wire object as `order.raw`. */
  includeRaw?: boolean | undefined;
}

/** One record read from the wire: a canonical order, or why it could not be read. */
export type FlexFactorRecordResult =
  | { ok: true; order: Order; warnings: Warning[] }
  | { ok: false; recordId: string | undefined; issues: ResponseIssue[] };

/**
 * Validates one list row (`orders.rows[n]`) and maps it to a canonical order. Never throws: a row
 * that does not match the documented format is returned with its issues, each with the JSON path
 * `path` + field (e.g. `orders.rows[3].amount`).
 */
export function readFlexFactorRow(
  raw: unknown,
  path: string,
  context: FlexFactorMapContext,
): FlexFactorRecordResult {
  // A valid row is read in place: `validate` runs the compiled schema without building a copy of
  // the row. Only an invalid row goes through `safeParse`, for the schema's own issues. Unknown
  // fields stay on the row; nothing below reads them (every field read is a primitive, and none
  // is handed on).
  let row: FlexFactorOrderRow;
  if (flexFactorOrderRowSchema.validate(raw)) {
    row = raw as FlexFactorOrderRow;
  } else {
    const parsed = flexFactorOrderRowSchema.safeParse(raw);
    if (!parsed.success) return invalid(raw, path, parsed.error);
    row = parsed.data;
  }
  return mapRecord(row, raw, path, context, listExtensions(row), null, row.payerName ?? null);
}

/**
 * Validates the body of `GET /v1/orders/{id}` and maps it like a list row. The fields only the
 * single-order endpoint sends (correlation id, names, email, phone, addresses) go under
 * `extensions.<provider>.detail`, and its email and names fill the canonical customer, which a
 * listed order cannot.
 */
export function readFlexFactorOrderDetail(
  raw: unknown,
  context: FlexFactorMapContext,
): FlexFactorRecordResult {
  const parsed = flexFactorOrderDetailSchema.safeParse(raw);
  if (!parsed.success) return invalid(raw, '', parsed.error);
  const detail = parsed.data;
  const extensions: FlexFactorOrderExtensions = listExtensions(detail);
  extensions.detail = {
    correlationId: detail.correlationId ?? undefined,
    firstName: detail.firstName ?? undefined,
    lastName: detail.lastName ?? undefined,
    email: detail.email ?? undefined,
    secondaryEmail: detail.secondaryEmail || undefined,
    phone: detail.phone ?? undefined,
    billingAddress: detail.billingAddress ?? undefined,
    shippingAddress: detail.shippingAddress ?? undefined,
  };
  // The single order has the payer's email (FF-GET); a list row does not. The payer's name is
  // `payerName`, else the single order's first and last name.
  const name =
    detail.payerName ||
    [detail.firstName, detail.lastName].filter(Boolean).join(' ') ||
    (detail.payerName ?? null);
  return mapRecord(detail, raw, '', context, extensions, detail.email ?? null, name);
}

/**
 * Maps a validated row. Problems are collected with their paths, built only when there is one:
 * this runs once per listed order.
 */
function mapRecord(
  row: FlexFactorOrderRow,
  raw: unknown,
  path: string,
  context: FlexFactorMapContext,
  extensions: FlexFactorOrderExtensions,
  email: string | null,
  customerName: string | null,
): FlexFactorRecordResult {
  const issues: ResponseIssue[] = [];
  const total = readMoney(row.amount, row.currencyCode, path, 'amount', issues);
  const refunded =
    row.refundsAmount === null || row.refundsAmount === undefined
      ? null
      : readMoney(row.refundsAmount, row.currencyCode, path, 'refundsAmount', issues);
  const createdAt = readTimestamp(row.createdOn, path, 'createdOn', issues);
  const placedAt = row.orderPlacedDate
    ? readTimestamp(row.orderPlacedDate, path, 'orderPlacedDate', issues)
    : null;
  if (issues.length > 0 || total === null || createdAt === null) {
    return { ok: false, recordId: row.id, issues };
  }

  const key = orderKey(context.provider, row.id);
  const status = mapStatus(
    context.statusMap,
    { code: row.status, label: row.statusName ?? null },
    key,
    context.statusLabels,
  );
  // The raw status is kept exactly as sent (docs/architecture.md: never lost): the list spells the label
  // "completed" (FF-LIST's response example) and the single order "CAPTUREREQUIRED" (AM, docs/providers/flexfactor.md ambiguity 25); the code
  // is what identifies the status, and labels are compared case-insensitively.
  const providerStatus = status.providerStatus;
  const order: Order = {
    provider: context.provider,
    id: row.id,
    key,
    status: status.status,
    paymentStatus: paymentStatusAfterRefunds(status.paymentStatus ?? null, total, refunded),
    fulfillmentStatus: status.fulfillmentStatus ?? null,
    providerStatus,
    type: null,
    reference: row.referenceNumber ?? null,
    customer: { id: null, email, name: customerName, company: null },
    merchant: {
      id: row.merchantId ?? null,
      name: row.merchantName ?? null,
      storeId: row.storeId ?? null,
      storeName: row.storeName ?? null,
    },
    items: [],
    totals: { subtotal: null, tax: null, total, refunded },
    fulfillment: null,
    createdAt,
    updatedAt: null,
    placedAt,
    // A literal for the default id: a computed key's shape is a transition from the literal's that
    // a full garbage collection drops when no such order is alive, throwing the optimised mapper away.
    extensions:
      context.provider === 'flexfactor'
        ? { flexfactor: extensions }
        : { [context.provider]: extensions },
  };
  if (context.includeRaw) order.raw = raw;
  return { ok: true, order, warnings: status.warning ? [status.warning] : [] };
}

/** The JSON path of a field of the record at `path` (`orders.rows[3].amount`, or `amount`). */
function fieldPath(path: string, field: string): string {
  return path ? `${path}.${field}` : field;
}

/** An amount in minor units; null, with an issue, when it cannot be read exactly. */
function readMoney(
  value: number | string,
  currency: string,
  path: string,
  field: string,
  issues: ResponseIssue[],
): Money | null {
  try {
    return moneyFromDecimal(value, currency);
  } catch (error) {
    issues.push({ path: fieldPath(path, field), message: describe(error) });
    return null;
  }
}

/** A timestamp in canonical UTC; null, with an issue, when it cannot be read. */
function readTimestamp(
  value: string,
  path: string,
  field: string,
  issues: ResponseIssue[],
): string | null {
  try {
    return normalizeTimestamp(value);
  } catch (error) {
    issues.push({ path: fieldPath(path, field), message: describe(error) });
    return null;
  }
}

function listExtensions(row: FlexFactorOrderRow): FlexFactorOrderExtensions {
  return {
    isGhostMode: row.isGhostMode ?? undefined,
    isMIT: row.isMIT ?? undefined,
    siteId: row.siteId ?? undefined,
    descriptor: row.descriptor ?? undefined,
    payoutStatus: row.payoutStatus ?? undefined,
    expiryDate: row.expiryDate ?? undefined,
    paymentInstrumentToken: row.paymentInstrumentToken ?? undefined,
    formattedAmount: row.formattedAmount ?? undefined,
    currencySymbol: row.currencySymbol ?? undefined,
  };
}

function invalid(raw: unknown, path: string, error: z.ZodError): FlexFactorRecordResult {
  const issues = error.issues.map((issue) => {
    const inner = formatPath(issue.path);
    return {
      path: path && inner ? `${path}.${inner}` : path || inner || '(record)',
      message: issue.message,
    };
  });
  const id =
    typeof raw === 'object' && raw !== null && typeof (raw as { id?: unknown }).id === 'string'
      ? (raw as { id: string }).id
      : undefined;
  return { ok: false, recordId: id, issues };
}

function describe(error: unknown): string {
  if (error instanceof MoneyConversionError || error instanceof TimestampError)
    return error.message;
  return error instanceof Error ? error.message : String(error);
}
