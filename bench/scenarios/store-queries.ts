import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOrderStore } from '@orderbridge/store';
import { newBenchApiKey, writeBenchTenantsFile } from '../lib/bench-tenant.ts';
import {
  type LoadResult,
  mergeLoadResults,
  percentilesOf,
  steadyLoad,
} from '../lib/load-generator.ts';
import {
  benchPostgresServer,
  freshPostgresDatabase,
  NO_POSTGRES_SERVER,
  runStatement,
} from '../lib/postgres-database.ts';
import { startSandboxProcess } from '../lib/sandbox-process.ts';
import type { Figure, Goal, Scenario } from '../lib/scenario-result.ts';
import { type ServiceProcess, startServiceProcess } from '../lib/service-process.ts';
import { median, round } from '../lib/statistics.ts';
import { load } from './reports.ts';

const LIMIT = 50;
/** The live service benchmark's load shape: 40 requests/s evenly spaced, blocks of 5 s. */
const RATE_PER_SECOND = 40;
const BLOCK_SECONDS = 5;
const BLOCKS = 10;
const GOAL_P99_MS = 10;
const GOAL_SAMPLES = 2_000;
/** Sequential requests per path for the per-path diagnosis (no goal). */
const PROBES_PER_PATH = 40;

/**
 * First pages of filtered, sorted listings (the documented filters and sorts, alone and
 * combined), requested in turn. The store holds the reports scenario's orders: FlexFactor payments
 * of 200 merchants in six currencies and FlexPortal subscriptions, created over two years.
 */
const QUERIES = [
  'status=processing&sort=createdAt:desc',
  'currency=USD&sort=total:desc',
  'provider=flexfactor&paymentStatus=paid&createdFrom=2025-06-01&createdTo=2025-09-30&sort=createdAt:asc',
  'merchantId=m17&sort=createdAt:desc',
  'fulfillmentStatus=partially_fulfilled&sort=updatedAt:desc',
  'status=completed,cancelled&sort=id:asc',
  'customerId=cus_1001',
  'sort=status:asc',
  'provider=flexportal&status=pending&createdFrom=2025-01-01&sort=total:asc&currency=EUR',
] as const;

interface Backend {
  name: 'SQLite' | 'PostgreSQL';
  url: string;
}

/**
 * Store queries through the service: `GET /v1/orders?source=store&…` first pages (filtered,
 * sorted, limit 50) over a store of 1,000,000 orders, on SQLite and on PostgreSQL, at the live
 * service benchmark's load shape; p50/p99/p99.9 with their sample counts.
 */
export const storeQueries: Scenario = async (context) => {
  const count = context.quick ? 50_000 : 1_000_000;
  const blocks = context.quick ? 1 : BLOCKS;
  const folder = mkdtempSync(join(tmpdir(), 'orderbridge-bench-store-queries-'));
  const postgresServer = benchPostgresServer();
  const backends: Backend[] = [{ name: 'SQLite', url: `sqlite:${join(folder, 'store.db')}` }];
  const notes: string[] = [];
  if (postgresServer === undefined) {
    notes.push(NO_POSTGRES_SERVER);
  } else {
    backends.push({
      name: 'PostgreSQL',
      url: await freshPostgresDatabase(postgresServer, 'store_queries'),
    });
  }
  const figures: Figure[] = [];
  const goals: Goal[] = [];
  // The tenant's providers must be configured for the service to start; source=store never asks
  // them, and the sandbox's request counts prove it.
  const sandbox = await startSandboxProcess({
    flexportalOrders: 10,
    flexfactorOrders: 10,
    latencyMs: 0,
  });
  const services = new Map<string, ServiceProcess>();
  try {
    for (const backend of backends) {
      context.log(`store-queries: storing ${count} orders in ${backend.name}`);
      const store = await createOrderStore({ url: backend.url });
      try {
        const loadMs = await load(store, count, context.log, 'store-queries');
        figures.push({
          label: `${backend.name}: storing ${count.toLocaleString('en')} orders (applyBatch, for reference)`,
          value: round(loadMs / 1000, 1),
          unit: 's',
        });
      } finally {
        await store.close();
      }
      if (backend.name === 'PostgreSQL') await runStatement(backend.url, 'vacuum analyze orders');
      services.set(backend.name, await startService(backend.url, sandbox.settings, folder));
    }
    context.log('store-queries: writing the stored orders out to disk before measuring');
    notes.push(await settleWrites(backends));
    const headers = { authorization: `Bearer ${SERVICE_KEY}` };
    const paths = QUERIES.map((query) => `/v1/orders?source=store&limit=${LIMIT}&${query}`);

    context.log('store-queries: checking every path answers from the store, then warming up');
    for (const [name, service] of services) {
      for (const path of paths) await checkStoreAnswer(`${service.url}${path}`, headers, name);
      await steadyLoad({
        url: service.url,
        paths,
        headers,
        ratePerSecond: RATE_PER_SECOND,
        durationSeconds: 2,
      });
    }
    const upstreamBefore = await upstreamRequests(sandbox);

    context.log(
      `store-queries: ${blocks} × ${BLOCK_SECONDS} s per backend at ${RATE_PER_SECOND} req/s, evenly spaced, backends alternating`,
    );
    const results = new Map<string, LoadResult[]>();
    for (let block = 0; block < blocks; block++) {
      for (const [name, service] of services) {
        const result = await steadyLoad({
          url: service.url,
          paths,
          headers,
          ratePerSecond: RATE_PER_SECOND,
          durationSeconds: BLOCK_SECONDS,
        });
        results.set(name, [...(results.get(name) ?? []), result]);
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
    }
    const upstreamDuring = (await upstreamRequests(sandbox)) - upstreamBefore;

    for (const [name, service] of services) {
      const merged = mergeLoadResults(results.get(name) ?? []);
      const percentiles = percentilesOf(merged);
      const failures = merged.non2xx + merged.errors;
      const enough = percentiles.samples >= GOAL_SAMPLES;
      figures.push({
        label: `${name}: first page (limit ${LIMIT}) of a filtered, sorted list through the service, p99 (p50 ${round(percentiles.p50, 2)} ms, p99.9 ${round(percentiles.p999, 2)} ms; ${percentiles.samples} responses)`,
        value: round(percentiles.p99, 2),
        unit: 'ms',
        breakdown: {
          p50: round(percentiles.p50, 2),
          p99: round(percentiles.p99, 2),
          'p99.9': round(percentiles.p999, 2),
          responses: percentiles.samples,
          'non-2xx or errors': failures,
        },
      });
      goals.push({
        text: `${name}: first page from a store of ${count.toLocaleString('en')} orders through the service, p99 ≤ ${GOAL_P99_MS} ms on ≥ ${GOAL_SAMPLES.toLocaleString('en')} responses`,
        met: percentiles.p99 <= GOAL_P99_MS && failures === 0 && enough,
        detail: `p50 ${round(percentiles.p50, 2)} ms, p99 ${round(percentiles.p99, 2)} ms, p99.9 ${round(percentiles.p999, 2)} ms of ${percentiles.samples} responses${failures > 0 ? `; ${failures} failed` : ''}${enough ? '' : ` (the goal needs ≥ ${GOAL_SAMPLES}: a --quick run cannot meet it)`}`,
      });
      context.log(`store-queries: ${name}: per-path diagnosis`);
      const perPath: Record<string, number> = {};
      for (const [index, path] of paths.entries()) {
        const times: number[] = [];
        for (let probe = 0; probe < PROBES_PER_PATH; probe++) {
          const started = performance.now();
          const response = await fetch(`${service.url}${path}`, { headers });
          await response.arrayBuffer();
          times.push(performance.now() - started);
        }
        perPath[QUERIES[index]!] = round(median(times), 2);
      }
      figures.push({
        label: `${name}: median of ${PROBES_PER_PATH} sequential requests per query (no goal; ms by query)`,
        value: round(Math.max(...Object.values(perPath)), 2),
        unit: 'ms',
        breakdown: perPath,
      });
    }
    figures.push({
      label:
        "upstream order listings and look-ups during the measured blocks (the services' readiness checks, every provider every 30 s; source=store itself asks none)",
      value: upstreamDuring,
      unit: 'requests',
    });
    notes.push(
      `Load: the live service benchmark's shape — ${RATE_PER_SECOND} requests/s evenly spaced (open loop, keep-alive connections, response time = request written → last body byte), ${blocks} block(s) of ${BLOCK_SECONDS} s per backend, the backends alternating block by block, the ${QUERIES.length} queries requested in turn: ${QUERIES.map((query) => `\`${query}\``).join(', ')} (each with source=store&limit=${LIMIT}).`,
      `Store: ${count.toLocaleString('en')} generated canonical orders (the reports scenario's: half FlexFactor payments, half FlexPortal subscriptions, created over two years) written with applyBatch in batches of 5,000, not synced over the network; PostgreSQL then VACUUM ANALYZE (what autovacuum does after a bulk load). One orderbridge-service per backend (ORDERBRIDGE_DATABASE_URL, LOG_LEVEL=info to /dev/null, one tenant reading scope "default" with both providers, rate limit out of the way), at the machine's default priority.`,
    );
  } finally {
    for (const service of services.values()) await service.stop();
    await sandbox.stop();
    rmSync(folder, { recursive: true, force: true });
  }
  return {
    name: 'store-queries',
    title: `Store queries through the service: first pages over ${count.toLocaleString('en-US')} stored orders`,
    parameters: {
      orders: count,
      limit: LIMIT,
      ratePerSecond: RATE_PER_SECOND,
      blocks,
      blockSeconds: BLOCK_SECONDS,
      queries: QUERIES.length,
      postgres: postgresServer !== undefined,
    },
    figures,
    goals,
    notes,
  };
};

/** The bench tenant's API key (a fresh random one per run; only its hash is written). */
const SERVICE_KEY = newBenchApiKey();

/** Starts orderbridge-service on a free loopback port over one store. */
async function startService(
  databaseUrl: string,
  settings: Awaited<ReturnType<typeof startSandboxProcess>>['settings'],
  folder: string,
): Promise<ServiceProcess> {
  const tenantsFile = join(folder, `tenants-${randomBytes(4).toString('hex')}.json`);
  writeBenchTenantsFile(tenantsFile, {
    apiKey: SERVICE_KEY,
    sandbox: settings,
    providers: ['flexportal', 'flexfactor'],
    extra: { storeScope: 'default', source: 'store' },
  });
  return startServiceProcess({ tenantsFile, env: { ORDERBRIDGE_DATABASE_URL: databaseUrl } });
}

/** Fails unless the path answers 200 from the store with at least one order. */
async function checkStoreAnswer(
  url: string,
  headers: Record<string, string>,
  backend: string,
): Promise<void> {
  const response = await fetch(url, { headers });
  const text = await response.text();
  if (!response.ok) throw new Error(`${backend}: GET ${url}: HTTP ${response.status} ${text}`);
  if (response.headers.get('orderbridge-source') !== 'store') {
    throw new Error(`${backend}: GET ${url} was not answered from the store`);
  }
  const body = JSON.parse(text) as { orders: unknown[] };
  if (body.orders.length === 0) throw new Error(`${backend}: GET ${url} matched no order`);
}

/** Order listings and look-ups the providers answered so far (tokens and probes not counted). */
async function upstreamRequests(
  sandbox: Awaited<ReturnType<typeof startSandboxProcess>>,
): Promise<number> {
  const stats = await sandbox.control.stats();
  return (
    stats.flexportal.routes.listOrders +
    stats.flexportal.routes.getOrder +
    stats.flexfactor.routes.listOrders +
    stats.flexfactor.routes.getOrder
  );
}

/**
 * Has what the seeding wrote reach the disk before the measurement: PostgreSQL's dirty buffers
 * (a `CHECKPOINT`, which its checkpointer would otherwise spread over the next minutes) and the
 * kernel's dirty pages (`sync`). Storing a million orders writes gigabytes; a query measured while
 * they are written back can wait behind them for tens of ms, which is the machine's disk, not the
 * store. Returns a note saying what was done and how long it took.
 */
async function settleWrites(backends: readonly Backend[]): Promise<string> {
  const started = performance.now();
  const done: string[] = [];
  for (const backend of backends) {
    if (backend.name !== 'PostgreSQL') continue;
    try {
      await runStatement(backend.url, 'checkpoint');
      done.push('a PostgreSQL CHECKPOINT');
    } catch (error) {
      // CHECKPOINT needs a superuser or pg_checkpoint: a bench server's user may have neither.
      done.push(
        `no PostgreSQL CHECKPOINT (${error instanceof Error ? error.message : String(error)})`,
      );
    }
  }
  if (process.platform === 'linux') {
    execFileSync('sync');
    done.push('`sync`');
  }
  const seconds = round((performance.now() - started) / 1000, 1);
  return `Before the warm-up: ${done.join(' and ') || 'nothing'} (${seconds} s), so that the measured reads do not queue behind the seeding's writes still going to disk.`;
}
