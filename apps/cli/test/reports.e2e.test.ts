import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Money, Order } from '@orderbridge/core';
import {
  createOrderStore,
  fulfillmentReport,
  merchantsReport,
  revenueReport,
} from '@orderbridge/store';
import { makeOrder } from '@orderbridge/testkit';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  killStrayProcesses,
  parseNdjson,
  runCli,
  temporaryDirectory,
} from './support/cli-process.js';

const AS_OF = '2025-03-11T00:00:00.000Z';
const money = (amountMinor: number, currency: string): Money => ({ amountMinor, currency });

/** Payments in three currencies (USD, JPY without decimals, KWD with three), refunds, a queue. */
const ORDERS: Order[] = [
  makeOrder('flexfactor', 'f1', {
    createdAt: '2025-03-03T10:00:00Z',
    status: 'completed',
    paymentStatus: 'paid',
    fulfillmentStatus: null,
    fulfillment: null,
    totals: { subtotal: null, tax: null, total: money(4565, 'USD'), refunded: money(1000, 'USD') },
  }),
  makeOrder('flexfactor', 'f2', {
    createdAt: '2025-03-04T10:00:00Z',
    status: 'processing',
    paymentStatus: 'requires_capture',
    fulfillmentStatus: null,
    fulfillment: null,
    totals: { subtotal: null, tax: null, total: money(1500, 'JPY'), refunded: null },
  }),
  makeOrder('flexfactor', 'f3', {
    createdAt: '2025-03-10T10:00:00Z',
    status: 'completed',
    paymentStatus: 'paid',
    fulfillmentStatus: null,
    fulfillment: null,
    totals: { subtotal: null, tax: null, total: money(1375, 'KWD'), refunded: null },
  }),
];
const SUBSCRIPTIONS: Order[] = [
  makeOrder('flexportal', 'p1', {
    createdAt: '2025-03-01T00:00:00Z',
    merchant: null,
    fulfillmentStatus: 'partially_fulfilled',
    fulfillment: { total: 3, done: 1 },
    totals: { subtotal: null, tax: null, total: money(10163, 'EUR'), refunded: null },
  }),
];

let folder: string;
let url: string;
const run = (args: readonly string[]) =>
  runCli(['report', ...args], { env: { ORDERBRIDGE_DATABASE_URL: url }, cwd: folder });

beforeAll(async () => {
  folder = await temporaryDirectory('orderbridge-reports-e2e-');
  url = `sqlite:${join(folder, 'store.db')}`;
  const store = await createOrderStore({ url });
  try {
    for (const [provider, orders] of [
      ['flexfactor', ORDERS],
      ['flexportal', SUBSCRIPTIONS],
    ] as const) {
      await store.applyBatch({
        provider,
        runId: `run-${provider}`,
        observedAt: '2025-03-10T23:00:00.000Z',
        orders,
        progress: {
          runId: `run-${provider}`,
          mode: 'full',
          startedAt: '2025-03-10T23:00:00.000Z',
          cursor: null,
          query: {},
          counts: { fetched: 0, created: 0, updated: 0, unchanged: 0, vanished: 0, rejected: 0 },
          requests: 0,
        },
      });
    }
  } finally {
    await store.close();
  }
});
afterAll(() => killStrayProcesses());

async function library<Result>(
  report: (store: Awaited<ReturnType<typeof createOrderStore>>) => Promise<Result>,
) {
  const store = await createOrderStore({ url });
  try {
    return await report(store);
  } finally {
    await store.close();
  }
}

describe.concurrent('orderbridge report', () => {
  it('revenue: JSON is the library report; NDJSON, CSV and the table show the same rows', async () => {
    const expected = await library((store) => revenueReport(store, { by: 'week' }));
    // Hand-computed: one row per week, provider and currency; the USD net is 45.65 - 10.00.
    expect(
      expected.rows.map((row) => [row.period, row.currency, row.amountMinor, row.netMinor]),
    ).toEqual([
      ['2025-02-24', 'EUR', 10163, 10163],
      ['2025-03-03', 'JPY', 1500, 0],
      ['2025-03-03', 'USD', 4565, 3565],
      ['2025-03-10', 'KWD', 1375, 1375],
    ]);
    const json = await run(['revenue', '--by', 'week', '--format', 'json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(expected);
    const ndjson = await run(['revenue', '--by', 'week']);
    expect(parseNdjson(ndjson.stdout)).toEqual(expected.rows);
    const csv = parse((await run(['revenue', '--by', 'week', '--format', 'csv'])).stdout, {
      columns: true,
    }) as Array<Record<string, string>>;
    expect(
      csv.map((row) => [row.period, row.currency, Number(row.amountMinor), Number(row.netMinor)]),
    ).toEqual(
      expected.rows.map((row) => [row.period, row.currency, row.amountMinor, row.netMinor]),
    );
    const table = await run(['revenue', '--by', 'week', '--format', 'table']);
    expect(table.stdout).toMatch(/2025-03-03\s+flexfactor\s+USD\s+1\s+\{"completed":1\}\s+45\.65/);
    expect(table.stdout).toMatch(/2025-03-10\s+flexfactor\s+KWD\s+1\s+\S+\s+1\.375/);
    expect(table.stdout).toMatch(/2025-03-03\s+flexfactor\s+JPY\s+1\s+\S+\s+1500\s/);
  });

  it('revenue: a window and a provider', async () => {
    const result = await run([
      'revenue',
      '--from',
      '2025-03-03',
      '--to',
      '2025-03-05',
      '--provider',
      'flexfactor',
      '--format',
      'json',
    ]);
    expect(JSON.parse(result.stdout).rows.map((row: { period: string }) => row.period)).toEqual([
      '2025-03-03',
      '2025-03-04',
    ]);
  });

  it('fulfillment and merchants: the library reports, ages and "stuck" measured from --as-of', async () => {
    const fulfillment = await run(['fulfillment', '--as-of', AS_OF, '--format', 'json']);
    expect(JSON.parse(fulfillment.stdout)).toEqual(
      await library((store) => fulfillmentReport(store, { asOf: AS_OF })),
    );
    expect(
      JSON.parse(fulfillment.stdout).queue.map((row: { key: string; ageDays: number }) => [
        row.key,
        row.ageDays,
      ]),
    ).toEqual([['flexportal:p1', 10]]);
    const merchants = await run([
      'merchants',
      '--as-of',
      AS_OF,
      '--stuck-after',
      '5',
      '--format',
      'json',
    ]);
    const expected = await library((store) =>
      merchantsReport(store, { asOf: AS_OF, stuckAfterDays: 5 }),
    );
    expect(JSON.parse(merchants.stdout)).toEqual(expected);
    expect(expected.anomalies.map((anomaly) => [anomaly.kind, anomaly.key])).toEqual([
      ['stuck_awaiting_capture', 'flexfactor:f2'],
    ]);
    const table = await run([
      'merchants',
      '--as-of',
      AS_OF,
      '--stuck-after',
      '5',
      '--format',
      'table',
    ]);
    expect(table.stdout).toContain('stuck_awaiting_capture  flexfactor:f2');
  });

  it('reconcile: exit 0 when the ledger matches, 4 with differences and a count per verdict', async () => {
    const matching = join(folder, 'matching.csv');
    await writeFile(
      matching,
      'reference,amount,currency,status\nflexfactor:f1,45.65,USD,paid\nf2,1500,JPY,\nREF-f3,1.375,KWD,completed\n',
    );
    const ok = await run([
      'reconcile',
      '--against',
      matching,
      '--provider',
      'flexfactor',
      '--format',
      'json',
    ]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).summary.matched).toBe(3);

    const differing = join(folder, 'differing.csv');
    await writeFile(differing, 'reference,amount,currency\nREF-f1,45.66,USD\nREF-x,1,USD\n');
    const result = await run([
      'reconcile',
      '--against',
      differing,
      '--provider',
      'flexfactor',
      '--format',
      'json',
    ]);
    expect(result.code).toBe(4);
    const report = JSON.parse(result.stdout);
    expect(
      report.rows.map((row: { verdict: string; orderKey: string | null }) => [
        row.verdict,
        row.orderKey,
      ]),
    ).toEqual([
      ['amount_mismatch', 'flexfactor:f1'],
      ['missing_in_provider', null],
      ['missing_in_ledger', 'flexfactor:f2'],
      ['missing_in_ledger', 'flexfactor:f3'],
    ]);
    expect(report.differences).toBe(4);
    const ndjson = await run(['reconcile', '--against', differing, '--provider', 'flexfactor']);
    expect(ndjson.code).toBe(4);
    expect(ndjson.stderr).toContain(
      'summary: amount_mismatch 1, missing_in_provider 1, missing_in_ledger 2',
    );
  });

  it('reconcile: a malformed ledger is a usage error naming the line', async () => {
    const malformed = join(folder, 'malformed.csv');
    await writeFile(malformed, 'reference,amount,currency\nREF-f1,45.65,USD\nREF-f2,15.5,JPY\n');
    const result = await run(['reconcile', '--against', malformed]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('malformed.csv: Ledger line 3: amount');
    expect(result.stdout).toBe('');
    const missing = await run(['reconcile']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("required option '--against <file>'");
  });

  it('rejects a bad flag value, naming it', async () => {
    const result = await run(['revenue', '--by', 'year']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--by: "year" is not a period');
  });
});
