import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { Order } from '@orderbridge/core';
import {
  createOrderStore,
  fulfillmentReport,
  merchantsReport,
  type OrderStore,
  parseLedgerCsv,
  reconcileReport,
  revenueReport,
} from '@orderbridge/store';
import pg from 'pg';
import {
  benchPostgresServer,
  dropPostgresDatabase,
  freshPostgresDatabase,
  NO_POSTGRES_SERVER,
  runStatement,
} from '../lib/postgres-database.ts';
import type { Figure, Goal, Scenario } from '../lib/scenario-result.ts';
import { round, summarize } from '../lib/statistics.ts';

const GOAL_MS = { sqlite: 500, postgres: 300 } as const;
const BATCH = 5000;
const DAY_MS = 86_400_000;
const END = Date.parse('2026-01-01T00:00:00Z');
const AS_OF = '2026-01-01T00:00:00.000Z';

/** A small deterministic generator (mulberry32): the same store on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const PAYMENT_STATUSES: Array<[Order['status'], Order['paymentStatus'], number, string]> = [
  ['completed', 'paid', 7, 'Completed'],
  ['processing', 'requires_capture', 5, 'Capturerequired'],
  ['processing', 'pending', 4, 'Processing'],
  ['returned', 'refunded', 6, 'Returned'],
  ['failed', 'failed', 3, 'Problem'],
  ['on_hold', 'pending', 1, 'Onhold'],
  ['cancelled', null, 2, 'Cancelled'],
];
const SUBSCRIPTION_STATUSES: Array<[Order['status'], Order['fulfillmentStatus'], string]> = [
  ['completed', 'fulfilled', 'fulfilled'],
  ['completed', 'fulfilled', 'fulfilled'],
  ['processing', 'unfulfilled', 'confirmed'],
  ['processing', 'partially_fulfilled', 'partial'],
  ['pending', 'unfulfilled', 'pending'],
  ['cancelled', 'unfulfilled', 'cancelled'],
];
const PAYMENT_CURRENCIES = ['USD', 'USD', 'EUR', 'GBP', 'JPY', 'KWD'];
const SUBSCRIPTION_CURRENCIES = ['EUR', 'EUR', 'USD', 'GBP'];

/**
 * Canonical orders of both shapes: payments of 200 merchants, subscriptions with devices (also the
 * store-queries scenario's store).
 */
export function* generateOrders(count: number): Generator<Order> {
  const next = random(16);
  for (let index = 0; index < count; index++) {
    const createdAt = new Date(END - Math.floor(next() * 730 * DAY_MS)).toISOString();
    if (index % 2 === 0) {
      const [status, paymentStatus, code, label] =
        PAYMENT_STATUSES[Math.floor(next() * PAYMENT_STATUSES.length)]!;
      const currency = PAYMENT_CURRENCIES[Math.floor(next() * PAYMENT_CURRENCIES.length)]!;
      const amountMinor = 100 + Math.floor(next() * 100_000);
      const refunded =
        status === 'returned' ? amountMinor : next() < 0.08 ? Math.floor(amountMinor / 4) : 0;
      const merchant = Math.floor(next() * 200);
      const id = `ff_${index}`;
      yield {
        provider: 'flexfactor',
        id,
        key: `flexfactor:${id}`,
        status,
        paymentStatus,
        fulfillmentStatus: status === 'returned' ? 'returned' : null,
        providerStatus: { code, label },
        type: null,
        reference: `REF-${index}`,
        customer: { id: null, email: `payer${index}@example.org`, name: null, company: null },
        merchant: {
          id: `m${merchant}`,
          name: `Merchant ${merchant}`,
          storeId: null,
          storeName: null,
        },
        items: [],
        totals: {
          subtotal: null,
          tax: null,
          total: { amountMinor, currency },
          refunded: { amountMinor: refunded, currency },
        },
        fulfillment: null,
        createdAt,
        updatedAt: null,
        placedAt: null,
        extensions: {},
      };
    } else {
      const [status, fulfillmentStatus, code] =
        SUBSCRIPTION_STATUSES[Math.floor(next() * SUBSCRIPTION_STATUSES.length)]!;
      const currency =
        SUBSCRIPTION_CURRENCIES[Math.floor(next() * SUBSCRIPTION_CURRENCIES.length)]!;
      const devices = 1 + Math.floor(next() * 4);
      const done =
        fulfillmentStatus === 'fulfilled'
          ? devices
          : fulfillmentStatus === 'partially_fulfilled'
            ? Math.max(1, devices - 1)
            : 0;
      const id = `ord_${index}`;
      const amountMinor = 1000 + Math.floor(next() * 20_000);
      yield {
        provider: 'flexportal',
        id,
        key: `flexportal:${id}`,
        status,
        paymentStatus: status === 'cancelled' ? null : 'paid',
        fulfillmentStatus,
        providerStatus: { code, label: code },
        type: 'standard',
        reference: null,
        customer: { id: `cus_${index}`, email: null, name: 'Lena Vos', company: null },
        merchant: null,
        items: [],
        totals: { subtotal: null, tax: null, total: { amountMinor, currency }, refunded: null },
        fulfillment: { total: devices, done },
        createdAt,
        updatedAt: createdAt,
        placedAt: null,
        extensions: {},
      };
    }
  }
}

/** Stores `count` generated orders in batches of 5,000 (applyBatch); returns the time it took, in ms. */
export async function load(
  store: OrderStore,
  count: number,
  log: (line: string) => void,
  label = 'reports',
): Promise<number> {
  const started = performance.now();
  const batches: Record<string, Order[]> = { flexfactor: [], flexportal: [] };
  const flush = async (provider: string) => {
    const orders = batches[provider]!;
    if (orders.length === 0) return;
    await store.applyBatch({
      provider,
      runId: `bench-${provider}`,
      observedAt: AS_OF,
      orders,
      progress: {
        runId: `bench-${provider}`,
        mode: 'full',
        startedAt: AS_OF,
        cursor: null,
        query: {},
        counts: { fetched: 0, created: 0, updated: 0, unchanged: 0, vanished: 0, rejected: 0 },
        requests: 0,
      },
    });
    batches[provider] = [];
  };
  let written = 0;
  for (const order of generateOrders(count)) {
    batches[order.provider]!.push(order);
    if (batches[order.provider]!.length === BATCH) {
      await flush(order.provider);
      written += BATCH;
      if (written % 100_000 === 0) log(`${label}: ${written} orders stored`);
    }
  }
  await flush('flexfactor');
  await flush('flexportal');
  return performance.now() - started;
}

/** The reports measured, each as the CLI and the service run it. */
function cases(count: number) {
  const ledgerLines = ['reference,amount,currency'];
  const next = random(7);
  for (let line = 0; line < 1000; line++) {
    ledgerLines.push(`REF-${2 * Math.floor(next() * (count / 2))},1.00,USD`);
  }
  const ledger = parseLedgerCsv(ledgerLines.join('\n'));
  return [
    {
      name: 'revenue by day, all orders',
      run: (store: OrderStore) => revenueReport(store, { by: 'day' }),
    },
    {
      name: 'revenue by month, all orders',
      run: (store: OrderStore) => revenueReport(store, { by: 'month' }),
    },
    {
      name: 'revenue by week, one provider, 90 days',
      run: (store: OrderStore) =>
        revenueReport(store, {
          by: 'week',
          provider: 'flexfactor',
          from: '2025-10-03',
          to: '2026-01-01',
        }),
    },
    {
      name: 'fulfillment queue (1,000 oldest, counts of all)',
      run: (store: OrderStore) => fulfillmentReport(store, { asOf: AS_OF }),
    },
    {
      name: 'merchants with anomalies',
      run: (store: OrderStore) => merchantsReport(store, { asOf: AS_OF }),
    },
    {
      name: 'reconcile 1,000 ledger lines, one month of FlexFactor',
      run: (store: OrderStore) =>
        reconcileReport(store, {
          ledger,
          provider: 'flexfactor',
          from: '2025-12-01',
          to: '2026-01-01',
        }),
    },
  ];
}

/**
 * The plan of the revenue report by day over all time (revenue-report.ts): the day roll-up's own
 * rows, one per group, nothing added up.
 */
const REVENUE_SHAPE = `select day as period, provider, currency, status, orders, amount_minor,
  captured_minor, refunded_minor
  from report_days where scope = 'default' and orders > 0`;
/** The plan of the merchants report over all time (merchants-report.ts): the same, per merchant. */
const MERCHANTS_SHAPE = `select provider, merchant, merchant_name, currency, status, orders, amount_minor
  from report_merchants where scope = 'default' and orders > 0`;
/** The plan of the merchants report's anomalies: the predicate of orders_report_anomalies. */
const ANOMALIES_SHAPE = `select key, provider, merchant_id, currency, total_minor, created_at from orders
  where scope = 'default' and vanished_at is null
  and ((refunded_currency = currency and refunded_minor > total_minor)
    or (refunded_currency <> currency and refunded_minor <> 0)
    or payment_status = 'requires_capture' or status = 'unknown')
  and payment_status = 'requires_capture' and created_at < '2025-12-25'
  order by created_at, key`;
const QUEUE_SHAPE = `select key, created_at from orders where scope = 'default' and vanished_at is null
  and fulfillment_status in ('unfulfilled', 'partially_fulfilled')
  and status not in ('completed', 'cancelled', 'failed', 'returned', 'draft')
  order by created_at, key limit 1000`;

async function measure(
  backend: 'sqlite' | 'postgres',
  url: string,
  count: number,
  runs: number,
  log: (line: string) => void,
  figures: Figure[],
  goals: Goal[],
): Promise<void> {
  const store = await createOrderStore({ url });
  try {
    log(`reports: storing ${count} orders in ${backend}`);
    const loadMs = await load(store, count, log);
    figures.push({
      label: `${backend}: storing ${count} orders (applyBatch, for reference)`,
      value: round(loadMs / 1000, 1),
      unit: 's',
    });
    if (backend === 'postgres') {
      // What autovacuum does on its own after a large load: statistics and the visibility map
      // (an index-only scan reads the heap for pages not yet marked all-visible).
      await runStatement(url, 'vacuum analyze orders');
    }
    for (const entry of cases(count)) {
      await entry.run(store); // warm the cache once
      const times: number[] = [];
      for (let run = 0; run < runs; run++) {
        const started = performance.now();
        await entry.run(store);
        times.push(performance.now() - started);
      }
      const summary = summarize(times);
      log(`reports: ${backend} ${entry.name}: median ${round(summary.median, 1)} ms`);
      figures.push({
        label: `${backend}: ${entry.name}`,
        value: round(summary.median, 1),
        unit: 'ms',
        spread: { min: round(summary.min, 1), max: round(summary.max, 1), runs },
      });
      const goal = GOAL_MS[backend];
      goals.push({
        text: `${backend}: ${entry.name} ≤ ${goal} ms over ${count} orders`,
        met: summary.median <= goal,
        detail: `median ${round(summary.median, 1)} ms${summary.median > goal ? `, ${round(summary.median - goal, 1)} ms over` : ''}`,
      });
    }
  } finally {
    await store.close();
  }
}

/** The query plans, in words, for docs/benchmarks.md. */
async function plans(sqlitePath: string, postgresUrl: string | undefined): Promise<string[]> {
  const notes: string[] = [];
  const database = new DatabaseSync(sqlitePath, { readOnly: true });
  try {
    for (const [name, text] of [
      ['revenue', REVENUE_SHAPE],
      ['merchants', MERCHANTS_SHAPE],
      ['anomalies', ANOMALIES_SHAPE],
      ['queue', QUEUE_SHAPE],
    ] as const) {
      const rows = database.prepare(`explain query plan ${text}`).all() as Array<{
        detail: string;
      }>;
      notes.push(`SQLite plan of the ${name} query: ${rows.map((row) => row.detail).join('; ')}`);
    }
  } finally {
    database.close();
  }
  if (postgresUrl !== undefined) {
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    try {
      for (const [name, text] of [
        ['revenue', REVENUE_SHAPE],
        ['merchants', MERCHANTS_SHAPE],
        ['anomalies', ANOMALIES_SHAPE],
        ['queue', QUEUE_SHAPE],
      ] as const) {
        const { rows } = await client.query<{ 'QUERY PLAN': string }>(`explain ${text}`);
        notes.push(
          `PostgreSQL plan of the ${name} query: ${rows.map((row) => row['QUERY PLAN'].trim()).join(' / ')}`,
        );
      }
    } finally {
      await client.end();
    }
  }
  return notes;
}

/**
 * Each report over a store of 1,000,000 orders (half FlexFactor payments of 200 merchants in six
 * currencies, half FlexPortal subscriptions), on SQLite and, when a PostgreSQL server is set
 * (`benchPostgresServer`), on PostgreSQL, in a new database on it.
 */
export const reports: Scenario = async (context) => {
  const count = context.quick ? 100_000 : 1_000_000;
  const runs = context.quick ? 3 : 5;
  const postgresServer = benchPostgresServer();
  const folder = mkdtempSync(join(tmpdir(), 'orderbridge-bench-reports-'));
  const figures: Figure[] = [];
  const goals: Goal[] = [];
  const notes: string[] = [];
  let postgresUrl: string | undefined;
  try {
    const sqlitePath = join(folder, 'store.db');
    await measure('sqlite', `sqlite:${sqlitePath}`, count, runs, context.log, figures, goals);
    postgresUrl =
      postgresServer === undefined
        ? undefined
        : await freshPostgresDatabase(postgresServer, 'reports');
    if (postgresUrl === undefined) {
      notes.push(NO_POSTGRES_SERVER);
    } else {
      await measure('postgres', postgresUrl, count, runs, context.log, figures, goals);
    }
    notes.push(...(await plans(sqlitePath, postgresUrl)));
  } finally {
    rmSync(folder, { recursive: true, force: true });
    // The million-order store (≈ 3 GB) would stay on the server until it is stopped.
    if (postgresServer !== undefined && postgresUrl !== undefined) {
      await dropPostgresDatabase(postgresServer, postgresUrl);
    }
  }
  return {
    name: 'reports',
    title: `Reports over ${count.toLocaleString('en-US')} stored orders`,
    parameters: { orders: count, runs, postgres: postgresServer !== undefined },
    figures,
    goals,
    notes,
  };
};
