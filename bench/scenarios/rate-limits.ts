import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { newBenchApiKey, writeBenchTenantsFile } from '../lib/bench-tenant.ts';
import {
  benchPostgresServer,
  dropPostgresDatabase,
  freshPostgresDatabase,
  NO_POSTGRES_SERVER,
} from '../lib/postgres-database.ts';
import { processCpuMs } from '../lib/process-cpu.ts';
import { startSandboxProcess } from '../lib/sandbox-process.ts';
import { type Figure, ratioOf, type Scenario } from '../lib/scenario-result.ts';
import { type ServiceProcess, startServiceProcess } from '../lib/service-process.ts';
import { median, round } from '../lib/statistics.ts';

/** Connections autocannon keeps busy (closed loop: each sends its next request on an answer). */
const CONNECTIONS = 10;
const BLOCK_SECONDS = 5;
const BLOCKS = 5;
/** Pause between blocks, so that nothing of one block still runs when the next starts. */
const SETTLE_MS = 500;
/**
 * `GET /v1/providers`: authenticated and rate-limited like every `/v1` call, with no upstream
 * request and no store query, so what differs between the sides is the rate-limit decision alone.
 */
const PATH = '/v1/providers';

interface Side extends ServiceProcess {
  label: string;
  requestsPerSecond: number[];
  p50: number[];
  p99: number[];
  cpuMsPerRequest: number[];
}

/**
 * Rate limits: requests per second one service replica sustains with its per-key limits in
 * memory (one process) against the same replica with the limits shared through PostgreSQL
 * (`RateLimiterPostgres`: one upsert per request), on the same machine, closed loop. The sides'
 * blocks alternate so that a noisy neighbour hits both alike.
 */
export const rateLimits: Scenario = async (context) => {
  const postgresUrl = benchPostgresServer();
  if (!postgresUrl) {
    return {
      name: 'rate-limits',
      title: 'Shared rate limits: one replica, in-memory vs PostgreSQL',
      parameters: {} as Record<string, number | string>,
      figures: [],
      goals: [],
      notes: [NO_POSTGRES_SERVER],
    };
  }
  const blocks = context.quick ? 1 : BLOCKS;
  const sandbox = await startSandboxProcess({ flexportalOrders: 100, flexfactorOrders: 0 });
  const directory = await mkdtemp(join(tmpdir(), 'orderbridge-bench-rate-limits-'));
  const databaseUrl = await freshPostgresDatabase(postgresUrl, 'rate_limits');
  const apiKey = newBenchApiKey();
  const tenantsFile = join(directory, 'tenants.json');
  // Every request is decided by the limiter; none may be refused.
  writeBenchTenantsFile(tenantsFile, {
    apiKey,
    sandbox: sandbox.settings,
    providers: ['flexportal'],
  });
  const sides: Side[] = [];
  try {
    sides.push(await startService('in-memory token buckets', tenantsFile, {}));
    sides.push(
      await startService('PostgreSQL (rate-limiter-flexible)', tenantsFile, {
        ORDERBRIDGE_DATABASE_URL: databaseUrl,
      }),
    );
    const headers = { authorization: `Bearer ${apiKey}` };
    context.log('rate-limits: warm-up');
    for (const side of sides) await load(side.url, headers, 2);
    for (let block = 0; block < blocks; block++) {
      for (const side of sides) {
        context.log(`rate-limits: block ${block + 1}/${blocks}, ${side.label}`);
        const cpuBefore = processCpuMs(side.child.pid!) ?? Number.NaN;
        const result = await load(side.url, headers, BLOCK_SECONDS);
        const cpuAfter = processCpuMs(side.child.pid!) ?? Number.NaN;
        if (result.non2xx > 0 || result.errors > 0) {
          throw new Error(
            `${side.label}: ${result.non2xx} non-2xx responses, ${result.errors} errors`,
          );
        }
        side.requestsPerSecond.push(result.total / BLOCK_SECONDS);
        side.p50.push(result.p50);
        side.p99.push(result.p99);
        side.cpuMsPerRequest.push((cpuAfter - cpuBefore) / result.total);
        await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      }
    }
  } finally {
    await Promise.all(sides.map((side) => side.stop()));
    await sandbox.stop();
    await dropPostgresDatabase(postgresUrl, databaseUrl);
    await rm(directory, { recursive: true, force: true });
  }
  const [memory, postgres] = sides as [Side, Side];
  const figure = (
    label: string,
    unit: string,
    pick: (side: Side) => number[],
    digits = 1,
  ): Figure => {
    const value = median(pick(postgres));
    const baseline = median(pick(memory));
    return {
      label,
      value: round(value, digits),
      unit,
      baseline: { label: memory.label, value: round(baseline, digits) },
      ratio: ratioOf(value, baseline),
      spread: {
        min: round(Math.min(...pick(postgres)), digits),
        max: round(Math.max(...pick(postgres)), digits),
        runs: pick(postgres).length,
      },
    };
  };
  return {
    name: 'rate-limits',
    title: 'Shared rate limits: one replica, in-memory vs PostgreSQL',
    parameters: {
      path: PATH,
      connections: CONNECTIONS,
      blockSeconds: BLOCK_SECONDS,
      blocks,
    },
    figures: [
      figure(
        `GET ${PATH}, limits in PostgreSQL: requests/s of one replica`,
        'requests/s',
        (side) => side.requestsPerSecond,
        0,
      ),
      figure('… p50 latency', 'ms', (side) => side.p50, 2),
      figure('… p99 latency', 'ms', (side) => side.p99, 2),
      figure('… service CPU per request', 'ms', (side) => side.cpuMsPerRequest, 3),
    ],
    goals: [],
    notes: [
      `Closed loop, ${CONNECTIONS} connections, on the benchmark machine's cores shared by autocannon, the service, PostgreSQL and the sandbox (idle): requests/s is what the machine sustains, not the service alone. Each request of the PostgreSQL side is one upsert in the service's own pool (4 connections); its CPU share in PostgreSQL is not in the service's CPU per request.`,
    ],
  };
};

async function startService(
  label: string,
  tenantsFile: string,
  env: Record<string, string>,
): Promise<Side> {
  const service = await startServiceProcess({
    tenantsFile,
    baseEnv: { PATH: process.env.PATH ?? '' },
    env: { LOG_LEVEL: 'warn', ...env },
  }).catch((error: unknown) => {
    throw new Error(`${label}: ${error instanceof Error ? error.message : String(error)}`);
  });
  return { ...service, label, requestsPerSecond: [], p50: [], p99: [], cpuMsPerRequest: [] };
}

async function load(
  url: string,
  headers: Record<string, string>,
  seconds: number,
): Promise<{ total: number; non2xx: number; errors: number; p50: number; p99: number }> {
  const result = await autocannon({
    url: `${url}${PATH}`,
    headers,
    connections: CONNECTIONS,
    duration: seconds,
  });
  return {
    total: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    p50: result.latency.p50,
    p99: result.latency.p99,
  };
}
