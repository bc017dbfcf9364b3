import { createMemoryProvider, makeOrder } from '@orderbridge/testkit';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrderStore } from '../create-order-store.js';
import type { OrderStore, SyncProgress } from '../order-store.js';
import { emptyCounts } from '../sync/sync-orders.js';
import {
  createPostgresTestDatabase,
  type PostgresTestDatabase,
} from '../test-support/postgres-test-database.js';
import { LeaseLostError } from './lease-lost-error.js';
import { runSyncWorker, type SyncWorkerEvent } from './run-sync-worker.js';
import { createSyncJobQueue, overlappingLeases } from './sync-job-queue.js';

// Runs when a PostgreSQL server is given (`.ci/run` starts one: scripts/test-postgres.sh).
const serverUrl = process.env.ORDERBRIDGE_TEST_DATABASE_URL;
const HOUR = 3_600_000;

function progress(runId: string): SyncProgress {
  return {
    runId,
    mode: 'full',
    startedAt: '2025-06-01T00:00:00.000Z',
    cursor: null,
    query: {} as SyncProgress['query'],
    counts: emptyCounts(),
    requests: 0,
  };
}

/** Makes a lease look expired without waiting for it (the database's clock decides expiry). */
async function expireLeases(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`update sync_jobs set lease_expires_at = now() - interval '1 second'`);
  } finally {
    await client.end();
  }
}

describe.skipIf(serverUrl === undefined)('sync job queue (PostgreSQL)', () => {
  let database: PostgresTestDatabase;
  let url: string;
  let store: OrderStore;
  beforeAll(async () => {
    database = await createPostgresTestDatabase(serverUrl as string);
    url = await database.newStoreUrl();
    store = await createOrderStore({ url });
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  it('grants one lease per job; an expired lease is taken over with the next generation and the fence refuses the old holder', async () => {
    const queue = createSyncJobQueue(store);
    const job = { scope: 'tenant-a', provider: 'shop' };
    await queue.register([job], HOUR);
    const first = await queue.acquire('worker-1', [job], 60_000);
    expect(first).toMatchObject({
      ...job,
      workerId: 'worker-1',
      generation: 1,
      tookOverExpired: false,
    });
    expect(await queue.acquire('worker-2', [job], 60_000)).toBeNull();
    expect(await queue.renew(first!, 60_000)).toBe(true);

    const fencedOld = queue.fencedStore(first!);
    await fencedOld.beginRun(job.scope, job.provider, progress('run-1'));

    await expireLeases(url);
    const second = await queue.acquire('worker-2', [job], 60_000);
    expect(second).toMatchObject({ workerId: 'worker-2', generation: 2, tookOverExpired: true });
    expect(await queue.renew(first!, 60_000)).toBe(false);

    const order = makeOrder('shop', 'o1', { createdAt: '2025-06-01T00:00:00Z' });
    await expect(
      fencedOld.applyBatch({
        scope: job.scope,
        provider: job.provider,
        runId: 'run-1',
        observedAt: '2025-06-01T00:00:01.000Z',
        orders: [order],
        progress: progress('run-1'),
      }),
    ).rejects.toSatisfy(LeaseLostError.isInstance);
    expect(await store.countOrders(job.scope)).toBe(0);
    await expect(
      fencedOld.failRun(job.scope, job.provider, { message: 'late', code: null }),
    ).rejects.toSatisfy(LeaseLostError.isInstance);

    const fencedNew = queue.fencedStore(second!);
    const applied = await fencedNew.applyBatch({
      scope: job.scope,
      provider: job.provider,
      runId: 'run-1',
      observedAt: '2025-06-01T00:00:01.000Z',
      orders: [order],
      progress: progress('run-1'),
    });
    expect(applied.created).toBe(1);
    // The old holder's release changes nothing; the new holder's schedules the next run.
    await queue.release(first!, 'completed', 1000);
    expect((await queue.jobs())[0]).toMatchObject({ leaseOwner: 'worker-2', leaseGeneration: 2 });
    await queue.release(second!, 'completed', 1000);
    const [state] = await queue.jobs();
    expect(state).toMatchObject({ leaseOwner: null, lastOutcome: 'completed', intervalMs: HOUR });
    expect(Date.parse(state!.dueAt!)).toBeGreaterThan(Date.parse(state!.lastFinishedAt!));
    // Not due until its interval has passed, for any worker.
    expect(await queue.acquire('worker-3', [job], 60_000)).toBeNull();

    const history = (await queue.leaseHistory()).filter((lease) => lease.scope === 'tenant-a');
    expect(history.map((lease) => [lease.generation, lease.workerId, lease.outcome])).toEqual([
      [1, 'worker-1', null],
      [2, 'worker-2', 'completed'],
    ]);
    expect(history[0]!.expiredAt).not.toBeNull();
    expect(overlappingLeases(history)).toEqual([]);
  });

  it('an interrupted run stays due, a failed one is due after the retry delay', async () => {
    const queue = createSyncJobQueue(store);
    const job = { scope: 'tenant-b', provider: 'shop' };
    await queue.register([job], HOUR);
    const lease = await queue.acquire('worker-1', [job], 60_000);
    await queue.release(lease!, 'interrupted', 1000);
    const again = await queue.acquire('worker-2', [job], 60_000);
    expect(again).toMatchObject({ generation: 2, tookOverExpired: false });
    await queue.release(again!, 'failed', HOUR);
    expect(await queue.acquire('worker-1', [job], 60_000)).toBeNull();
    expect((await queue.jobs()).find((row) => row.scope === 'tenant-b')).toMatchObject({
      lastOutcome: 'failed',
    });
  });

  it('two workers share the jobs: each runs once per interval, the stores hold every order, leases never overlap', async () => {
    const scopes = ['w1', 'w2', 'w3'];
    const providerFor = () =>
      createMemoryProvider(
        Array.from({ length: 60 }, (_, index) =>
          makeOrder('shop', `o${index}`, {
            createdAt: new Date(Date.parse('2025-01-01T00:00:00Z') + index * HOUR).toISOString(),
          }),
        ),
        { id: 'shop', capabilities: { maxPageSize: 10, defaultPageSize: 10 } },
      );
    const controller = new AbortController();
    const events: SyncWorkerEvent[] = [];
    const other = await createOrderStore({ url });
    const workers = ['worker-a', 'worker-b'].map((workerId, index) =>
      runSyncWorker({
        store: index === 0 ? store : other,
        jobs: scopes.map((scope) => ({ scope, provider: providerFor() })),
        workerId,
        intervalMs: HOUR,
        pollMs: 20,
        signal: controller.signal,
        onEvent: (event) => events.push(event),
      }),
    );
    const queue = createSyncJobQueue(store);
    const finished = async () =>
      (await queue.jobs()).filter(
        (job) => scopes.includes(job.scope) && job.lastOutcome === 'completed',
      ).length;
    while ((await finished()) < scopes.length)
      await new Promise((resolve) => setTimeout(resolve, 20));
    controller.abort();
    await Promise.all(workers);
    await other.close();

    expect(events.filter((event) => event.type === 'error')).toEqual([]);
    const ends = events.filter((event) => event.type === 'job-end');
    // Once per job for the cluster, not once per worker.
    expect(ends.map((event) => event.lease.scope).sort()).toEqual(scopes);
    for (const scope of scopes) expect(await store.countOrders(scope)).toBe(60);
    const history = (await queue.leaseHistory()).filter((lease) => scopes.includes(lease.scope));
    expect(history).toHaveLength(scopes.length);
    expect(overlappingLeases(history)).toEqual([]);
  });

  it('refuses a SQLite store', async () => {
    const sqlite = await createOrderStore({ url: 'sqlite::memory:' });
    try {
      expect(() => createSyncJobQueue(sqlite)).toThrow(/need PostgreSQL/);
    } finally {
      await sqlite.close();
    }
  });
});
