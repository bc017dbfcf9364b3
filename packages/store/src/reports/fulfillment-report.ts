import { type SqlBool, sql } from 'kysely';
import { z } from 'zod';
import type { OrderStore } from '../order-store.js';
import { asOfSchema, reportWindowSchema } from './report-options.js';
import {
  asOfTime,
  boundKey,
  compareText,
  countRows,
  FINAL_STATUSES,
  isOneOf,
  parseReportOptions,
  type ReportWindow,
  reportDatabase,
  resolveWindow,
  timestampOfKey,
  windowConditions,
} from './report-query.js';

/** Fulfilment statuses of an order still waiting for (more) units to be fulfilled. */
export const QUEUE_FULFILLMENT_STATUSES = ['unfulfilled', 'partially_fulfilled'] as const;

/** Age buckets of the queue: an order is in the first bucket whose upper bound (days) exceeds its age. */
export const FULFILLMENT_AGE_BUCKETS = [
  { bucket: '0-1d', belowDays: 1 },
  { bucket: '1-3d', belowDays: 3 },
  { bucket: '3-7d', belowDays: 7 },
  { bucket: '7-14d', belowDays: 14 },
  { bucket: '14-30d', belowDays: 30 },
  { bucket: '30d+', belowDays: null },
] as const;

const DAY_MS = 86_400_000;

/** Options of `fulfillmentReport`. */
export interface FulfillmentReportOptions extends ReportWindow {
  /** The time ages are measured from (default: now). */
  asOf?: string | undefined;
  /** At most this many queue rows, oldest first (default 1000; the counts cover the whole queue). */
  limit?: number | undefined;
}

/** One order in the fulfilment queue. */
export interface FulfillmentQueueRow {
  key: string;
  provider: string;
  orderId: string;
  status: string;
  fulfillmentStatus: string;
  createdAt: string;
  /** Whole days between `createdAt` and `asOf`. */
  ageDays: number;
  /** Units fulfilled (devices rented) and ordered: `fulfillment.done` / `fulfillment.total`. */
  unitsDone: number | null;
  unitsTotal: number | null;
  currency: string;
  amountMinor: number;
}

/** The fulfilment queue: orders awaiting or partly in fulfilment, oldest first, and counts. */
export interface FulfillmentReport {
  asOf: string;
  /** Orders in the queue (all of them, whatever `limit`). */
  total: number;
  /** Orders in the queue by lifecycle and fulfilment status. */
  byStatus: Array<{ status: string; fulfillmentStatus: string; orders: number }>;
  /** Orders in the queue by age bucket (every bucket, zeros included, in age order). */
  byAge: Array<{ bucket: string; orders: number }>;
  /** The oldest `limit` orders of the queue. */
  queue: FulfillmentQueueRow[];
}

const optionsSchema = reportWindowSchema.extend({
  asOf: asOfSchema,
  limit: z.number().int().min(1).max(100_000).optional(),
});

/**
 * The fulfilment queue: orders whose `fulfillmentStatus` is unfulfilled or partially fulfilled and
 * whose `status` is not final (nor draft), oldest `createdAt` first, with units done / total and
 * age; counts by status and by age bucket, computed in SQL.
 * @throws InvalidQueryError for a bad option (naming it).
 */
export async function fulfillmentReport(
  store: OrderStore,
  options: FulfillmentReportOptions = {},
): Promise<FulfillmentReport> {
  const parsed = parseReportOptions(optionsSchema, options);
  const asOf = asOfTime(parsed.asOf);
  const window = resolveWindow(parsed);
  const db = reportDatabase(store);
  const inQueue = [
    ...windowConditions(window),
    isOneOf('fulfillment_status', QUEUE_FULFILLMENT_STATUSES),
    sql<SqlBool>`${sql.ref('status')} not in (${sql.join([...FINAL_STATUSES, 'draft'])})`,
  ];
  const asOfMs = Date.parse(asOf);
  // An order is in the first bucket whose lower creation bound (asOf − days) it is after.
  const bucketCases = FULFILLMENT_AGE_BUCKETS.filter((entry) => entry.belowDays !== null).map(
    (entry) =>
      sql`when ${sql.ref('created_at')} > ${boundKey(new Date(asOfMs - (entry.belowDays as number) * DAY_MS).toISOString())} then ${entry.bucket}`,
  );
  const bucket = sql<string>`case ${sql.join(bucketCases, sql` `)} else ${FULFILLMENT_AGE_BUCKETS.at(-1)?.bucket} end`;

  const [statusRows, ageRows, queueRows] = await Promise.all([
    db
      .selectFrom('orders')
      .where((eb) => eb.and(inQueue))
      .select(['status', 'fulfillment_status', countRows().as('orders')])
      .groupBy(['status', 'fulfillment_status'])
      .execute(),
    db
      .selectFrom('orders')
      .where((eb) => eb.and(inQueue))
      .select([bucket.as('bucket'), countRows().as('orders')])
      // By position: the bucket's bound parameters would make it another expression to PostgreSQL.
      .groupBy(sql`1`)
      .execute(),
    db
      .selectFrom('orders')
      .where((eb) => eb.and(inQueue))
      .select([
        'key',
        'provider',
        'order_id',
        'status',
        'fulfillment_status',
        'created_at',
        'fulfillment_done',
        'fulfillment_total',
        'currency',
        'total_minor',
      ])
      .orderBy('created_at')
      .orderBy('key')
      .limit(parsed.limit ?? 1000)
      .execute(),
  ]);

  const byStatus = statusRows
    .map((row) => ({
      status: row.status,
      fulfillmentStatus: row.fulfillment_status as string,
      orders: Number(row.orders),
    }))
    .sort(
      (left, right) =>
        compareText(left.status, right.status) ||
        compareText(left.fulfillmentStatus, right.fulfillmentStatus),
    );
  const ageCounts = new Map(ageRows.map((row) => [row.bucket, Number(row.orders)]));
  return {
    asOf,
    total: byStatus.reduce((sum, row) => sum + row.orders, 0),
    byStatus,
    byAge: FULFILLMENT_AGE_BUCKETS.map((entry) => ({
      bucket: entry.bucket,
      orders: ageCounts.get(entry.bucket) ?? 0,
    })),
    queue: queueRows.map((row) => {
      const createdAt = timestampOfKey(row.created_at);
      return {
        key: row.key,
        provider: row.provider,
        orderId: row.order_id,
        status: row.status,
        fulfillmentStatus: row.fulfillment_status as string,
        createdAt,
        ageDays: Math.max(0, Math.floor((asOfMs - Date.parse(createdAt)) / DAY_MS)),
        unitsDone: row.fulfillment_done,
        unitsTotal: row.fulfillment_total,
        currency: row.currency,
        amountMinor: Number(row.total_minor),
      };
    }),
  };
}
