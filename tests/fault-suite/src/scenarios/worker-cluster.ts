import { createHash, randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Order } from '@orderbridge/core';
import { flexPortalStatusMap, mapFlexPortalOrder } from '@orderbridge/flexportal';
import { type Sandbox, type SandboxOptions, startSandbox } from '@orderbridge/sandbox';
import {
  createOrderStore,
  createSyncJobQueue,
  type OrderStore,
  overlappingLeases,
  type SyncJobLeaseRecord,
} from '@orderbridge/store';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type RunningCli,
  type SandboxProcess,
  startCli,
  startSandboxProcessWith,
  temporaryDirectory,
} from '../support/cli-process.js';
import { CANARIES } from '../support/evidence.js';
import { type ServiceProcess, startServiceWith } from '../support/service-process.js';
import { storedOrders } from '../support/stored-orders.js';
import { flexFactorTruth } from '../support/suite-sandbox.js';

const serverUrl = process.env.ORDERBRIDGE_TEST_DATABASE_URL;
/** 2 tenants × 2 providers, 100,000 orders stored in all (FlexFactor's account is shared by both). */
const ORDERS_PER_JOB = 25_000;
const SECOND_TENANT = { tenantId: 'bu_cluster_second', apiKey: 'fp_test_cluster_second_key_fake' };
const TENANT_KEYS = {
  alpha: 'obk_cluster_alpha_key_not_a_secret_0000001',
  beta: 'obk_cluster_beta_key_not_a_secret_00000002',
} as const;
const LEASE_TIMEOUT = '4s';
/** Tenant beta's per-key limit, which both replicas enforce together (shared through PostgreSQL). */
const BETA_REQUESTS_PER_MINUTE = 12;

/**
 * The sync worker cluster: one PostgreSQL, a sandbox process, three `orderbridge worker`
 * processes and two service replicas (one with ORDERBRIDGE_WORKER=on) on the same database,
 * 2 tenants × 2 providers. One worker is SIGKILLed mid-sync; every job still completes once, each
 * tenant's store equals the sandbox's data, no two leases on a job overlap, and the killed
 * worker's job is resumed from its checkpoint by another worker. A tenant's per-key limit of N
 * requests a minute holds across both replicas together.
 */
export function describeWorkerCluster(): void {
  describe.skipIf(serverUrl === undefined)('sync workers sharing jobs through PostgreSQL', () => {
    const sandboxOptions: SandboxOptions = {
      port: 0,
      seed: 41,
      orders: { flexportal: ORDERS_PER_JOB, flexfactor: ORDERS_PER_JOB },
      tenants: [
        {
          tenantId: CANARIES.flexPortalTenantId,
          apiKey: CANARIES.flexPortalApiKey,
          orders: ORDERS_PER_JOB,
        },
        { ...SECOND_TENANT, orders: ORDERS_PER_JOB },
      ],
      flexfactor: { appKey: CANARIES.flexFactorAppKey, appSecret: CANARIES.flexFactorAppSecret },
    };
    let sandbox: SandboxProcess;
    let databaseName: string;
    let databaseUrl: string;
    let directory: string;
    const workers: RunningCli[] = [];
    const services: ServiceProcess[] = [];

    beforeAll(async () => {
      databaseName = `orderbridge_cluster_${randomBytes(5).toString('hex')}`;
      await admin((client) => client.query(`create database ${databaseName}`));
      const url = new URL(serverUrl as string);
      url.pathname = `/${databaseName}`;
      databaseUrl = url.toString();
      sandbox = await startSandboxProcessWith(sandboxOptions);
      directory = await temporaryDirectory();
    });
    afterAll(async () => {
      for (const worker of workers) worker.child.kill('SIGKILL');
      await Promise.all(services.map((service) => service.stop()));
      await sandbox?.stop();
      if (directory) await rm(directory, { recursive: true, force: true });
      if (databaseName) {
        await admin((client) =>
          client.query(`drop database if exists ${databaseName} with (force)`),
        );
      }
    });

    it('3 workers and 2 replicas, one worker SIGKILLed mid-sync: every job completes once, the stores equal the truth, leases never overlap, the job is resumed, a per-key limit holds across both replicas', async () => {
      const tenantsFile = join(directory, 'tenants.json');
      await writeFile(tenantsFile, JSON.stringify(tenantsDocument(sandbox.settings.url)));
      const env = {
        CLUSTER_FP_KEY_ALPHA: CANARIES.flexPortalApiKey,
        CLUSTER_FP_KEY_BETA: SECOND_TENANT.apiKey,
        CLUSTER_FF_SECRET: CANARIES.flexFactorAppSecret,
      };
      // Migrate once before the workers start, so they do not all wait on the migration lock.
      const store = await createOrderStore({ url: databaseUrl });
      try {
        const queue = createSyncJobQueue(store);
        for (let index = 1; index <= 3; index++) {
          workers.push(
            startCli(
              [
                'worker',
                '--database',
                databaseUrl,
                '--tenants',
                tenantsFile,
                '--interval',
                '1h',
                '--lease-timeout',
                LEASE_TIMEOUT,
                '--worker-id',
                `worker-${index}`,
                '--format',
                'ndjson',
              ],
              { env, cwd: directory, label: `worker-cluster/worker-${index}`, timeoutMs: 240_000 },
            ),
          );
        }

        // Kill a worker once its job has committed a few batches (and before it finishes).
        let victim: { index: number; scope: string; provider: string } | undefined;
        while (victim === undefined) {
          await pause(200);
          for (const job of await queue.jobs()) {
            if (job.leaseOwner === null || job.lastOutcome !== null) continue;
            const state = await store.syncState(job.scope, job.provider);
            if ((state?.progress?.counts.fetched ?? 0) >= 3000) {
              victim = {
                index: Number(job.leaseOwner.replace('worker-', '')) - 1,
                scope: job.scope,
                provider: job.provider,
              };
              break;
            }
          }
        }
        workers[victim.index]!.child.kill('SIGKILL');
        const killed = await workers[victim.index]!.result;
        expect(killed.signal).toBe('SIGKILL');

        // Two replicas on the same database; the second also takes sync jobs.
        const cursorSecret = randomBytes(32).toString('base64url');
        const serviceEnv = {
          ...env,
          ORDERBRIDGE_CURSOR_SECRET: cursorSecret,
          ORDERBRIDGE_DATABASE_URL: databaseUrl,
          LOG_LEVEL: 'info',
        };
        services.push(await startServiceWith(tenantsFile, serviceEnv));
        services.push(
          await startServiceWith(tenantsFile, {
            ...serviceEnv,
            ORDERBRIDGE_WORKER: 'on',
            ORDERBRIDGE_WORKER_INTERVAL_MS: '3600000',
            ORDERBRIDGE_WORKER_LEASE_TIMEOUT_MS: '4000',
          }),
        );

        // Every job completes, once for the cluster (its next run is an hour away).
        while ((await queue.jobs()).some((job) => job.lastOutcome !== 'completed')) {
          await pause(500);
        }
        const survivors = workers.filter((_, index) => index !== victim!.index);
        for (const worker of survivors) worker.child.kill('SIGTERM');
        const results = await Promise.all(survivors.map((worker) => worker.result));
        for (const result of results) expect(result.code, result.stderr).toBe(143);

        const history = await queue.leaseHistory();
        expect(overlappingLeases(history)).toEqual([]);
        const jobs = await queue.jobs();
        expect(jobs).toHaveLength(4);
        for (const job of jobs) {
          const completed = history.filter(
            (lease) =>
              lease.scope === job.scope &&
              lease.provider === job.provider &&
              lease.outcome === 'completed',
          );
          expect(completed, `${job.scope}/${job.provider}`).toHaveLength(1);
        }

        // The killed worker's lease expired; the next one went to another worker, which resumed.
        const victimId = `worker-${victim.index + 1}`;
        const ofJob = history.filter(
          (lease) => lease.scope === victim!.scope && lease.provider === victim!.provider,
        );
        const dead = ofJob.find((lease) => lease.workerId === victimId) as SyncJobLeaseRecord;
        expect(dead).toMatchObject({ releasedAt: null, outcome: null });
        expect(dead.expiredAt).not.toBeNull();
        const next = ofJob.find((lease) => lease.generation === dead.generation + 1);
        expect(next?.workerId).toBeDefined();
        expect(next?.workerId).not.toBe(victimId);
        const outputs = [
          ...results.map((result) => result.stdout),
          ...services.map((service) => service.output.join('\n')),
        ];
        const starts = outputs.flatMap((output) => jsonLines(output));
        expect(
          starts.some(
            (line) =>
              line.job === `${victim!.scope}/${victim!.provider}` &&
              line.generation === next?.generation &&
              line.resumed === true,
          ),
          'the job-start line of the next lease says "resumed"',
        ).toBe(true);

        const truth = await truthOf(sandboxOptions);
        for (const [scope, orders] of Object.entries(truth)) {
          await expectScopeEquals(store, scope, orders);
        }
        // Beta's key, alternating between the two replicas: the limit holds for both together
        // (a window of 60 s starts with the first request; the burst takes a few seconds).
        const statuses: Array<{ replica: number; status: number }> = [];
        for (let index = 0; index < BETA_REQUESTS_PER_MINUTE * 2; index++) {
          const replica = index % 2;
          const response = await services[replica]!.get(
            '/v1/reports/revenue?by=month',
            TENANT_KEYS.beta,
          );
          await response.arrayBuffer();
          statuses.push({ replica, status: response.status });
        }
        const allowed = statuses.filter((entry) => entry.status === 200);
        expect(allowed).toHaveLength(BETA_REQUESTS_PER_MINUTE);
        expect(statuses.filter((entry) => entry.status === 429)).toHaveLength(
          BETA_REQUESTS_PER_MINUTE,
        );
        // Each replica answered some of the allowed requests: neither kept a budget of its own.
        expect(new Set(allowed.map((entry) => entry.replica)).size).toBe(2);
      } finally {
        await store.close();
      }
    }, 240_000);
  });
}

function tenantsDocument(sandboxUrl: string) {
  const sha256 = (key: string) => createHash('sha256').update(key).digest('hex');
  const flexfactor = {
    type: 'flexfactor',
    appKey: CANARIES.flexFactorAppKey,
    appSecret: { env: 'CLUSTER_FF_SECRET' },
    baseUrl: `${sandboxUrl}/flexfactor/v1/`,
  };
  const flexportal = (tenantId: string, variable: string) => ({
    type: 'flexportal',
    apiKey: { env: variable },
    tenantId,
    baseUrl: `${sandboxUrl}/flexportal`,
  });
  return {
    tenants: [
      {
        id: 'alpha',
        apiKeys: [{ id: 'suite', sha256: sha256(TENANT_KEYS.alpha) }],
        providers: [flexportal(CANARIES.flexPortalTenantId, 'CLUSTER_FP_KEY_ALPHA'), flexfactor],
      },
      {
        id: 'beta',
        apiKeys: [{ id: 'suite', sha256: sha256(TENANT_KEYS.beta) }],
        providers: [flexportal(SECOND_TENANT.tenantId, 'CLUSTER_FP_KEY_BETA'), flexfactor],
        rateLimit: { requestsPerMinute: BETA_REQUESTS_PER_MINUTE },
      },
    ],
  };
}

/** Each tenant's orders: its FlexPortal tenant and the shared FlexFactor account, mapped. */
async function truthOf(options: SandboxOptions): Promise<Record<string, Order[]>> {
  // The same options give the same data in any process.
  const sandbox: Sandbox = await startSandbox(options);
  try {
    const flexfactor = flexFactorTruth(sandbox).orders;
    const flexportal = (tenantId: string) =>
      sandbox.flexportal.store
        .list(tenantId)
        .map(
          (wire) =>
            mapFlexPortalOrder(wire, { provider: 'flexportal', statusMap: flexPortalStatusMap })
              .value,
        );
    return {
      alpha: [...flexportal(CANARIES.flexPortalTenantId), ...flexfactor],
      beta: [...flexportal(SECOND_TENANT.tenantId), ...flexfactor],
    };
  } finally {
    await sandbox.close();
  }
}

async function expectScopeEquals(store: OrderStore, scope: string, truth: readonly Order[]) {
  const stored = await storedOrders(store, scope);
  expect(stored.size, scope).toBe(truth.length);
  const differing = truth
    .filter((order) => {
      const copy = stored.get(order.key);
      return !copy || JSON.stringify(sortKeys(copy)) !== JSON.stringify(sortKeys(order));
    })
    .map((order) => order.key);
  expect(differing.slice(0, 10), scope).toEqual([]);
}

function jsonLines(output: string): Array<Record<string, unknown>> {
  return output.split('\n').flatMap((line) => {
    if (!line.startsWith('{')) return [];
    try {
      return [JSON.parse(line) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}

async function admin(use: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await use(client);
  } finally {
    await client.end();
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The value with every object's keys in order, so two equal orders stringify the same. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort())
    sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
  return sorted;
}
