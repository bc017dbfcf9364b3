import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { createOrderStore } from '../create-order-store.js';
import type { OrderStore } from '../order-store.js';
import { loadReportFixtures, REPORT_AS_OF } from '../test-support/report-fixtures.js';
import { parseLedgerCsv } from './ledger-csv.js';
import { merchantsReport } from './merchants-report.js';
import { reconcileReport } from './reconcile-report.js';

// The plans SQLite chooses for the reports' statements on a store whose rows were just written:
// no `sqlite_stat1` yet (the store refreshes the planner's statistics when it closes), which is
// where a statement that several indexes could serve goes wrong. EXPLAIN QUERY PLAN of the
// statements the reports really run, captured as they are prepared.

const folder = mkdtempSync(join(tmpdir(), 'orderbridge-report-plans-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

/** The SQL of every statement `run` prepares on the store's database. */
async function preparedDuring(run: () => Promise<unknown>): Promise<string[]> {
  const prepare = vi.spyOn(DatabaseSync.prototype, 'prepare');
  await run();
  const statements = prepare.mock.calls.map(([text]) => text);
  prepare.mockRestore();
  return statements;
}

/** SQLite's plan of `statement` (its parameters unbound: NULL), one detail line per step. */
function planOf(path: string, statement: string): string[] {
  const database = new DatabaseSync(path, { readOnly: true });
  try {
    return database
      .prepare(`explain query plan ${statement}`)
      .all()
      .map((row) => String(row.detail));
  } finally {
    database.close();
  }
}

/** Whether the database holds the planner's statistics (`ANALYZE`, `pragma optimize`). */
function hasStatistics(path: string): boolean {
  const database = new DatabaseSync(path, { readOnly: true });
  try {
    const row = database
      .prepare(`select count(*) as tables from sqlite_master where name = 'sqlite_stat1'`)
      .get();
    return Number(row?.tables) > 0;
  } finally {
    database.close();
  }
}

async function freshStore(name: string): Promise<{ store: OrderStore; path: string }> {
  const path = join(folder, `${name}.db`);
  const store = await createOrderStore({ url: `sqlite:${path}` });
  await loadReportFixtures(store);
  return { store, path };
}

describe('report plans on SQLite without statistics', () => {
  it('the merchants report reads its roll-up by key, its part of a month and its anomalies from covering indexes', async () => {
    const { store, path } = await freshStore('merchants');
    try {
      expect(hasStatistics(path)).toBe(false);
      // From the 4th: March from the orders, April on from the roll-up table.
      const statements = await preparedDuring(() =>
        merchantsReport(store, { asOf: REPORT_AS_OF, stuckAfterDays: 5, from: '2025-03-04' }),
      );
      const plan = (pattern: RegExp) => {
        const statement = statements.find((text) => pattern.test(text));
        expect(statement, String(pattern)).toBeDefined();
        return planOf(path, statement!).join(' | ');
      };
      // Grouped in the order of the roll-up's primary key: no sort.
      const rollup = plan(/from "report_merchant_months"/);
      expect(rollup).toMatch(/SEARCH report_merchant_months USING PRIMARY KEY \(scope=\?\)/);
      expect(rollup).not.toMatch(/TEMP B-TREE/);
      // Over all time: the roll-up without months, the same way.
      const allTime = await preparedDuring(() => merchantsReport(store, { asOf: REPORT_AS_OF }));
      const merchants = allTime.find((text) => /from "report_merchants"/.test(text));
      expect(merchants).toBeDefined();
      expect(planOf(path, merchants!).join(' | ')).toBe(
        'SEARCH report_merchants USING PRIMARY KEY (scope=?)',
      );
      expect(plan(/from "orders" .*group by/i)).toMatch(
        /USING COVERING INDEX orders_report_scan \(scope=\? AND created_at>\? AND created_at<\?\)/,
      );
      expect(plan(/order by "created_at"/)).toMatch(
        /USING COVERING INDEX orders_report_anomalies \(scope=\? AND created_at>\?\)/,
      );
    } finally {
      await store.close();
    }
  });

  it('reconciliation looks references up by key and by reference, also for one provider', async () => {
    const { store, path } = await freshStore('reconcile');
    try {
      expect(hasStatistics(path)).toBe(false);
      const ledger = parseLedgerCsv('reference,amount,currency\nSHARED,1.00,USD\npay_1,2.00,EUR\n');
      const statements = await preparedDuring(() =>
        reconcileReport(store, { ledger, provider: 'flexfactor', from: '2025-01-01' }),
      );
      const lookup = (column: string) => {
        const statement = statements.find((text) => text.includes(`"${column}" in (`));
        expect(statement, `a lookup by ${column}`).toBeDefined();
        return planOf(path, statement!).join(' | ');
      };
      expect(lookup('key')).toMatch(
        /USING INDEX sqlite_autoindex_orders_1 \(scope=\? AND key=\?\)/,
      );
      expect(lookup('reference')).toMatch(
        /USING INDEX orders_by_reference \(scope=\? AND reference=\?\)/,
      );
    } finally {
      await store.close();
    }
  });
});
