import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Order } from '@orderbridge/core';
import { type ChangeEntry, createOrderStore, type OrderStore } from '@orderbridge/store';
import { sampleOrders } from '@orderbridge/testkit';
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

// The CLI binary reads a store the test fills directly (applyBatch, as a sync would): the change
// feed (`changes`, with and without --follow) and `orders export --source store`, on SQLite and,
// when a test PostgreSQL is available (ORDERBRIDGE_TEST_DATABASE_URL), on PostgreSQL.

const POSTGRES_URL = process.env.ORDERBRIDGE_TEST_DATABASE_URL;

/** Folders this file creates, removed when it ends. */
const folders: string[] = [];
async function folder(prefix: string): Promise<string> {
  const path = await temporaryDirectory(prefix);
  folders.push(path);
  return path;
}
afterAll(async () => {
  await Promise.all(folders.map((path) => rm(path, { recursive: true, force: true })));
});

const backends: Array<{ name: string; url: () => Promise<string> }> = [
  {
    name: 'SQLite',
    url: async () => `sqlite:${join(await folder('orderbridge-feed-e2e-'), 'orders.db')}`,
  },
];
if (POSTGRES_URL)
  backends.push({ name: 'PostgreSQL', url: postgresDatabaseUrls(POSTGRES_URL, 'feed_e2e') });

/** Writes orders as one sync batch would (a created or updated change per order that differs). */
async function write(store: OrderStore, orders: Order[], runId: string): Promise<void> {
  for (const provider of new Set(orders.map((order) => order.provider))) {
    await store.applyBatch({
      provider,
      runId,
      observedAt: new Date().toISOString(),
      orders: orders.filter((order) => order.provider === provider),
      progress: {
        runId,
        mode: 'full',
        startedAt: '2026-01-01T00:00:00.000Z',
        cursor: null,
        query: {},
        counts: { fetched: 0, created: 0, updated: 0, unchanged: 0, vanished: 0, rejected: 0 },
        requests: 0,
      },
    });
  }
}

/** Every change-log entry of the default scope, in seq order. */
async function allChanges(store: OrderStore): Promise<ChangeEntry[]> {
  const entries: ChangeEntry[] = [];
  for (let after = 0; ; ) {
    const page = await store.listChanges({ after, limit: 1000 });
    if (page.length === 0) return entries;
    entries.push(...page);
    after = page.at(-1)!.seq;
  }
}

/** The same orders with a different status each, so the next batch logs one update per order. */
function withStatusMoved(orders: Order[]): Order[] {
  return orders.map((order) => ({
    ...order,
    status: order.status === 'completed' ? 'cancelled' : 'completed',
  }));
}

describe.each(backends)('the store from the CLI on $name', ({ url }) => {
  let database: string;
  let store: OrderStore;
  const alpha = sampleOrders({ count: 120, seed: 3, provider: 'alpha' });
  const beta = sampleOrders({ count: 80, seed: 5, provider: 'beta' });

  beforeAll(async () => {
    database = await url();
    store = await createOrderStore({ url: database });
    await write(store, [...alpha, ...beta], 'seed');
  });
  afterAll(async () => {
    killStrayProcesses();
    await store?.close();
  });

  it('changes prints the whole log as NDJSON in seq order, and --since/--kind/--provider/--limit select from it', async () => {
    const log = await allChanges(store);
    const all = await runCli(['changes', '--database', database]);
    expect(all.code, all.stderr).toBe(0);
    expect(parseNdjson<ChangeEntry>(all.stdout)).toEqual(log);
    const lastSeq = log.at(-1)!.seq;
    expect(all.stderr).toContain(`--since ${lastSeq}`);

    const since = log[49]!.seq;
    const selected = await runCli([
      'changes',
      '--database',
      database,
      '--since',
      String(since),
      '--provider',
      'beta',
      '--kind',
      'created',
      '--limit',
      '30',
    ]);
    expect(selected.code, selected.stderr).toBe(0);
    expect(parseNdjson<ChangeEntry>(selected.stdout)).toEqual(
      log
        .filter(
          (entry) => entry.seq > since && entry.provider === 'beta' && entry.kind === 'created',
        )
        .slice(0, 30),
    );
  });

  it('changes refuses a bad flag with exit 2, naming it', async () => {
    const kind = await runCli(['changes', '--database', database, '--kind', 'deleted']);
    expect(kind.code).toBe(2);
    expect(kind.stderr).toContain('--kind: "deleted" is not a change kind');
    const since = await runCli(['changes', '--database', database, '--since', '-1']);
    expect(since.code).toBe(2);
    expect(since.stderr).toContain('--since');
    const interval = await runCli(['changes', '--database', database, '--interval', '1s']);
    expect(interval.code).toBe(2);
    expect(interval.stderr).toContain('--interval only applies with --follow');
  });

  it('changes --follow prints new entries as they are written, none skipped or repeated, until SIGINT (exit 130)', async () => {
    const before = await allChanges(store);
    const start = before.at(-1)!.seq;
    const child = await spawnCli([
      'changes',
      '--database',
      database,
      '--follow',
      '--interval',
      '50ms',
      '--since',
      String(start),
    ]);
    const done = finished(child);
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    // Three waves of updates while it follows, each waited for before the next.
    const waves = [alpha.slice(0, 40), beta.slice(0, 25), alpha.slice(40, 100)];
    let expected = 0;
    for (const [index, wave] of waves.entries()) {
      await write(store, withStatusMoved(wave), `wave-${index}`);
      expected += wave.length;
      await waitFor(() => parseNdjson(stdout).length >= expected, 20_000);
    }
    child.kill('SIGINT');
    const result = await done;
    expect(result.code, result.stderr).toBe(130);
    const printed = parseNdjson<ChangeEntry>(stdout);
    const logged = (await allChanges(store)).filter((entry) => entry.seq > start);
    expect(printed).toEqual(logged);
    expect(printed).toHaveLength(expected);
    expect(printed.every((entry) => entry.kind === 'updated')).toBe(true);
    expect(result.stderr).toContain(`--since ${logged.at(-1)!.seq}`);
  });

  it('orders export --source store streams every matching order in the sort order, as orders list --source store --all does', async () => {
    const directory = await folder('orderbridge-feed-export-');
    const output = join(directory, 'orders.ndjson');
    const checkpoint = join(directory, 'orders.checkpoint.json');
    const filters = ['--status', 'completed,cancelled', '--sort', 'createdAt:asc'];
    const exported = await runCli([
      'orders',
      'export',
      '--source',
      'store',
      '--database',
      database,
      '--page-size',
      '7',
      '--output',
      output,
      '--checkpoint',
      checkpoint,
      ...filters,
    ]);
    expect(exported.code, exported.stderr).toBe(0);
    const listed = await runCli([
      'orders',
      'list',
      '--source',
      'store',
      '--database',
      database,
      '--all',
      '--format',
      'ndjson',
      ...filters,
    ]);
    expect(listed.code, listed.stderr).toBe(0);
    const orders = parseNdjson<Order>(await readFile(output, 'utf8'));
    expect(orders).toEqual(parseNdjson<Order>(listed.stdout));
    // More than one page, and exactly the stored orders that match.
    const held = [...alpha, ...beta].length;
    expect(orders.length).toBeGreaterThan(7);
    expect(orders.length).toBeLessThan(held);
    expect(orders.every((order) => ['completed', 'cancelled'].includes(order.status))).toBe(true);
    const created = orders.map((order) => order.createdAt);
    expect(created).toEqual([...created].sort());

    const saved = JSON.parse(await readFile(checkpoint, 'utf8')) as {
      complete: boolean;
      ordersWritten: number;
      arguments: { source?: string };
    };
    expect(saved).toMatchObject({ complete: true, ordersWritten: orders.length });
    expect(saved.arguments.source).toBe('store');
    // A store checkpoint does not resume a live export of the same file.
    const live = await runCli([
      'orders',
      'export',
      '--output',
      output,
      '--checkpoint',
      checkpoint,
      '--resume',
      ...filters,
    ]);
    expect(live.code).toBe(2);
    const again = await runCli([
      'orders',
      'export',
      '--source',
      'store',
      '--database',
      database,
      '--page-size',
      '7',
      '--output',
      output,
      '--checkpoint',
      checkpoint,
      '--resume',
      ...filters,
    ]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('nothing to resume');
  });

  it('orders export --source store refuses --include-raw, and --database without --source store', async () => {
    const raw = await runCli([
      'orders',
      'export',
      '--source',
      'store',
      '--database',
      database,
      '--include-raw',
    ]);
    expect(raw.code).toBe(2);
    expect(raw.stderr).toContain('--include-raw cannot be used with --source store');
    const withoutSource = await runCli(['orders', 'export', '--database', database]);
    expect(withoutSource.code).toBe(2);
    expect(withoutSource.stderr).toContain('--database only applies with --source store');
  });
});
