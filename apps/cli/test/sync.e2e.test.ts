import { join } from 'node:path';
import type { Order } from '@orderbridge/core';
import type { ChurnResult } from '@orderbridge/sandbox';
import { type ChangeEntry, createOrderStore, type OrderStore } from '@orderbridge/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  finished,
  killStrayProcesses,
  parseNdjson,
  runCli,
  spawnCli,
  temporaryDirectory,
  waitFor,
} from './support/cli-process.js';
import { postgresDatabaseUrls } from './support/postgres-database.js';
import { type SandboxProcess, startSandboxProcess } from './support/sandbox-process.js';

// The CLI binary syncs from a sandbox in another process into SQLite and, when a test PostgreSQL
// is available (ORDERBRIDGE_TEST_DATABASE_URL, started by .ci/run), into PostgreSQL; the sandbox
// then changes orders, and the next runs must make the store equal to what the providers serve,
// with a change log of exactly those changes.

interface SummaryRow {
  provider: string;
  mode: string;
  outcome: string;
  fetched: number;
  created: number;
  updated: number;
  unchanged: number;
  vanished: number;
  upstreamRequests: number;
}

const POSTGRES_URL = process.env.ORDERBRIDGE_TEST_DATABASE_URL;

const backends: Array<{ name: string; url: () => Promise<string> }> = [
  {
    name: 'SQLite',
    url: async () =>
      `sqlite:${join(await temporaryDirectory('orderbridge-sync-e2e-'), 'orders.db')}`,
  },
];
if (POSTGRES_URL)
  backends.push({ name: 'PostgreSQL', url: postgresDatabaseUrls(POSTGRES_URL, 'sync_e2e') });

describe.each(backends)('orderbridge sync into $name', ({ url }) => {
  let sandbox: SandboxProcess;
  let database: string;
  let store: OrderStore;
  let fresh: ChurnResult;
  const run = (args: readonly string[]) => runCli(args, { env: { ...sandbox.env } });
  const sync = async (...flags: string[]) => {
    const result = await run(['sync', '--database', database, '--format', 'ndjson', ...flags]);
    return { ...result, rows: parseNdjson<SummaryRow>(result.stdout) };
  };
  const row = (rows: SummaryRow[], provider: string) =>
    rows.find((entry) => entry.provider === provider)!;

  /** Every order the providers serve now, through the live path, by key. */
  const liveOrders = async () => {
    const result = await run(['orders', 'list', '--all', '--format', 'ndjson']);
    expect(result.code, result.stderr).toBe(0);
    return byKey(parseNdjson<Order>(result.stdout));
  };
  const storedOrders = async () => {
    const result = await run([
      'orders',
      'list',
      '--all',
      '--source',
      'store',
      '--database',
      database,
      '--format',
      'ndjson',
    ]);
    expect(result.code, result.stderr).toBe(0);
    return byKey(parseNdjson<Order>(result.stdout));
  };
  const changesAfter = async (seq: number) => {
    const entries: ChangeEntry[] = [];
    for (let after = seq; ; ) {
      const page = await store.listChanges({ after, limit: 1000 });
      if (page.length === 0) return entries;
      entries.push(...page);
      after = page.at(-1)!.seq;
    }
  };
  const lastSeq = async () => (await changesAfter(0)).at(-1)?.seq ?? 0;

  beforeAll(async () => {
    sandbox = await startSandboxProcess(['--orders', '400', '--seed', '23']);
    database = await url();
    store = await createOrderStore({ url: database });
  });
  afterAll(async () => {
    killStrayProcesses();
    await store?.close();
    await sandbox?.stop();
  });

  it('copies every order on the first run (a full sweep per provider) and then equals the live view', async () => {
    const first = await sync();
    expect(first.code, first.stderr).toBe(0);
    const live = await liveOrders();
    const count = (provider: string) =>
      [...live.values()].filter((order) => order.provider === provider).length;
    for (const provider of ['flexportal', 'flexfactor']) {
      expect(row(first.rows, provider)).toMatchObject({
        mode: 'full',
        outcome: 'completed',
        created: count(provider),
        updated: 0,
        vanished: 0,
      });
      expect(row(first.rows, provider).upstreamRequests).toBeGreaterThan(0);
    }
    expect(await storedOrders()).toEqual(live);
    const created = await changesAfter(0);
    expect(created.every((entry) => entry.kind === 'created')).toBe(true);
    expect(new Set(created.map((entry) => entry.key)).size).toBe(live.size);
    expect(created).toHaveLength(live.size);
  });

  it('after the providers change, an incremental run logs exactly the changed and new orders', async () => {
    const before = await lastSeq();
    const portal = await sandbox.control.flexportal.churn({
      fraction: 0.02,
      newOrders: 3,
      seed: 5,
    });
    // FlexFactor has no change time: a lookback run sees new orders, and changes to recent ones.
    fresh = await sandbox.control.flexfactor.churn({ newOrders: 6, seed: 6 });
    expect(portal.changed.length).toBeGreaterThan(0);

    const second = await sync();
    expect(second.code, second.stderr).toBe(0);
    expect(row(second.rows, 'flexportal')).toMatchObject({
      mode: 'incremental',
      created: 3,
      updated: portal.changed.length,
    });
    // Sorted by updatedAt, newest first: the changed orders fill part of the first page (100), which
    // then reaches orders older than the watermark, and the walk ends there.
    expect(row(second.rows, 'flexportal').fetched).toBeLessThanOrEqual(100);
    expect(row(second.rows, 'flexfactor')).toMatchObject({
      mode: 'incremental',
      created: 6,
      updated: 0,
    });

    const recent = await sandbox.control.flexfactor.churn({
      count: 2,
      createdSince: fresh.at,
      seed: 7,
    });
    const third = await sync();
    expect(third.code, third.stderr).toBe(0);
    expect(row(third.rows, 'flexfactor')).toMatchObject({
      mode: 'incremental',
      created: 0,
      updated: 2,
    });
    expect(row(third.rows, 'flexportal')).toMatchObject({ created: 0, updated: 0 });

    const log = await changesAfter(before);
    const keys = (kind: string, provider: string) =>
      log
        .filter((entry) => entry.kind === kind && entry.provider === provider)
        .map((entry) => entry.key)
        .sort();
    expect(keys('created', 'flexportal')).toEqual(
      portal.created.map((id) => `flexportal:${id}`).sort(),
    );
    expect(keys('updated', 'flexportal')).toEqual(
      portal.changed.map((change) => `flexportal:${change.id}`).sort(),
    );
    expect(keys('created', 'flexfactor')).toEqual(
      fresh.created.map((id) => `flexfactor:${id}`).sort(),
    );
    expect(keys('updated', 'flexfactor')).toEqual(
      recent.changed.map((change) => `flexfactor:${change.id}`).sort(),
    );
    for (const change of portal.changed) {
      const entry = log.find((candidate) => candidate.key === `flexportal:${change.id}`)!;
      const status = change.changes.status;
      if (status) expect(entry.diff?.providerStatus?.to.code).toBe(status.to);
    }
    expect(await storedOrders()).toEqual(await liveOrders());
  });

  it('a full sweep catches changes a lookback cannot see and marks deleted orders vanished', async () => {
    const before = await lastSeq();
    const old = await sandbox.control.flexfactor.churn({ count: 3, seed: 8 });
    const gone = await sandbox.control.flexportal.churn({ vanish: 2, seed: 9 });
    expect(gone.vanished).toHaveLength(2);
    // The churn may pick one of the recently created orders: the lookback window sees those.
    const isRecent = (id: string) => fresh.created.includes(id);
    const recentlyChanged = old.changed.filter((change) => isRecent(change.id)).length;

    const incremental = await sync();
    expect(incremental.code, incremental.stderr).toBe(0);
    expect(row(incremental.rows, 'flexfactor')).toMatchObject({ updated: recentlyChanged });

    const full = await sync('--full');
    expect(full.code, full.stderr).toBe(0);
    expect(row(full.rows, 'flexfactor')).toMatchObject({
      mode: 'full',
      updated: old.changed.length - recentlyChanged,
      created: 0,
    });
    expect(row(full.rows, 'flexportal')).toMatchObject({ mode: 'full', vanished: 2, created: 0 });
    const log = await changesAfter(before);
    expect(
      log
        .filter((entry) => entry.kind === 'vanished')
        .map((entry) => entry.key)
        .sort(),
    ).toEqual(gone.vanished.map((id) => `flexportal:${id}`).sort());
    expect(
      log
        .filter((entry) => entry.kind === 'updated')
        .map((entry) => entry.key)
        .sort(),
    ).toEqual(old.changed.map((change) => `flexfactor:${change.id}`).sort());
    // Vanished orders stay in the store but are not listed.
    expect(await storedOrders()).toEqual(await liveOrders());
    const vanished = await store.getOrder(`flexportal:${gone.vanished[0]}`);
    expect(vanished?.vanishedAt).toEqual(expect.any(String));
  });

  it('reads one order back with orders get --source store, and says when it is not there', async () => {
    const [key] = (await storedOrders()).keys();
    const found = await run([
      'orders',
      'get',
      key!,
      '--source',
      'store',
      '--database',
      database,
      '--format',
      'json',
    ]);
    expect(found.code, found.stderr).toBe(0);
    expect((JSON.parse(found.stdout) as Order).key).toBe(key);
    const missing = await run([
      'orders',
      'get',
      'flexportal:no-such-order',
      '--source',
      'store',
      '--database',
      database,
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/not in the order store/);
  });

  it('--watch syncs again every --interval until SIGINT, then exits 130', async () => {
    const child = await spawnCli(
      ['sync', '--watch', '--interval', '1s', '--database', database, '--format', 'ndjson'],
      { env: { ...sandbox.env } },
    );
    const output = finished(child);
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    // Two runs: two summary rows per provider.
    await waitFor(() => parseNdjson<SummaryRow>(stdout).length >= 4, 60_000);
    child.kill('SIGINT');
    const result = await output;
    expect(result.code).toBe(130);
    const rows = parseNdjson<SummaryRow>(result.stdout);
    expect(rows.length).toBeGreaterThanOrEqual(4);
    expect(rows.slice(0, 4).every((entry) => entry.outcome === 'completed')).toBe(true);
    expect(result.stderr).toMatch(/next run in 1s/);
  });

  it('sync status reports each provider, and a failing provider does not stop the other', async () => {
    await sandbox.control.faults.set('flexfactor', { failNext: { count: 1000, status: 503 } });
    try {
      const failed = await sync('--full');
      expect(failed.code).toBe(1);
      expect(row(failed.rows, 'flexportal').outcome).toBe('completed');
      expect(row(failed.rows, 'flexfactor').outcome).toBe('failed');
      expect(failed.stderr).toMatch(/sync of flexfactor failed/);
    } finally {
      await sandbox.control.faults.clear('flexfactor');
    }
    const status = await run(['sync', 'status', '--database', database, '--format', 'json']);
    expect(status.code, status.stderr).toBe(0);
    const report = JSON.parse(status.stdout) as {
      providers: Array<{
        provider: string;
        orders: number;
        running: boolean;
        lastError: { message: string } | null;
      }>;
    };
    const flexfactor = report.providers.find((entry) => entry.provider === 'flexfactor')!;
    expect(flexfactor.running).toBe(true);
    expect(flexfactor.lastError?.message).toEqual(expect.any(String));
    expect(
      report.providers.find((entry) => entry.provider === 'flexportal')!.orders,
    ).toBeGreaterThan(0);

    const resumed = await sync();
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(row(resumed.rows, 'flexfactor')).toMatchObject({ outcome: 'completed', mode: 'full' });
    expect(await storedOrders()).toEqual(await liveOrders());
  });
});

describe('orderbridge sync: usage', () => {
  it('refuses bad flags with exit 2 and a specific message', async () => {
    const interval = await runCli(['sync', '--interval', '5m', '--database', 'sqlite::memory:']);
    expect(interval.code).toBe(2);
    expect(interval.stderr).toMatch(/--interval only applies with --watch/);
    const lookback = await runCli(['sync', '--lookback', 'soon', '--database', 'sqlite::memory:']);
    expect(lookback.code).toBe(2);
    expect(lookback.stderr).toMatch(/--lookback: "soon" is not a duration/);
    const database = await runCli(['sync', 'status', '--database', 'mysql://somewhere/db']);
    expect(database.code).toBe(2);
    expect(database.stderr).toMatch(/mysql/);
    const source = await runCli(['orders', 'list', '--database', 'sqlite::memory:']);
    expect(source.code).toBe(2);
    expect(source.stderr).toMatch(/--database only applies with --source store/);
  });

  it('syncs the embedded sandbox with no configuration, so the README demo works', async () => {
    const dir = await temporaryDirectory();
    const synced = await runCli(['sync', '--format', 'json'], { cwd: dir });
    expect(synced.code, synced.stderr).toBe(0);
    const summary = JSON.parse(synced.stdout) as { providers: SummaryRow[] };
    expect(summary.providers.map((entry) => entry.provider).sort()).toEqual([
      'flexfactor',
      'flexportal',
    ]);
    const listed = await runCli(
      ['orders', 'list', '--source', 'store', '--limit', '5', '--format', 'ndjson'],
      {
        cwd: dir,
      },
    );
    expect(listed.code, listed.stderr).toBe(0);
    expect(parseNdjson(listed.stdout)).toHaveLength(5);
    const migrations = await runCli(['db', 'status', '--format', 'json'], { cwd: dir });
    expect(migrations.code, migrations.stderr).toBe(0);
    expect(JSON.parse(migrations.stdout).migrations[0]).toMatchObject({
      executedAt: expect.any(String),
    });
  });
});

function byKey(orders: readonly Order[]): Map<string, Order> {
  const map = new Map<string, Order>();
  for (const order of orders) map.set(order.key, order);
  return map;
}
