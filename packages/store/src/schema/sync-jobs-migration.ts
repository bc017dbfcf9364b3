import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { StoreDialect } from './store-migrations.js';

/**
 * 0006: the sync job queue of `orderbridge worker` (PostgreSQL only; see `jobs/`).
 * - `sync_jobs`: one row per (scope, provider) job — when it is next due, its lease (owner,
 *   generation, expiry) and its last outcome. Lease times are the database's clock (`now()`), so
 *   workers on machines with skewed clocks agree on who holds a lease.
 * - `sync_job_leases`: one row per lease ever granted (the generation, the worker, when it was
 *   acquired, released or found expired), so an operator or a test can see who ran what when.
 * On SQLite the migration does nothing: a single process needs no leases (`orderbridge sync --watch`).
 */
export function syncJobsMigration(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (dialect !== 'postgres') return;
      await sql`
        create table sync_jobs (
          scope text not null,
          provider text not null,
          interval_ms bigint not null,
          due_at timestamptz,
          lease_owner text,
          lease_generation bigint not null default 0,
          lease_expires_at timestamptz,
          last_started_at timestamptz,
          last_finished_at timestamptz,
          last_outcome text,
          constraint sync_jobs_pkey primary key (scope, provider)
        )`.execute(db);
      await sql`create index sync_jobs_due on sync_jobs (due_at)`.execute(db);
      await sql`
        create table sync_job_leases (
          scope text not null,
          provider text not null,
          generation bigint not null,
          worker_id text not null,
          acquired_at timestamptz not null,
          released_at timestamptz,
          expired_at timestamptz,
          outcome text,
          constraint sync_job_leases_pkey primary key (scope, provider, generation)
        )`.execute(db);
    },
  };
}
