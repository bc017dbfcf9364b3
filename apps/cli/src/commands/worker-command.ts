import { Command } from 'commander';
import type { ActionFactory } from './action.js';

/** Flags of `worker`. */
export interface WorkerFlags {
  /** `--database postgres://…` (PostgreSQL only). */
  database?: string | undefined;
  /** `--tenants FILE`: the service's tenants file; each tenant syncs into its store scope. */
  tenants?: string | undefined;
  /** `--interval 5m`: time between two runs of a job, for the whole cluster. */
  interval?: string | undefined;
  /** `--concurrency N`: jobs at once in this worker. */
  concurrency?: string | undefined;
  /** `--worker-id NAME` (default host:pid). */
  workerId?: string | undefined;
  /** `--lease-timeout 30s`. */
  leaseTimeout?: string | undefined;
  /** `--format text|ndjson`: one line per job start and finish. */
  format?: string | undefined;
  /** `--no-webhooks` sets this false: the worker then does not deliver outgoing webhooks. */
  webhooks?: boolean | undefined;
}

/** `orderbridge worker`. */
export function createWorkerCommand(action: ActionFactory): Command {
  const command = new Command('worker')
    .description(
      'Run sync jobs from the PostgreSQL job queue, next to any number of other workers: each (tenant, provider) sync runs on exactly one worker at a time.',
    )
    .option(
      '--database <url>',
      "PostgreSQL store URL, postgres://user@host/db (default: $ORDERBRIDGE_DATABASE_URL, else the config file's defaults.database)",
    )
    .option(
      '--tenants <file>',
      "the service's tenants file: every tenant's providers sync into its store scope (storeScope, else its id); without it, the configured providers into the scope default",
    )
    .option(
      '--interval <duration>',
      'time between two runs of a job, for the whole cluster (default 5m)',
    )
    .option('--concurrency <n>', 'jobs this worker runs at once (default 1)')
    .option('--worker-id <name>', 'this worker in leases and logs (default host:pid)')
    .option(
      '--lease-timeout <duration>',
      'a job whose worker stops renewing its lease is taken over after this long (default 30s; renewed every third of it)',
    )
    .option('--format <format>', 'log lines as text or ndjson (default text)')
    .option(
      '--no-webhooks',
      "do not deliver outgoing webhooks from the store's outbox (by default every worker delivers; leases keep two processes from sending one delivery)",
    );
  command.addHelpText(
    'after',
    `
Jobs and leases: every (scope, provider) is a job row in the store's database. A worker takes a
due job with SELECT … FOR UPDATE SKIP LOCKED, holds a lease on it renewed by heartbeat, and writes
each batch only while its lease generation is still the job's (checked in the batch's own
transaction). A worker that dies loses its lease after --lease-timeout; another worker takes the
job and resumes from the last committed batch. A job's next run is due --interval after its last
run finished, whichever worker ran it.

Outgoing webhooks: every worker also delivers the store's outbox (signed, retried, leased per
delivery like jobs; see docs/webhooks.md) unless --no-webhooks is given. Receivers on http or on
loopback addresses are refused unless ORDERBRIDGE_WEBHOOK_ALLOW_HTTP_LOOPBACK=true (development).

Ctrl-C or SIGTERM: each running job commits the batch in hand and releases its lease (the job is
due at once for another worker), then the worker exits.

Exit codes: 2 usage or configuration error (also: a SQLite store — workers need PostgreSQL;
use "orderbridge sync --watch" for one process), 1 the database could not be used,
130 stopped by Ctrl-C (SIGINT), 143 stopped by SIGTERM.

See docs/workers.md for the lease semantics and the failure behaviour.

Examples:
  $ orderbridge worker --database postgres://orderbridge@127.0.0.1/orders
  $ orderbridge worker --database postgres://orderbridge@127.0.0.1/orders --tenants tenants.json --concurrency 2
  $ orderbridge worker --interval 1m --lease-timeout 20s --worker-id sync-a`,
  );
  command.action(
    action(async (context, flags: WorkerFlags) => {
      const { runWorker } = await import('./worker.js');
      await runWorker(context, flags);
    }),
  );
  return command;
}
