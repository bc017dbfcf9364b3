import { type Kysely, sql } from 'kysely';
import { KyselyOrderStore } from '../kysely-order-store.js';
import type { OrderStore, StoreScope } from '../order-store.js';
import type { StoreDatabase } from '../schema/store-database.js';
import type { StoreFence } from './store-fence.js';

/** A sync job: one provider in one scope. */
export interface SyncJobKey {
  scope: StoreScope;
  provider: string;
}

/** A lease a worker holds on a sync job. */
export interface SyncJobLease extends SyncJobKey {
  workerId: string;
  /** The fencing token: grows by one with every lease granted on the job. */
  generation: number;
  /** ISO 8601 UTC, by the database's clock. */
  expiresAt: string;
  /** Whether the previous lease on the job had expired without a release (its worker died). */
  tookOverExpired: boolean;
}

/** How a leased run ended, for `release`. */
export type SyncJobOutcome = 'completed' | 'failed' | 'interrupted';

/** One lease of the history (`sync_job_leases`). */
export interface SyncJobLeaseRecord extends SyncJobKey {
  generation: number;
  workerId: string;
  acquiredAt: string;
  /** When the worker released it; null while held, or when it expired. */
  releasedAt: string | null;
  /** When it had expired, recorded by the worker that took the job over; null otherwise. */
  expiredAt: string | null;
  outcome: SyncJobOutcome | null;
}

/** A job's schedule and lease, as `jobs()` reports it. */
export interface SyncJobState extends SyncJobKey {
  intervalMs: number;
  dueAt: string | null;
  leaseOwner: string | null;
  leaseGeneration: number;
  leaseExpiresAt: string | null;
  lastStartedAt: string | null;
  lastFinishedAt: string | null;
  lastOutcome: SyncJobOutcome | null;
}

/**
 * The sync job queue: (scope, provider) jobs with leases, in the store's PostgreSQL database
 * (`sync_jobs`, `sync_job_leases`, migration 0006). Every time is the database's clock.
 */
export interface SyncJobQueue {
  /**
   * Registers jobs (idempotent, so every worker registers what it can run): a new job is due now;
   * an existing one keeps its schedule — the cluster's, not this worker's — and with a shorter
   * interval becomes due no later than its last finish plus that interval.
   */
  register(jobs: readonly SyncJobKey[], intervalMs: number): Promise<void>;
  /**
   * Takes one due job among `among` that nobody holds, or whose lease expired, with
   * `FOR UPDATE SKIP LOCKED` (workers never wait on each other). The lease's generation is the
   * job's previous one plus one. Null when no job is free.
   */
  acquire(
    workerId: string,
    among: readonly SyncJobKey[],
    leaseMs: number,
  ): Promise<SyncJobLease | null>;
  /** Extends a lease (heartbeat); false when the lease is no longer this one (it was taken over). */
  renew(lease: SyncJobLease, leaseMs: number): Promise<boolean>;
  /**
   * Gives a lease back and schedules the job: `completed` — due again after its interval; `failed` — due again after `retryMs`; `interrupted` — due now, so another worker
   * resumes it at once. Does nothing when the lease is no longer current.
   */
  release(lease: SyncJobLease, outcome: SyncJobOutcome, retryMs: number): Promise<void>;
  /** The store with every sync write fenced by the lease (see `StoreFence`). */
  fencedStore(lease: SyncJobLease): OrderStore;
  /** Every job's schedule and lease, by scope and provider. */
  jobs(): Promise<SyncJobState[]>;
  /** Every lease granted, oldest first per job. */
  leaseHistory(): Promise<SyncJobLeaseRecord[]>;
}

/**
 * The job queue over a store opened with `createOrderStore` on PostgreSQL.
 * @throws TypeError for a SQLite store (one process needs no leases: `orderbridge sync --watch`).
 */
export function createSyncJobQueue(store: OrderStore): SyncJobQueue {
  if (!(store instanceof KyselyOrderStore) || store.dialect !== 'postgres') {
    throw new TypeError(
      'Sync workers need PostgreSQL: open the store with a postgres:// URL (one process on SQLite: orderbridge sync --watch)',
    );
  }
  return new PostgresSyncJobQueue(store, store.reportDatabase);
}

interface JobRow {
  scope: string;
  provider: string;
  interval_ms: number;
  due_at: Date | null;
  lease_owner: string | null;
  lease_generation: number;
  lease_expires_at: Date | null;
  last_started_at: Date | null;
  last_finished_at: Date | null;
  last_outcome: string | null;
}

const iso = (value: Date | null): string | null => (value === null ? null : value.toISOString());

/** Both columns of a set of jobs, as two parallel text arrays for `unnest`. */
function keyArrays(jobs: readonly SyncJobKey[]): [string[], string[]] {
  return [jobs.map((job) => job.scope), jobs.map((job) => job.provider)];
}

class PostgresSyncJobQueue implements SyncJobQueue {
  readonly #store: KyselyOrderStore;
  readonly #db: Kysely<StoreDatabase>;

  constructor(store: KyselyOrderStore, db: Kysely<StoreDatabase>) {
    this.#store = store;
    this.#db = db;
  }

  async register(jobs: readonly SyncJobKey[], intervalMs: number): Promise<void> {
    if (jobs.length === 0) return;
    const [scopes, providers] = keyArrays(jobs);
    await sql`
      insert into sync_jobs (scope, provider, interval_ms, due_at)
      select scope, provider, ${intervalMs}::bigint, now()
      from unnest(${scopes}::text[], ${providers}::text[]) as job(scope, provider)
      on conflict (scope, provider) do update set
        interval_ms = excluded.interval_ms,
        due_at = least(
          sync_jobs.due_at,
          coalesce(sync_jobs.last_finished_at, now()) + excluded.interval_ms * interval '1 millisecond'
        )`.execute(this.#db);
  }

  async acquire(
    workerId: string,
    among: readonly SyncJobKey[],
    leaseMs: number,
  ): Promise<SyncJobLease | null> {
    if (among.length === 0) return null;
    const [scopes, providers] = keyArrays(among);
    return this.#db.transaction().execute(async (trx) => {
      const { rows } = await sql<JobRow & { now: Date }>`
        select sync_jobs.*, now() as now from sync_jobs
        join unnest(${scopes}::text[], ${providers}::text[]) as wanted(scope, provider)
          using (scope, provider)
        where due_at <= now() and (lease_owner is null or lease_expires_at < now())
        order by due_at
        limit 1
        for update of sync_jobs skip locked`.execute(trx);
      const job = rows[0];
      if (job === undefined) return null;
      const generation = job.lease_generation + 1;
      const tookOverExpired = job.lease_owner !== null;
      if (tookOverExpired) {
        // The previous holder never released it: its lease ended when it expired.
        await sql`
          update sync_job_leases set expired_at = ${job.lease_expires_at}
          where scope = ${job.scope} and provider = ${job.provider}
            and generation = ${job.lease_generation}`.execute(trx);
      }
      const { rows: updated } = await sql<{ expires_at: Date }>`
        update sync_jobs set
          lease_owner = ${workerId},
          lease_generation = ${generation},
          lease_expires_at = now() + ${leaseMs} * interval '1 millisecond',
          last_started_at = now()
        where scope = ${job.scope} and provider = ${job.provider}
        returning lease_expires_at as expires_at`.execute(trx);
      await sql`
        insert into sync_job_leases (scope, provider, generation, worker_id, acquired_at)
        values (${job.scope}, ${job.provider}, ${generation}, ${workerId}, now())`.execute(trx);
      return {
        scope: job.scope,
        provider: job.provider,
        workerId,
        generation,
        expiresAt: (updated[0]?.expires_at ?? job.now).toISOString(),
        tookOverExpired,
      };
    });
  }

  async renew(lease: SyncJobLease, leaseMs: number): Promise<boolean> {
    const { rows } = await sql<{ expires_at: Date }>`
      update sync_jobs set lease_expires_at = now() + ${leaseMs} * interval '1 millisecond'
      where scope = ${lease.scope} and provider = ${lease.provider}
        and lease_generation = ${lease.generation} and lease_owner = ${lease.workerId}
      returning lease_expires_at as expires_at`.execute(this.#db);
    const renewed = rows[0];
    if (renewed === undefined) return false;
    lease.expiresAt = renewed.expires_at.toISOString();
    return true;
  }

  async release(lease: SyncJobLease, outcome: SyncJobOutcome, retryMs: number): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ scope: string }>`
        update sync_jobs set
          lease_owner = null,
          lease_expires_at = null,
          last_outcome = ${outcome},
          last_finished_at = case when ${outcome} = 'interrupted' then last_finished_at else now() end,
          due_at = case ${outcome}
            when 'completed' then now() + interval_ms * interval '1 millisecond'
            when 'failed' then now() + ${retryMs} * interval '1 millisecond'
            else due_at
          end
        where scope = ${lease.scope} and provider = ${lease.provider}
          and lease_generation = ${lease.generation} and lease_owner = ${lease.workerId}
        returning scope`.execute(trx);
      if (rows.length === 0) return;
      await sql`
        update sync_job_leases set released_at = now(), outcome = ${outcome}
        where scope = ${lease.scope} and provider = ${lease.provider}
          and generation = ${lease.generation}`.execute(trx);
    });
  }

  fencedStore(lease: SyncJobLease): OrderStore {
    const fence: StoreFence = {
      scope: lease.scope,
      provider: lease.provider,
      generation: lease.generation,
    };
    return this.#store.withFence(fence);
  }

  async jobs(): Promise<SyncJobState[]> {
    const { rows } = await sql<JobRow>`
      select * from sync_jobs order by scope, provider`.execute(this.#db);
    return rows.map((row) => ({
      scope: row.scope,
      provider: row.provider,
      intervalMs: row.interval_ms,
      dueAt: iso(row.due_at),
      leaseOwner: row.lease_owner,
      leaseGeneration: row.lease_generation,
      leaseExpiresAt: iso(row.lease_expires_at),
      lastStartedAt: iso(row.last_started_at),
      lastFinishedAt: iso(row.last_finished_at),
      lastOutcome: row.last_outcome as SyncJobOutcome | null,
    }));
  }

  async leaseHistory(): Promise<SyncJobLeaseRecord[]> {
    const { rows } = await sql<{
      scope: string;
      provider: string;
      generation: number;
      worker_id: string;
      acquired_at: Date;
      released_at: Date | null;
      expired_at: Date | null;
      outcome: string | null;
    }>`select * from sync_job_leases order by scope, provider, generation`.execute(this.#db);
    return rows.map((row) => ({
      scope: row.scope,
      provider: row.provider,
      generation: row.generation,
      workerId: row.worker_id,
      acquiredAt: row.acquired_at.toISOString(),
      releasedAt: iso(row.released_at),
      expiredAt: iso(row.expired_at),
      outcome: row.outcome as SyncJobOutcome | null,
    }));
  }
}

/**
 * Pairs of leases on the same job whose intervals overlap, from a lease history: a lease lasts from
 * `acquiredAt` to `releasedAt`, or to `expiredAt` when its worker never released it; one still
 * held (neither) lasts until now. Empty when exactly one worker held each job at any time.
 */
export function overlappingLeases(history: readonly SyncJobLeaseRecord[]): string[] {
  const byJob = new Map<string, SyncJobLeaseRecord[]>();
  for (const lease of history) {
    const key = `${lease.scope}/${lease.provider}`;
    byJob.set(key, [...(byJob.get(key) ?? []), lease]);
  }
  const problems: string[] = [];
  for (const [job, leases] of byJob) {
    const sorted = [...leases].sort((a, b) => a.generation - b.generation);
    for (let index = 1; index < sorted.length; index++) {
      const before = sorted[index - 1] as SyncJobLeaseRecord;
      const after = sorted[index] as SyncJobLeaseRecord;
      const end = before.releasedAt ?? before.expiredAt;
      if (end === null || Date.parse(end) > Date.parse(after.acquiredAt)) {
        problems.push(
          `${job}: lease ${after.generation} (${after.workerId}, from ${after.acquiredAt}) overlaps lease ${before.generation} (${before.workerId}, until ${end ?? 'still held'})`,
        );
      }
    }
  }
  return problems;
}
