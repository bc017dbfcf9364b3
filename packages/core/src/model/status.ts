import { z } from 'zod';
import type { Warning } from './warning.js';

/** Lifecycle statuses of the canonical order, in lifecycle order. */
export const ORDER_STATUSES = [
  'draft',
  'pending',
  'on_hold',
  'processing',
  'completed',
  'cancelled',
  'failed',
  'returned',
  'unknown',
] as const;
/**
 * Payment statuses of the canonical order. `partially_refunded`: paid, then part of the amount
 * refunded; `disputed`: the customer disputed the payment with their bank (a chargeback).
 */
export const PAYMENT_STATUSES = [
  'pending',
  'requires_capture',
  'paid',
  'partially_refunded',
  'refunded',
  'disputed',
  'failed',
  'unknown',
] as const;
/** Fulfilment statuses of the canonical order. */
export const FULFILLMENT_STATUSES = [
  'unfulfilled',
  'partially_fulfilled',
  'fulfilled',
  'returned',
  'unknown',
] as const;

/** Canonical lifecycle status. */
export const orderStatusSchema = z.enum(ORDER_STATUSES);
/** Canonical payment status. */
export const paymentStatusSchema = z.enum(PAYMENT_STATUSES);
/** Canonical fulfilment status. */
export const fulfillmentStatusSchema = z.enum(FULFILLMENT_STATUSES);

/** Canonical lifecycle status. */
export type OrderStatus = z.infer<typeof orderStatusSchema>;
/** Canonical payment status. */
export type PaymentStatus = z.infer<typeof paymentStatusSchema>;
/** Canonical fulfilment status. */
export type FulfillmentStatus = z.infer<typeof fulfillmentStatusSchema>;

/** The three status dimensions a query can filter on. */
export type StatusDimension = 'status' | 'paymentStatus' | 'fulfillmentStatus';

/**
 * What one raw provider status means canonically. A dimension left out (`undefined`) is not
 * determined by this raw value (FlexPortal's payment status comes from `payment.status`);
 * `null` means the provider has no such notion for this status.
 */
export interface StatusMapping {
  /** Canonical lifecycle status. */
  status: OrderStatus;
  /** Canonical payment status; `undefined` when another field decides it. */
  paymentStatus?: PaymentStatus | null;
  /** Canonical fulfilment status; `undefined` when another field decides it. */
  fulfillmentStatus?: FulfillmentStatus | null;
  /**
   * Payment statuses an order with this raw status can have instead of `paymentStatus`, decided
   * by another field of the order (FlexFactor's `refundsAmount` turns a `paid` order into
   * `partially_refunded`). The planner pushes this raw value down for a filter on any of them.
   */
  otherPaymentStatuses?: readonly PaymentStatus[];
}

/**
 * A status the provider documents by name only, without its raw code (FlexFactor's portal guide
 * lists "Chargeback" but no number). It is recognised when a raw code the map does not know
 * arrives with this label (from the response's own code → name table, or the order's label).
 */
export interface StatusLabelEntry extends StatusMapping {
  /** The documented name, compared case-insensitively (`'Chargeback'`). */
  label: string;
}

/** One documented raw value of a provider's status field and its canonical meaning. */
export interface StatusMapEntry extends StatusMapping {
  /** The raw value as the provider sends it (`'confirmed'`, `5`). */
  code: string | number;
  /** The provider's documented label (`'Capturerequired'`); compared case-insensitively. */
  label: string;
}

/** A provider's status table, as data, so a test can prove it total over the documented values. */
export interface StatusMap {
  /** Provider id the table belongs to. */
  readonly provider: string;
  /** Every documented raw value. */
  readonly entries: readonly StatusMapEntry[];
  /** Statuses documented by name only (no code); absent or empty for most providers. */
  readonly labelEntries?: readonly StatusLabelEntry[];
}

/** The raw status as the provider sent it: never lost. */
export interface ProviderStatus {
  /** Raw code (`'partial'`, `7`). */
  code: string | number;
  /** Raw label when the provider sends one (`'CAPTUREREQUIRED'`), else null. */
  label: string | null;
}

/** Result of mapping a raw status. */
export interface MappedStatus {
  status: OrderStatus;
  paymentStatus: PaymentStatus | null | undefined;
  fulfillmentStatus: FulfillmentStatus | null | undefined;
  providerStatus: ProviderStatus;
  /** Set when the raw value is not in the map: the order is kept with status `unknown`. */
  warning: Warning | undefined;
}

/**
 * Builds a status map and checks it has no duplicate codes, and that no name-only status reuses
 * the code or label of a documented one.
 * @throws Error naming the duplicate.
 */
export function defineStatusMap(
  provider: string,
  entries: readonly StatusMapEntry[],
  labelEntries: readonly StatusLabelEntry[] = [],
): StatusMap {
  const seen = new Set<string>();
  for (const entry of entries) {
    const key = String(entry.code).toLowerCase();
    if (seen.has(key)) throw new Error(`status map for ${provider} lists ${entry.code} twice`);
    seen.add(key);
  }
  const known = new Set(
    entries.flatMap((entry) => [String(entry.code).toLowerCase(), entry.label.toLowerCase()]),
  );
  for (const entry of labelEntries) {
    const key = entry.label.toLowerCase();
    if (known.has(key)) throw new Error(`status map for ${provider} lists ${entry.label} twice`);
    known.add(key);
  }
  return { provider, entries, labelEntries };
}

/** Finds the name-only status with this label, case-insensitively. */
export function findStatusLabelEntry(
  map: StatusMap,
  label: string | null | undefined,
): StatusLabelEntry | undefined {
  if (!label) return undefined;
  const wanted = label.trim().toLowerCase();
  return (map.labelEntries ?? []).find((entry) => entry.label.toLowerCase() === wanted);
}

/** Finds the entry for a raw code or label, case-insensitively (FlexFactor sends `CAPTUREREQUIRED`). */
export function findStatusEntry(map: StatusMap, raw: string | number): StatusMapEntry | undefined {
  return entryIndexOf(map).get(String(raw).trim().toLowerCase());
}

/** Each status table's entries by lower-case code and label, built once per `entries` array. */
const entryIndexes = new WeakMap<readonly StatusMapEntry[], Map<string, StatusMapEntry>>();

/**
 * The lookup table of a status map: every order maps its status, and scanning the entries with two
 * `toLowerCase()` per entry cost more than the rest of the status mapping. The first entry that has
 * a value as its code or its label wins, as a scan in entry order would find it.
 */
function entryIndexOf(map: StatusMap): Map<string, StatusMapEntry> {
  let index = entryIndexes.get(map.entries);
  if (index === undefined) {
    index = new Map();
    for (const entry of map.entries) {
      const code = String(entry.code).toLowerCase();
      if (!index.has(code)) index.set(code, entry);
      const label = entry.label.toLowerCase();
      if (!index.has(label)) index.set(label, entry);
    }
    entryIndexes.set(map.entries, index);
  }
  return index;
}

/**
 * Maps a raw status to the canonical dimensions. An unknown value never throws and never drops the
 * order: it maps to `unknown` (in every dimension the map decides), keeps the raw value, and
 * returns a warning. A code the map does not know is recognised by name only when the name is one
 * of the map's name-only statuses (`labelEntries`); the name is read from `labels`, the code →
 * name table the provider sent with the response (FlexFactor's `orderStatuses`), else from the
 * order's own label.
 */
export function mapStatus(
  map: StatusMap,
  raw: { code: string | number; label?: string | null },
  orderKey?: string,
  labels?: Readonly<Record<string, string>> | null,
): MappedStatus {
  const providerStatus: ProviderStatus = { code: raw.code, label: raw.label ?? null };
  // The code decides. The label is only read when no code was sent: an unknown code with a known
  // label (FlexFactor code 9 labelled "Completed") is not silently taken for that label's status.
  const hasCode =
    typeof raw.code === 'number' ||
    (raw.code !== null && raw.code !== undefined && String(raw.code).trim() !== '');
  const entry = hasCode
    ? findStatusEntry(map, raw.code)
    : raw.label
      ? findStatusEntry(map, raw.label)
      : undefined;
  const found =
    entry ??
    (hasCode ? findStatusLabelEntry(map, labels?.[String(raw.code).trim()]) : undefined) ??
    (typeof raw.code === 'string' ? findStatusLabelEntry(map, raw.code) : undefined) ??
    findStatusLabelEntry(map, raw.label);
  if (found) {
    return {
      status: found.status,
      paymentStatus: found.paymentStatus,
      fulfillmentStatus: found.fulfillmentStatus,
      providerStatus,
      warning: undefined,
    };
  }
  const decides = (dimension: 'paymentStatus' | 'fulfillmentStatus'): boolean =>
    map.entries.some((candidate) => candidate[dimension] !== undefined);
  return {
    status: 'unknown',
    paymentStatus: decides('paymentStatus') ? 'unknown' : undefined,
    fulfillmentStatus: decides('fulfillmentStatus') ? 'unknown' : undefined,
    providerStatus,
    warning: {
      code: 'unknown-status',
      provider: map.provider,
      message: `${map.provider} sent status ${JSON.stringify(raw.code)}${raw.label ? ` (${raw.label})` : ''}, which is not in its status map; mapped to "unknown"`,
      ...(orderKey ? { orderKey } : {}),
    },
  };
}
