// Measures the store's write throughput against the insert floor (not a test; no assertions).
//   node packages/store/scripts/measure-writes.ts [--orders 50000] [--batch 100] [--runs 3] [--postgres URL]
// SQLite always; PostgreSQL when --postgres (or ORDERBRIDGE_TEST_DATABASE_URL) names a server,
// where each run gets a new schema in the database the URL names. Build first (pnpm build).
// Store: applyBatch of `--batch` orders at a time (one transaction each, change log and progress
// included). Floor: the same order rows, built before the clock starts, written with the same
// driver in the fastest way it offers: one prepared INSERT in one transaction (SQLite), one COPY
// (PostgreSQL), into the same table with the same indexes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { sampleOrders } from '@orderbridge/testkit';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { createOrderStore } from '../dist/index.js';
import { orderContent } from '../dist/rows/order-content.js';
import { orderRow } from '../dist/rows/order-row.js';

const { values: options } = parseArgs({
  options: {
    orders: { type: 'string', default: '50000' },
    batch: { type: 'string', default: '100' },
    runs: { type: 'string', default: '3' },
    postgres: { type: 'string', default: process.env.ORDERBRIDGE_TEST_DATABASE_URL },
  },
});
const orderCount = Number(options.orders);
const batchSize = Number(options.batch);
const runs = Number(options.runs);
const orders = sampleOrders({ count: orderCount, provider: 'bench', seed: 3 });
const context = { scope: 'default', observedAt: '2026-01-01T00:00:00.000Z', runId: 'floor' };
const rows = orders.map((order) => orderRow(order, orderContent(order), context));
const columns = Object.keys(rows[0] ?? {});
const counts = { fetched: 0, created: 0, updated: 0, unchanged: 0, vanished: 0, rejected: 0 };

async function storeRun(url: string): Promise<number> {
  const store = await createOrderStore({ url });
  const started = performance.now();
  for (let start = 0; start < orders.length; start += batchSize) {
    const batch = orders.slice(start, start + batchSize);
    await store.applyBatch({
      provider: 'bench',
      runId: 'run-1',
      observedAt: new Date().toISOString(),
      orders: batch,
      progress: {
        runId: 'run-1',
        mode: 'full',
        startedAt: '2026-01-01T00:00:00.000Z',
        cursor: String(start + batchSize),
        query: {},
        counts: { ...counts, fetched: start + batch.length },
        requests: start / batchSize + 1,
      },
    });
  }
  const seconds = (performance.now() - started) / 1000;
  await store.close();
  return orders.length / seconds;
}

async function sqliteFloor(path: string, perTransaction = rows.length): Promise<number> {
  await (await createOrderStore({ url: `sqlite:${path}` })).close(); // the same schema
  const database = new DatabaseSync(path);
  // The store's own pragmas (see openSqlite).
  database.exec(
    'pragma journal_mode = wal; pragma synchronous = normal; pragma wal_autocheckpoint = 10000',
  );
  const insert = database.prepare(
    `insert into orders (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`,
  );
  const started = performance.now();
  for (let start = 0; start < rows.length; start += perTransaction) {
    database.exec('begin');
    for (const row of rows.slice(start, start + perTransaction)) {
      insert.run(...(Object.values(row) as never[]));
    }
    database.exec('commit');
  }
  const seconds = (performance.now() - started) / 1000;
  database.close();
  return orders.length / seconds;
}

/** COPY text format: backslash, tab, newline and carriage return escaped; null is \N. */
function copyField(value: unknown): string {
  if (value === null) return '\\N';
  return String(value).replace(/[\\\t\n\r]/g, (character) =>
    character === '\\' ? '\\\\' : character === '\t' ? '\\t' : character === '\n' ? '\\n' : '\\r',
  );
}

async function postgresFloor(url: string, perTransaction = rows.length): Promise<number> {
  await (await createOrderStore({ url })).close();
  const text = rows.map((row) => `${Object.values(row).map(copyField).join('\t')}\n`);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const started = performance.now();
  for (let first = 0; first < text.length; first += perTransaction) {
    const part = text.slice(first, first + perTransaction);
    await client.query('begin');
    const copy = client.query(copyFrom(`copy orders (${columns.join(', ')}) from stdin`));
    await pipeline(
      (async function* () {
        for (let start = 0; start < part.length; start += 1000) {
          yield part.slice(start, start + 1000).join('');
        }
      })(),
      copy,
    );
    await client.query('commit');
  }
  const seconds = (performance.now() - started) / 1000;
  await client.end();
  return orders.length / seconds;
}

async function postgresSchemaUrl(serverUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  await client.query(`drop schema if exists ${name} cascade`);
  await client.query(`create schema ${name}`);
  await client.end();
  const url = new URL(serverUrl);
  url.searchParams.set('options', `-c search_path=${name}`);
  return url.toString();
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const report = (label: string, store: number[], floor: number[], batchFloor: number[]) => {
  const percent = (reference: number[]) => ((median(reference) / median(store)) * 100).toFixed(0);
  const list = (values: number[]) => values.map(Math.round).join(', ');
  console.log(
    `${label}: store ${Math.round(median(store))} orders/s; floor ${Math.round(median(floor))} orders/s ` +
      `(store time ${percent(floor)}% of it); floor with one transaction per batch ` +
      `${Math.round(median(batchFloor))} orders/s (store time ${percent(batchFloor)}% of it)\n` +
      `  runs: store ${list(store)}; floor ${list(floor)}; per-batch floor ${list(batchFloor)}`,
  );
};

console.log(`${orderCount} orders in batches of ${batchSize}, median of ${runs} runs`);
const folder = mkdtempSync(join(tmpdir(), 'orderbridge-measure-'));
try {
  const store: number[] = [];
  const floor: number[] = [];
  const batchFloor: number[] = [];
  for (let run = 0; run < runs; run++) {
    store.push(await storeRun(`sqlite:${join(folder, `store-${run}.db`)}`));
    floor.push(await sqliteFloor(join(folder, `floor-${run}.db`)));
    batchFloor.push(await sqliteFloor(join(folder, `batch-floor-${run}.db`), batchSize));
  }
  report('SQLite', store, floor, batchFloor);
} finally {
  rmSync(folder, { recursive: true, force: true });
}
if (options.postgres) {
  const store: number[] = [];
  const floor: number[] = [];
  const batchFloor: number[] = [];
  const schema = (name: string) => postgresSchemaUrl(options.postgres as string, name);
  for (let run = 0; run < runs; run++) {
    store.push(await storeRun(await schema(`measure_store_${run}`)));
    floor.push(await postgresFloor(await schema(`measure_floor_${run}`)));
    batchFloor.push(await postgresFloor(await schema(`measure_batch_${run}`), batchSize));
  }
  report('PostgreSQL', store, floor, batchFloor);
  const client = new pg.Client({ connectionString: options.postgres });
  await client.connect();
  for (let run = 0; run < runs; run++) {
    await client.query(`drop schema if exists measure_store_${run} cascade`);
    await client.query(`drop schema if exists measure_floor_${run} cascade`);
    await client.query(`drop schema if exists measure_batch_${run} cascade`);
  }
  await client.end();
}
