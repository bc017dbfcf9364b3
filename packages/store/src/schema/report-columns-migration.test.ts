import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, expect, it } from 'vitest';
import { createOrderStore } from '../create-order-store.js';
import { fulfillmentReport } from '../reports/fulfillment-report.js';
import { merchantsReport } from '../reports/merchants-report.js';
import { reportDatabase } from '../reports/report-query.js';
import { revenueReport } from '../reports/revenue-report.js';
import { loadReportFixtures, REPORT_AS_OF } from '../test-support/report-fixtures.js';

const folder = mkdtempSync(join(tmpdir(), 'orderbridge-migration-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

it('0002-report-columns fills the columns of orders stored before it, 0007 the roll-ups', async () => {
  const url = `sqlite:${join(folder, 'store.db')}`;
  const store = await createOrderStore({ url });
  await loadReportFixtures(store);
  const reports = async (opened: typeof store) => ({
    revenue: await revenueReport(opened, { by: 'week' }),
    merchants: await merchantsReport(opened, { asOf: REPORT_AS_OF, stuckAfterDays: 5 }),
    fulfillment: await fulfillmentReport(opened, { asOf: REPORT_AS_OF }),
  });
  const before = await reports(store);

  // Back to the 0001 schema with the same rows: undo what 0002 and later added, forget they ran.
  const db = reportDatabase(store);
  for (const index of [
    'orders_by_status_created',
    'orders_by_currency_created',
    'orders_by_currency_total',
  ]) {
    await sql`drop index ${sql.ref(index)}`.execute(db);
  }
  await sql`create index orders_by_total on orders (scope, provider, total_value_units, total_value_fraction, key)`.execute(
    db,
  );
  await sql`delete from orderbridge_migration where name > ${'0002'}`.execute(db);
  for (const table of ['report_days', 'report_merchant_months', 'report_merchants']) {
    await sql`drop table ${sql.ref(table)}`.execute(db);
  }
  await sql`alter table sync_state drop column last_seen_at`.execute(db);
  for (const index of [
    'orders_by_reference',
    'orders_report_scan',
    'orders_report_queue',
    'orders_report_anomalies',
  ]) {
    await sql`drop index ${sql.ref(index)}`.execute(db);
  }
  for (const column of [
    'reference',
    'merchant_name',
    'provider_status_label',
    'refunded_minor',
    'refunded_currency',
    'fulfillment_done',
    'fulfillment_total',
    'created_week',
  ]) {
    await sql`alter table orders drop column ${sql.ref(column)}`.execute(db);
  }
  await sql`delete from orderbridge_migration where name = ${'0002-report-columns'}`.execute(db);
  // Kysely applies migrations only in name order: the later ones are undone and forgotten too.
  for (const table of ['webhook_attempts', 'webhook_deliveries', 'webhook_endpoints']) {
    await sql`drop table ${sql.ref(table)}`.execute(db);
  }
  await sql`delete from orderbridge_migration where name = ${'0004-webhooks'}`.execute(db);
  await store.close();

  const reopened = await createOrderStore({ url });
  try {
    expect((await reopened.migrations()).map((migration) => migration.name)).toEqual([
      '0001-initial',
      '0002-report-columns',
      '0003-listing-indexes',
      '0004-webhooks',
      '0006-sync-jobs',
      '0007-report-rollups',
    ]);
    const after = await reports(reopened);
    expect(after).toEqual(before);
    expect(after.revenue.rows.length).toBeGreaterThan(0);
  } finally {
    await reopened.close();
  }
});
