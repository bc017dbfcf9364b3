import { type AliasedRawBuilder, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { OrdersTable } from '../schema/store-database.js';

/**
 * Payment statuses under which the total was taken from the payer: `paid`, and the statuses an
 * order can only reach after it was paid (`refunded`; `partially_refunded` and `disputed` as core
 * adds them). A status this list does not name counts as not captured.
 */
export const CAPTURED_PAYMENT_STATUSES = [
  'paid',
  'refunded',
  'partially_refunded',
  'disputed',
] as const;

/** Payment statuses counted as chargebacks (`disputed`, as core adds it). */
export const CHARGEBACK_PAYMENT_STATUSES = ['disputed'] as const;

/** The payment status of an order whose payment awaits capture. */
export const AWAITING_CAPTURE = 'requires_capture';

/**
 * The sums the revenue and merchants reports add up, per group of orders. Each is defined twice,
 * once in SQL over the `orders` columns (`measureSums`, for scans) and once in JavaScript over one
 * row (`orderMeasures`, for the roll-up tables kept by every write); the roll-up tests check that
 * the two agree on every kind of order.
 */
export const MEASURES = [
  'orders',
  'amount_minor',
  'captured_orders',
  'captured_minor',
  'refunded_orders',
  'refunded_minor',
  'awaiting_orders',
  'awaiting_minor',
  'chargeback_orders',
  'chargeback_minor',
  'refunds_other_currency',
] as const;
/** The name of one measure (also its column in the roll-up tables). */
export type Measure = (typeof MEASURES)[number];
/** One value per measure. */
export type Measures = Record<Measure, number>;

/** The columns of an order row the measures and the roll-up keys read. */
export const MEASURED_COLUMNS = [
  'provider',
  'created_at',
  'created_week',
  'currency',
  'status',
  'payment_status',
  'total_minor',
  'refunded_minor',
  'refunded_currency',
  'merchant_id',
  'merchant_name',
  'vanished_at',
] as const satisfies ReadonlyArray<keyof OrdersTable>;
/** An order row as the measures see it. */
export type MeasuredRow = Pick<OrdersTable, (typeof MEASURED_COLUMNS)[number]>;

/**
 * An exact integer sum: `sum` of a BIGINT is NUMERIC on PostgreSQL (which pg hands over as text),
 * so it is cast back to BIGINT, which the store's pool parses to a safe integer or rejects.
 */
function exactSum(expression: RawBuilder<unknown>): RawBuilder<number> {
  return sql<number>`cast(coalesce(sum(${expression}), 0) as bigint)`;
}

/** `column in (values…)` with bound values. */
export function isOneOf(column: string, values: readonly string[]): RawBuilder<SqlBool> {
  return sql<SqlBool>`${sql.ref(column)} in (${sql.join(values)})`;
}

/** The refunded amount of a row when it is in the total's currency, else 0 (never mixed). */
function refundInTotalCurrency(): RawBuilder<unknown> {
  return sql`case when ${sql.ref('refunded_currency')} = ${sql.ref('currency')} then ${sql.ref('refunded_minor')} else 0 end`;
}

/** `total_minor` when a condition holds, else 0. */
function totalWhen(condition: RawBuilder<SqlBool>): RawBuilder<unknown> {
  return sql`case when ${condition} then ${sql.ref('total_minor')} else 0 end`;
}

/** 1 when a condition holds, else 0 (a conditional count). */
function oneWhen(condition: RawBuilder<SqlBool>): RawBuilder<unknown> {
  return sql`case when ${condition} then 1 else 0 end`;
}

/** Each measure as an exact SQL sum over `orders` rows, aliased by its name. */
export function measureSums(): Array<AliasedRawBuilder<number, Measure>> {
  const captured = isOneOf('payment_status', CAPTURED_PAYMENT_STATUSES);
  const awaiting = isOneOf('payment_status', [AWAITING_CAPTURE]);
  const chargeback = isOneOf('payment_status', CHARGEBACK_PAYMENT_STATUSES);
  const refund = refundInTotalCurrency();
  const refundedCurrency = sql.ref('refunded_currency');
  const sums: Record<Measure, RawBuilder<unknown>> = {
    orders: sql`1`,
    amount_minor: sql`${sql.ref('total_minor')}`,
    captured_orders: oneWhen(captured),
    captured_minor: totalWhen(captured),
    refunded_orders: oneWhen(sql<SqlBool>`${refund} > 0`),
    refunded_minor: refund,
    awaiting_orders: oneWhen(awaiting),
    awaiting_minor: totalWhen(awaiting),
    chargeback_orders: oneWhen(chargeback),
    chargeback_minor: totalWhen(chargeback),
    refunds_other_currency: oneWhen(
      sql<SqlBool>`${refundedCurrency} is not null and ${refundedCurrency} <> ${sql.ref('currency')}`,
    ),
  };
  return MEASURES.map((measure) => exactSum(sums[measure]).as(measure));
}

/** The measures of one order row (what `measureSums` adds for it), times `sign`. */
export function orderMeasures(row: MeasuredRow, sign: 1 | -1): Measures {
  const total = Number(row.total_minor);
  const payment = row.payment_status;
  const captured = (CAPTURED_PAYMENT_STATUSES as readonly (string | null)[]).includes(payment);
  const awaiting = payment === AWAITING_CAPTURE;
  const chargeback = (CHARGEBACK_PAYMENT_STATUSES as readonly (string | null)[]).includes(payment);
  const refund =
    row.refunded_currency !== null && row.refunded_currency === row.currency
      ? Number(row.refunded_minor ?? 0)
      : 0;
  const otherCurrency = row.refunded_currency !== null && row.refunded_currency !== row.currency;
  return {
    orders: sign,
    amount_minor: sign * total,
    captured_orders: captured ? sign : 0,
    captured_minor: captured ? sign * total : 0,
    refunded_orders: refund > 0 ? sign : 0,
    refunded_minor: sign * refund,
    awaiting_orders: awaiting ? sign : 0,
    awaiting_minor: awaiting ? sign * total : 0,
    chargeback_orders: chargeback ? sign : 0,
    chargeback_minor: chargeback ? sign * total : 0,
    refunds_other_currency: otherCurrency ? sign : 0,
  };
}

/** Each measure column of a roll-up table, summed exactly, aliased by its name. */
export function measureTotals(): Array<AliasedRawBuilder<number, Measure>> {
  return MEASURES.map((measure) => exactSum(sql`${sql.ref(measure)}`).as(measure));
}

/** A row that carries every measure (numbers, or the BIGINT text a driver may hand over). */
export type MeasuredGroup = Record<Measure, number | string | bigint>;

/** Adds the measures of a group to a running total. */
function addMeasures(total: Measures, group: MeasuredGroup): void {
  for (const measure of MEASURES) total[measure] += Number(group[measure]);
}

/** Measures that are all 0. */
function zeroMeasures(): Measures {
  return Object.fromEntries(MEASURES.map((measure) => [measure, 0])) as Measures;
}

/** Groups a report folded under one key: the groups, their summed measures, orders per status. */
export interface FoldedGroups<Group> {
  groups: Group[];
  sums: Measures;
  /** Orders per lifecycle status (a status may come from several groups: added up). */
  byStatus: Record<string, number>;
  /** The summed `amount_minor` per status. */
  amountByStatus: Record<string, number>;
}

/**
 * Folds a report's groups (from a roll-up table and from the orders at a window's edges, which
 * may share a key) under the key `keyOf` gives, in first-seen order.
 */
export function foldGroups<Group extends MeasuredGroup & { status: string }>(
  groups: Iterable<Group>,
  keyOf: (group: Group) => ReadonlyArray<string | null>,
): FoldedGroups<Group>[] {
  const folded = new Map<string, FoldedGroups<Group>>();
  for (const group of groups) {
    const id = JSON.stringify(keyOf(group));
    let entry = folded.get(id);
    if (entry === undefined) {
      entry = { groups: [], sums: zeroMeasures(), byStatus: {}, amountByStatus: {} };
      folded.set(id, entry);
    }
    entry.groups.push(group);
    addMeasures(entry.sums, group);
    const { status } = group;
    entry.byStatus[status] = (entry.byStatus[status] ?? 0) + Number(group.orders);
    entry.amountByStatus[status] = (entry.amountByStatus[status] ?? 0) + Number(group.amount_minor);
  }
  return [...folded.values()];
}

/** The sum of a per-status record over some statuses. */
export function sumOfStatuses(
  perStatus: Readonly<Record<string, number>>,
  statuses: Iterable<string>,
): number {
  let sum = 0;
  for (const status of statuses) sum += perStatus[status] ?? 0;
  return sum;
}
