/**
 * Sandbox → `orderbridge sync` → every report through the CLI binary and through the service process: both
 * answer the same JSON, and it equals totals computed here from the sandbox's own wire data (its
 * ground truth, not the mappers), with the sandbox's currency table for minor units.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CURRENCIES, type Sandbox } from '@orderbridge/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { type ReportEnvironment, startReportEnvironment } from './support/report-environment.js';

const AS_OF = '2030-01-01T00:00:00.000Z';

let environment: ReportEnvironment;
let sandbox: Sandbox;
let service: ReportEnvironment['service'];
let folder: string;
let databaseUrl: string;

/** `orderbridge report …args --format json` against the store. */
function runReport(args: readonly string[]) {
  return runCli(['report', ...args, '--database', databaseUrl, '--format', 'json'], {
    cwd: folder,
  });
}

async function fromService(path: string, init: RequestInit = {}): Promise<unknown> {
  const response = await fetch(`${service.url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${environment.apiKey}`, ...(init.headers ?? {}) },
  });
  expect(response.status, await response.clone().text()).toBe(200);
  return response.json();
}

/** Both ways of asking; they must agree exactly. Returns the report. */
async function bothWays<Report>(
  cliArgs: readonly string[],
  servicePath: string,
  init?: RequestInit,
) {
  const cli = await runReport(cliArgs);
  const report = JSON.parse(cli.stdout) as Report;
  expect(await fromService(servicePath, init)).toEqual(report);
  return { report, code: cli.code };
}

/** Minor units of a wire decimal, with the sandbox's own exponent for the currency. */
function minorOf(amount: number | string, currency: string): number {
  const exponent = CURRENCIES[currency.toUpperCase()]?.exponent;
  if (exponent === undefined) throw new Error(`the sandbox has no currency ${currency}`);
  return Math.round(Number(amount) * 10 ** exponent);
}

beforeAll(async () => {
  environment = await startReportEnvironment({ seed: 16, orders: 250 });
  ({ sandbox, service, folder, databaseUrl } = environment);
});

afterAll(() => environment?.stop());

describe('reports end to end: sandbox → store → CLI and service', () => {
  it('revenue per month equals the sums of the sandbox’s own orders', async () => {
    const { report } = await bothWays<{
      rows: Array<{
        period: string;
        provider: string;
        currency: string;
        orders: number;
        amountMinor: number;
        capturedMinor: number;
        refundedMinor: number;
        netMinor: number;
      }>;
    }>(['revenue', '--by', 'month'], '/v1/reports/revenue?by=month');

    const expected = new Map<
      string,
      { orders: number; amountMinor: number; capturedMinor: number; refundedMinor: number }
    >();
    const add = (key: string, amountMinor: number, captured: boolean, refundedMinor: number) => {
      const entry = expected.get(key) ?? {
        orders: 0,
        amountMinor: 0,
        capturedMinor: 0,
        refundedMinor: 0,
      };
      entry.orders += 1;
      entry.amountMinor += amountMinor;
      if (captured) entry.capturedMinor += amountMinor;
      entry.refundedMinor += refundedMinor;
      expected.set(key, entry);
    };
    for (const order of sandbox.flexportal.store.list()) {
      const currency = order.totals.currency.toUpperCase();
      add(
        `${order.createdAt.slice(0, 7)}|flexportal|${currency}`,
        minorOf(order.totals.total, currency),
        order.payment?.status === 'paid',
        0,
      );
    }
    for (const row of sandbox.flexfactor.store.list()) {
      // Completed (7), Returned (6) and a Chargeback (disputed) were paid; refundsAmount is in the
      // order's currency.
      add(
        `${row.createdOn.slice(0, 7)}|flexfactor|${row.currencyCode}`,
        minorOf(row.amount, row.currencyCode),
        row.status === 6 || row.status === 7 || row.statusName?.toLowerCase() === 'chargeback',
        minorOf(row.refundsAmount ?? 0, row.currencyCode),
      );
    }
    const actual = new Map(
      report.rows.map((row) => [
        `${row.period}|${row.provider}|${row.currency}`,
        {
          orders: row.orders,
          amountMinor: row.amountMinor,
          capturedMinor: row.capturedMinor,
          refundedMinor: row.refundedMinor,
        },
      ]),
    );
    expect(actual).toEqual(expected);
    expect(report.rows.every((row) => row.netMinor === row.capturedMinor - row.refundedMinor)).toBe(
      true,
    );
    // Several currencies, each in its own rows.
    expect(new Set(report.rows.map((row) => row.currency)).size).toBeGreaterThan(1);
  });

  it('the fulfillment queue is FlexPortal’s pending, confirmed and partial orders', async () => {
    const { report } = await bothWays<{
      total: number;
      queue: Array<{ key: string; unitsDone: number; unitsTotal: number }>;
    }>(
      ['fulfillment', '--as-of', AS_OF, '--limit', '100000'],
      `/v1/reports/fulfillment?asOf=${AS_OF}&limit=100000`,
    );
    const waiting = sandbox.flexportal.store
      .list()
      .filter((order) => ['pending', 'confirmed', 'partial'].includes(order.status));
    expect(waiting.length).toBeGreaterThan(0);
    expect(report.total).toBe(waiting.length);
    expect(report.queue.map((row) => row.key).sort()).toEqual(
      waiting.map((order) => `flexportal:${order.orderId}`).sort(),
    );
    const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
    expect(sum(report.queue.map((row) => row.unitsDone))).toBe(
      sum(waiting.map((order) => order.rentalProgress.rentedDevices)),
    );
    expect(sum(report.queue.map((row) => row.unitsTotal))).toBe(
      sum(waiting.map((order) => order.rentalProgress.totalDevices)),
    );
  });

  it('merchants: orders, amounts and awaiting capture per FlexFactor merchant and currency', async () => {
    const { report } = await bothWays<{
      rows: Array<{
        provider: string;
        merchantId: string | null;
        currency: string;
        orders: number;
        amountMinor: number;
        awaitingCaptureOrders: number;
      }>;
    }>(['merchants', '--as-of', AS_OF], `/v1/reports/merchants?asOf=${AS_OF}`);
    const expected = new Map<
      string,
      { orders: number; amountMinor: number; awaitingCaptureOrders: number }
    >();
    for (const row of sandbox.flexfactor.store.list()) {
      const key = `${row.merchantId}|${row.currencyCode}`;
      const entry = expected.get(key) ?? { orders: 0, amountMinor: 0, awaitingCaptureOrders: 0 };
      entry.orders += 1;
      entry.amountMinor += minorOf(row.amount, row.currencyCode);
      if (row.status === 5) entry.awaitingCaptureOrders += 1;
      expected.set(key, entry);
    }
    const actual = new Map(
      report.rows
        .filter((row) => row.provider === 'flexfactor')
        .map((row) => [
          `${row.merchantId}|${row.currency}`,
          {
            orders: row.orders,
            amountMinor: row.amountMinor,
            awaitingCaptureOrders: row.awaitingCaptureOrders,
          },
        ]),
    );
    expect(actual).toEqual(expected);
    expect(actual.size).toBeGreaterThan(1);
  });

  it('reconcile: a ledger made from the sandbox matches (exit 0); altered, the differences are found (exit 4)', async () => {
    const rows = sandbox.flexfactor.store.list();
    const references = new Map<string, number>();
    for (const row of rows)
      references.set(row.referenceNumber, (references.get(row.referenceNumber) ?? 0) + 1);
    const decimal = (amount: number, currency: string) =>
      amount.toFixed(CURRENCIES[currency]?.exponent ?? 2);
    // A reference two orders share would be ambiguous: such orders are named by id.
    const lines = rows.map((row) => [
      references.get(row.referenceNumber) === 1 ? row.referenceNumber : row.id,
      decimal(row.amount, row.currencyCode),
      row.currencyCode,
      row.statusName ?? '',
    ]);
    const csv = (entries: string[][]) =>
      `reference,amount,currency,status\n${entries.map((entry) => entry.join(',')).join('\n')}\n`;

    const matching = join(folder, 'ledger.csv');
    writeFileSync(matching, csv(lines));
    const post = (body: string) => ({
      method: 'POST',
      body,
      headers: { 'content-type': 'text/csv' },
    });
    const ok = await bothWays<{ summary: Record<string, number>; differences: number }>(
      ['reconcile', '--against', matching, '--provider', 'flexfactor'],
      '/v1/reports/reconcile?provider=flexfactor',
      post(csv(lines)),
    );
    expect(ok.code).toBe(0);
    expect(ok.report.summary.matched).toBe(rows.length);
    expect(ok.report.differences).toBe(0);

    const [first, ...rest] = lines as [string[], ...string[][]];
    const altered = [
      [first[0] as string, (Number(first[1]) + 1).toFixed(2), first[2] as string, ''],
      ...rest.slice(0, -1),
      ['NO-SUCH-REFERENCE', '1.00', 'USD', ''],
    ];
    const differing = join(folder, 'differing.csv');
    writeFileSync(differing, csv(altered));
    const diff = await bothWays<{ summary: Record<string, number>; differences: number }>(
      ['reconcile', '--against', differing, '--provider', 'flexfactor'],
      '/v1/reports/reconcile?provider=flexfactor',
      post(csv(altered)),
    );
    expect(diff.code).toBe(4);
    expect(diff.report.summary).toMatchObject({
      matched: rows.length - 2,
      amount_mismatch: 1,
      missing_in_provider: 1,
      missing_in_ledger: 1,
    });
    expect(diff.report.differences).toBe(3);
  });
});
