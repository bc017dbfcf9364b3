import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOrderStore, createSyncJobQueue } from '@orderbridge/store';
import pg from 'pg';
import { BUILT } from '../lib/paths.ts';
import {
  benchPostgresServer,
  dropPostgresDatabase,
  freshPostgresDatabase,
  NO_POSTGRES_SERVER,
} from '../lib/postgres-database.ts';
import { processCpuMs } from '../lib/process-cpu.ts';
import { sampleRss } from '../lib/rss-sampler.ts';
import { startSandboxProcess } from '../lib/sandbox-process.ts';
import type { Figure, Scenario } from '../lib/scenario-result.ts';
import { round } from '../lib/statistics.ts';

const TENANTS = 6;
const WORKER_COUNTS = [1, 2, 3];
const TICKS_PER_SECOND = 100;

/**
 * Sync workers on PostgreSQL: 6 tenants × 2 providers (12 jobs, each tenant's own store scope,
 * all reading the same sandbox accounts) synced by 1, 2 and 3 `orderbridge worker` processes (the
 * CLI binary) into a fresh database each time; throughput is stored orders per wall second until
 * every job has completed. The CPU of the workers, of the PostgreSQL server (postmaster, its live
 * backends and the ones that ended) and of the sandbox process is read from /proc over the same
 * interval, to show which of them the machine's cores went to. The sandbox answers without added
 * latency, so the run is bound by CPU, not by waiting.
 */
export const workers: Scenario = async (context) => {
  const ordersPerJob = context.quick ? 2000 : 10_000;
  const serverUrl = benchPostgresServer();
  const parameters = { tenants: TENANTS, providers: 2, ordersPerJob, latencyMs: 0 };
  if (!serverUrl) {
    return {
      name: 'workers',
      title: 'Sync workers on PostgreSQL: throughput with 1, 2 and 3 workers',
      parameters,
      figures: [],
      goals: [],
      notes: [NO_POSTGRES_SERVER],
    };
  }
  const directory = mkdtempSync(join(tmpdir(), 'orderbridge-bench-workers-'));
  const sandbox = await startSandboxProcess({
    flexportalOrders: ordersPerJob,
    flexfactorOrders: ordersPerJob,
  });
  const figures: Figure[] = [];
  const notes: string[] = [];
  try {
    const tenantsFile = join(directory, 'tenants.json');
    writeFileSync(tenantsFile, JSON.stringify(tenantsDocument(sandbox.settings)));
    const rows: string[] = [];
    let single = 0;
    for (const count of WORKER_COUNTS) {
      context.log(`workers: ${count} worker(s), ${TENANTS * 2} jobs of ${ordersPerJob} orders`);
      const databaseUrl = await freshPostgresDatabase(serverUrl, `workers_${count}`);
      const store = await createOrderStore({ url: databaseUrl });
      try {
        await sandbox.control.resetStats();
        const queue = createSyncJobQueue(store);
        const postmaster = await postmasterPid(databaseUrl);
        const postgresBefore = clusterCpuMs(postmaster);
        const sandboxBefore = processCpuMs(sandbox.pid) ?? 0;
        const started = performance.now();
        const children = Array.from({ length: count }, (_, index) =>
          startWorker(databaseUrl, tenantsFile, `bench-${index + 1}`, sandbox.settings.env),
        );
        const memory = children.map((child) => sampleRss(child.pid!, 100));
        for (;;) {
          await new Promise((resolve) => setTimeout(resolve, 200));
          const jobs = await queue.jobs();
          if (jobs.length === TENANTS * 2 && jobs.every((job) => job.lastOutcome === 'completed'))
            break;
          if (children.some((child) => child.exitCode !== null)) {
            throw new Error('a worker exited before every job completed');
          }
        }
        const seconds = (performance.now() - started) / 1000;
        const workerCpu = children.reduce((sum, child) => sum + (processCpuMs(child.pid!) ?? 0), 0);
        const postgresCpu = clusterCpuMs(postmaster) - postgresBefore;
        const sandboxCpu = (processCpuMs(sandbox.pid) ?? 0) - sandboxBefore;
        const stats = await sandbox.control.stats();
        const peakMb = Math.max(...memory.map((sampler) => sampler.stop().peakMb));
        await Promise.all(children.map(stopWorker));
        let stored = 0;
        for (let tenant = 1; tenant <= TENANTS; tenant++) {
          stored += await store.countOrders(`tenant-${tenant}`);
        }
        if (stored !== TENANTS * 2 * ordersPerJob) {
          throw new Error(`stored ${stored} orders, expected ${TENANTS * 2 * ordersPerJob}`);
        }
        const throughput = stored / seconds;
        if (count === 1) single = throughput;
        const cpuShare = (ms: number) => round(ms / 1000 / seconds, 2);
        const name = `${count} worker${count > 1 ? 's' : ''}`;
        figures.push({
          label: `${name}: sync throughput (orders stored per wall second)`,
          value: Math.round(throughput),
          unit: 'orders/s',
          ...(count > 1
            ? {
                baseline: { label: '1 worker', value: Math.round(single) },
                ratio: round(throughput / single, 3),
              }
            : {}),
        });
        for (const [label, ms] of [
          ['the workers', workerCpu],
          ['PostgreSQL', postgresCpu],
          ['the sandbox', sandboxCpu],
        ] as const) {
          figures.push({
            label: `${name}: CPU of ${label} (CPU seconds per wall second)`,
            value: cpuShare(ms),
            unit: 'cores',
          });
        }
        for (const [label, ms] of [
          ['the workers', workerCpu],
          ['PostgreSQL', postgresCpu],
        ] as const) {
          figures.push({
            label: `${name}: CPU of ${label} per 1,000 orders`,
            value: round(ms / (stored / 1000), 1),
            unit: 'ms',
          });
        }
        figures.push({
          label: `${name}: peak RSS of a worker process (the largest)`,
          value: round(peakMb, 1),
          unit: 'MB',
        });
        figures.push({
          label: `${name}: FlexFactor tokens issued (12 jobs, 6 of them FlexFactor)`,
          value: stats.flexfactor.tokensIssued,
          unit: 'tokens',
        });
        rows.push(
          `${count} worker(s): ${Math.round(throughput)} orders/s in ${round(seconds, 1)} s; CPU in cores — workers ${cpuShare(workerCpu)}, PostgreSQL ${cpuShare(postgresCpu)}, sandbox ${cpuShare(sandboxCpu)}; worker CPU per 1,000 orders ${round(workerCpu / (stored / 1000), 1)} ms, PostgreSQL ${round(postgresCpu / (stored / 1000), 1)} ms; FlexFactor tokens issued ${stats.flexfactor.tokensIssued}; peak RSS of a worker ${round(peakMb, 1)} MB`,
        );
      } finally {
        await store.close();
        await dropPostgresDatabase(serverUrl, databaseUrl);
      }
    }
    notes.push(...rows);
  } finally {
    await sandbox.stop();
    rmSync(directory, { recursive: true, force: true });
  }
  return {
    name: 'workers',
    title: 'Sync workers on PostgreSQL: throughput with 1, 2 and 3 workers',
    parameters,
    figures,
    goals: [],
    notes,
  };
};

/** Six tenants, each with the sandbox's FlexPortal tenant and FlexFactor account. */
function tenantsDocument(settings: {
  flexportal: { baseUrl: string; tenantId: string };
  flexfactor: { baseUrl: string; appKey: string };
}) {
  return {
    tenants: Array.from({ length: TENANTS }, (_, index) => ({
      id: `tenant-${index + 1}`,
      apiKeys: [{ id: 'bench', sha256: (index + 1).toString(16).padStart(64, '0') }],
      providers: [
        {
          type: 'flexportal',
          apiKey: { env: 'FLEXPORTAL_API_KEY' },
          tenantId: settings.flexportal.tenantId,
          baseUrl: settings.flexportal.baseUrl,
        },
        {
          type: 'flexfactor',
          appKey: settings.flexfactor.appKey,
          appSecret: { env: 'FLEXFACTOR_APP_SECRET' },
          baseUrl: settings.flexfactor.baseUrl,
        },
      ],
    })),
  };
}

function startWorker(
  databaseUrl: string,
  tenantsFile: string,
  workerId: string,
  sandboxEnv: Record<string, string>,
): ChildProcess {
  return spawn(
    process.execPath,
    [
      BUILT.cliBin,
      'worker',
      '--database',
      databaseUrl,
      '--tenants',
      tenantsFile,
      '--interval',
      '1h',
      '--worker-id',
      workerId,
      '--format',
      'ndjson',
      '--quiet',
    ],
    {
      env: {
        PATH: process.env.PATH ?? '',
        NO_COLOR: '1',
        FLEXPORTAL_API_KEY: sandboxEnv.FLEXPORTAL_API_KEY ?? '',
        FLEXFACTOR_APP_SECRET: sandboxEnv.FLEXFACTOR_APP_SECRET ?? '',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
}

function stopWorker(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** The PostgreSQL server's main process: the parent of a backend. */
async function postmasterPid(databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
    // Read while the backend lives (it ends with the connection).
    const status = readFileSync(`/proc/${rows[0]!.pid}/status`, 'utf8');
    return Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]);
  } finally {
    await client.end();
  }
}

/**
 * CPU milliseconds of a PostgreSQL server so far: the postmaster's own, its ended children's
 * (reaped into its cutime + cstime) and its live children's.
 */
function clusterCpuMs(postmaster: number): number {
  const fields = (pid: number | string) => {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  };
  const own = fields(postmaster);
  let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const child = fields(entry);
      if (Number(child[1]) === postmaster) ticks += Number(child[11]) + Number(child[12]);
    } catch {
      // The process ended meanwhile.
    }
  }
  return (ticks * 1000) / TICKS_PER_SECOND;
}
