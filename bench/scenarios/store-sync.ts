import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { pipeline } from 'node:stream/promises';
import { type Order, pages } from '@orderbridge/core';
import { createFlexFactor } from '@orderbridge/flexfactor';
import { type ChangeEntry, createOrderStore } from '@orderbridge/store';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { BUILT } from '../lib/paths.ts';
import {
  benchPostgresServer,
  dropPostgresDatabase,
  freshPostgresDatabase,
  NO_POSTGRES_SERVER,
} from '../lib/postgres-database.ts';
import { sampleRss } from '../lib/rss-sampler.ts';
import { type SandboxProcess, startSandboxProcess } from '../lib/sandbox-process.ts';
import { type Figure, type Goal, ratioOf, type Scenario } from '../lib/scenario-result.ts';
import { median, round } from '../lib/statistics.ts';

const LATENCY_MS = 50;
const FLOOR_GOAL = 1.15;
const RSS_GOAL_MB = 200;
/** Pages in flight for the page-number walk (the sync's default). */
const CONCURRENCY = 4;

type RowBuilder = (order: Order) => Record<string, unknown>;

interface Backend {
  name: 'SQLite' | 'PostgreSQL';
  /** A new, empty store URL for each run. */
  freshUrl(label: string): Promise<string>;
  /** Times writing the store's own rows (read back from `sourceUrl`) the fastest way the driver offers. */
  insertFloor(sourceUrl: string, targetUrl: string, buildRow: RowBuilder): Promise<number>;
  /** Removes a store made by `freshUrl` once measured (a 1,000,000-order store is 4–5 GB). */
  discard(url: string): Promise<void>;
}

/**
 * Orders at rest: a full `orderbridge sync` of FlexFactor orders (the CLI binary, as users run
 * it) from a sandbox with 50 ms latency into SQLite and PostgreSQL, against its floor — the
 * larger of the walk alone (the same listing, same concurrency, nothing stored) and the insert
 * floor (the same rows written with the same driver in its fastest way: one prepared statement in
 * one transaction on SQLite, COPY on PostgreSQL), measured in the same run; then an incremental
 * FlexPortal sync after 1% of its orders changed, counting upstream requests and logged changes.
 */
export const storeSync: Scenario = async (context) => {
  const fullOrders = context.quick ? 50_000 : 1_000_000;
  const incrementalOrders = context.quick ? 20_000 : 100_000;
  const runs = context.quick ? 1 : 2;
  const postgresUrl = benchPostgresServer();
  const directory = mkdtempSync(join(tmpdir(), 'orderbridge-bench-sync-'));
  const { orderRow } = (await import(
    `${BUILT.store.replace(/index\.js$/, '')}rows/order-row.js`
  )) as {
    orderRow: (order: Order, content: unknown, context: object) => Record<string, unknown>;
  };
  const { orderContent } = (await import(
    `${BUILT.store.replace(/index\.js$/, '')}rows/order-content.js`
  )) as {
    orderContent: (order: Order) => unknown;
  };
  const rowContext = { scope: 'default', observedAt: '2026-01-01T00:00:00.000Z', runId: 'floor' };
  const buildRow: RowBuilder = (order) => orderRow(order, orderContent(order), rowContext);

  const backends: Backend[] = [sqliteBackend(directory)];
  if (postgresUrl) backends.push(postgresBackend(postgresUrl));
  const notes: string[] = [];
  if (!postgresUrl) {
    notes.push(NO_POSTGRES_SERVER);
  }

  context.log(
    `store-sync: sandbox with ${fullOrders} FlexFactor and ${incrementalOrders} FlexPortal orders, ${LATENCY_MS} ms latency`,
  );
  const sandbox = await startSandboxProcess({
    flexportalOrders: incrementalOrders,
    flexfactorOrders: fullOrders,
    latencyMs: LATENCY_MS,
  });
  const figures: Figure[] = [];
  const goals: Goal[] = [];
  try {
    const walks: number[] = [];
    const syncs = new Map<
      string,
      Array<{ wallMs: number; peakMb: number; requests: number; created: number }>
    >();
    const floors = new Map<string, number[]>();
    for (let run = 0; run < runs; run++) {
      context.log(`store-sync: run ${run + 1}/${runs}: walk alone`);
      walks.push(await walkOnly(sandbox));
      for (const backend of backends) {
        context.log(`store-sync: run ${run + 1}/${runs}: orderbridge sync into ${backend.name}`);
        const url = await backend.freshUrl(`full_${run}`);
        const synced = await cliSync(sandbox, url, ['--provider', 'flexfactor']);
        if (synced.created !== fullOrders) {
          throw new Error(
            `${backend.name}: the sync created ${synced.created} orders, not ${fullOrders}`,
          );
        }
        syncs.set(backend.name, [...(syncs.get(backend.name) ?? []), synced]);
        context.log(`store-sync: run ${run + 1}/${runs}: ${backend.name} insert floor`);
        const floorUrl = await backend.freshUrl(`floor_${run}`);
        const floorMs = await backend.insertFloor(url, floorUrl, buildRow);
        floors.set(backend.name, [...(floors.get(backend.name) ?? []), floorMs]);
        await backend.discard(url);
        await backend.discard(floorUrl);
      }
    }
    const walkMs = median(walks);
    for (const backend of backends) {
      const results = syncs.get(backend.name)!;
      const syncMs = median(results.map((result) => result.wallMs));
      const insertMs = median(floors.get(backend.name)!);
      const floorMs = Math.max(walkMs, insertMs);
      const peakMb = Math.max(...results.map((result) => result.peakMb));
      const ratio = ratioOf(syncMs, floorMs);
      figures.push(
        {
          label: `full sync of ${fullOrders.toLocaleString('en')} FlexFactor orders into ${backend.name} (orderbridge sync): wall time`,
          value: round(syncMs, 0),
          unit: 'ms',
          baseline: {
            label: `floor = max(walk alone ${round(walkMs, 0)} ms, insert floor ${round(insertMs, 0)} ms)`,
            value: round(floorMs, 0),
          },
          ratio,
          spread: {
            min: round(Math.min(...results.map((result) => result.wallMs)), 0),
            max: round(Math.max(...results.map((result) => result.wallMs)), 0),
            runs: results.length,
          },
        },
        {
          label: `the same sync into ${backend.name}: throughput`,
          value: round(fullOrders / (syncMs / 1000), 0),
          unit: 'orders/s',
          baseline: {
            label: 'insert floor throughput',
            value: round(fullOrders / (insertMs / 1000), 0),
          },
          ratio: ratioOf(insertMs, syncMs),
        },
        {
          label: `the same sync into ${backend.name}: peak RSS of the CLI process`,
          value: round(peakMb, 1),
          unit: 'MB',
        },
        {
          label: `the same sync into ${backend.name}: upstream requests (every attempt, token included)`,
          value: median(results.map((result) => result.requests)),
          unit: 'requests',
        },
      );
      goals.push(
        {
          text: `Full sync of ${fullOrders.toLocaleString('en')} orders into ${backend.name} ≤ 115% of max(walk floor, insert floor)`,
          met: ratio <= FLOOR_GOAL,
          detail: `${round(syncMs, 0)} ms against ${round(floorMs, 0)} ms: ${round(ratio * 100, 1)}%`,
        },
        {
          text: `Peak RSS of that sync ≤ ${RSS_GOAL_MB} MB (${backend.name})`,
          met: peakMb <= RSS_GOAL_MB,
          detail: `${round(peakMb, 1)} MB`,
        },
      );
    }
    figures.push({
      label: `walk alone: pages() over the same ${fullOrders.toLocaleString('en')} FlexFactor orders, concurrency ${CONCURRENCY}, nothing stored`,
      value: round(walkMs, 0),
      unit: 'ms',
      spread: {
        min: round(Math.min(...walks), 0),
        max: round(Math.max(...walks), 0),
        runs: walks.length,
      },
    });

    context.log(
      `store-sync: incremental FlexPortal sync after 1% of ${incrementalOrders} orders changed`,
    );
    const incremental = await incrementalRun(
      sandbox,
      await backends[0]!.freshUrl('incremental'),
      incrementalOrders,
    );
    figures.push(
      {
        label: `incremental FlexPortal sync after ${incremental.changed.toLocaleString('en')} of ${incrementalOrders.toLocaleString('en')} orders changed: upstream list requests`,
        value: incremental.listRequests,
        unit: 'requests',
        baseline: {
          label: `minimum: ${incremental.changed} changed orders / 100 per page`,
          value: incremental.minimumPages,
        },
        ratio: ratioOf(incremental.listRequests, incremental.minimumPages),
      },
      {
        label: 'the same run: change-log entries written',
        value: incremental.logged,
        unit: 'entries',
        baseline: { label: 'orders the sandbox changed', value: incremental.changed },
        ratio: ratioOf(incremental.logged, incremental.changed),
      },
    );
    goals.push(
      {
        text: 'Incremental sync after 1% of 100,000 orders changed: FlexPortal upstream requests ≤ the minimum + 2 pages',
        met: incremental.listRequests <= incremental.minimumPages + 2,
        detail: `${incremental.listRequests} list requests; minimum ${incremental.minimumPages}`,
      },
      {
        text: 'Logged changes = exactly the changed orders',
        met: incremental.exact,
        detail: `${incremental.logged} entries for ${incremental.changed} changed orders; ${incremental.exact ? 'the same keys' : `differences: ${incremental.differences.slice(0, 5).join(', ')}`}`,
      },
    );
  } finally {
    await sandbox.stop();
    rmSync(directory, { recursive: true, force: true });
  }
  return {
    name: 'store-sync',
    title: 'Orders at rest: full and incremental sync into SQLite and PostgreSQL',
    parameters: {
      fullOrders,
      incrementalOrders,
      latencyMs: LATENCY_MS,
      concurrency: CONCURRENCY,
      runs,
      postgres: postgresUrl !== undefined,
    },
    figures,
    goals,
    notes: [
      ...notes,
      'The sync is the CLI binary (`orderbridge sync --provider flexfactor`) in a child process: wall time from spawn to exit, RSS from /proc (VmHWM). The walk floor runs pages() in this process over the same listing; the insert floor writes the rows the sync stored (read back before the clock starts, in chunks) into a new store with the same schema and indexes.',
      "Runs are interleaved: walk, then each backend's sync and floor, repeated.",
    ],
  };
};

async function walkOnly(sandbox: SandboxProcess): Promise<number> {
  const { flexfactor } = sandbox.settings;
  const provider = createFlexFactor({
    appKey: flexfactor.appKey,
    appSecret: flexfactor.appSecret,
    baseUrl: flexfactor.baseUrl,
    env: {},
  });
  const started = performance.now();
  let count = 0;
  for await (const page of pages(
    provider,
    { sort: { field: 'createdAt', direction: 'desc' }, limit: provider.capabilities.maxPageSize },
    { concurrency: CONCURRENCY },
  )) {
    count += page.orders.length;
  }
  if (count === 0) throw new Error('the walk read no orders');
  return performance.now() - started;
}

async function cliSync(
  sandbox: SandboxProcess,
  url: string,
  flags: readonly string[],
): Promise<{ wallMs: number; peakMb: number; requests: number; created: number; updated: number }> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [BUILT.cliBin, 'sync', '--database', url, '--format', 'json', ...flags],
    {
      env: { PATH: process.env.PATH ?? '', ...sandbox.settings.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const memory = sampleRss(child.pid!, 100);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  const wallMs = performance.now() - started;
  const rss = memory.stop();
  if (code !== 0) throw new Error(`orderbridge sync exited ${code}: ${stderr.slice(-2000)}`);
  const summary = JSON.parse(stdout) as {
    providers: Array<{ created: number; updated: number; upstreamRequests: number }>;
  };
  const row = summary.providers[0]!;
  return {
    wallMs,
    peakMb: rss.peakMb,
    requests: row.upstreamRequests,
    created: row.created,
    updated: row.updated,
  };
}

async function incrementalRun(sandbox: SandboxProcess, url: string, orders: number) {
  const first = await cliSync(sandbox, url, ['--provider', 'flexportal']);
  if (first.created !== orders)
    throw new Error(`the first FlexPortal sync created ${first.created}`);
  const store = await createOrderStore({ url });
  const lastSeq = async () => {
    let after = 0;
    for (;;) {
      const page = await store.listChanges({ after, limit: 1000 });
      if (page.length === 0) return after;
      after = page.at(-1)!.seq;
    }
  };
  try {
    const before = await lastSeq();
    const churn = await sandbox.control.flexportal.churn({ fraction: 0.01, seed: 41 });
    await sandbox.control.resetStats();
    await cliSync(sandbox, url, ['--provider', 'flexportal']);
    const listRequests = (await sandbox.control.stats()).flexportal.routes.listOrders;
    const entries: ChangeEntry[] = [];
    for (let after = before; ; ) {
      const page = await store.listChanges({ after, limit: 1000 });
      if (page.length === 0) break;
      entries.push(...page);
      after = page.at(-1)!.seq;
    }
    const expected = new Set(churn.changed.map((change) => `flexportal:${change.id}`));
    const logged = new Set(entries.map((entry) => entry.key));
    const differences = [
      ...[...expected].filter((key) => !logged.has(key)).map((key) => `missing ${key}`),
      ...entries
        .filter((entry) => !expected.has(entry.key) || entry.kind !== 'updated')
        .map((entry) => `extra ${entry.kind} ${entry.key}`),
    ];
    return {
      changed: churn.changed.length,
      minimumPages: Math.ceil(churn.changed.length / 100),
      listRequests,
      logged: entries.length,
      exact: differences.length === 0 && entries.length === expected.size,
      differences,
    };
  } finally {
    await store.close();
  }
}

function sqliteBackend(directory: string): Backend {
  return {
    name: 'SQLite',
    freshUrl: async (label) => `sqlite:${join(directory, `${label}.db`)}`,
    async discard(url) {
      const file = url.slice('sqlite:'.length);
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
    },
    async insertFloor(sourceUrl, targetUrl, buildRow) {
      await (await createOrderStore({ url: targetUrl })).close(); // the same schema and indexes
      const source = new DatabaseSync(sourceUrl.slice('sqlite:'.length), { readOnly: true });
      const target = new DatabaseSync(targetUrl.slice('sqlite:'.length));
      target.exec('pragma journal_mode = wal; pragma synchronous = normal');
      let insert: ReturnType<DatabaseSync['prepare']> | undefined;
      let elapsed = 0;
      let lastKey = '';
      const read = source.prepare(
        'select key, document from orders where key > ? order by key limit 20000',
      );
      target.exec('begin');
      for (;;) {
        const chunk = read.all(lastKey) as Array<{ key: string; document: string }>;
        if (chunk.length === 0) break;
        lastKey = chunk.at(-1)!.key;
        const rows = chunk.map((row) => buildRow(JSON.parse(row.document) as Order));
        const columns = Object.keys(rows[0]!);
        insert ??= target.prepare(
          `insert into orders (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`,
        );
        const started = performance.now();
        for (const row of rows) insert.run(...(Object.values(row) as never[]));
        elapsed += performance.now() - started;
      }
      const committing = performance.now();
      target.exec('commit');
      elapsed += performance.now() - committing;
      source.close();
      target.close();
      return elapsed;
    },
  };
}

function postgresBackend(serverUrl: string): Backend {
  return {
    name: 'PostgreSQL',
    freshUrl: (label) => freshPostgresDatabase(serverUrl, label),
    discard: (url) => dropPostgresDatabase(serverUrl, url),
    async insertFloor(sourceUrl, targetUrl, buildRow) {
      await (await createOrderStore({ url: targetUrl })).close();
      const source = new pg.Client({ connectionString: sourceUrl });
      const target = new pg.Client({ connectionString: targetUrl });
      await source.connect();
      await target.connect();
      let elapsed = 0;
      let lastKey = '';
      await target.query('begin');
      for (;;) {
        const { rows: chunk } = await source.query<{ key: string; document: Order }>(
          'select key, document from orders where key > $1 order by key limit 20000',
          [lastKey],
        );
        if (chunk.length === 0) break;
        lastKey = chunk.at(-1)!.key;
        const rows = chunk.map((row) => buildRow(row.document));
        const columns = Object.keys(rows[0]!);
        const text = rows.map((row) => `${Object.values(row).map(copyField).join('\t')}\n`);
        const started = performance.now();
        await pipeline(
          (async function* () {
            for (let start = 0; start < text.length; start += 1000)
              yield text.slice(start, start + 1000).join('');
          })(),
          target.query(copyFrom(`copy orders (${columns.join(', ')}) from stdin`)),
        );
        elapsed += performance.now() - started;
      }
      const committing = performance.now();
      await target.query('commit');
      elapsed += performance.now() - committing;
      await source.end();
      await target.end();
      return elapsed;
    },
  };
}

/** COPY text format: backslash, tab, newline and carriage return escaped; null is \N. */
function copyField(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return text.replace(/[\\\t\n\r]/g, (character) =>
    character === '\\' ? '\\\\' : character === '\t' ? '\\t' : character === '\n' ? '\\n' : '\\r',
  );
}
