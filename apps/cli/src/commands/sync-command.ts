import { Command } from 'commander';
import type { ActionFactory } from './action.js';

/** Flags of `sync`. */
export interface SyncFlags {
  /** `--provider a,b`. */
  provider?: string[] | undefined;
  /** `--full`: a full sweep now. */
  full?: boolean | undefined;
  /** `--database URL`. */
  database?: string | undefined;
  /** `--watch`: sync again every `--interval` until interrupted. */
  watch?: boolean | undefined;
  /** `--interval 5m`. */
  interval?: string | undefined;
  /** `--lookback 30d`: window of providers synced by creation date (FlexFactor). */
  lookback?: string | undefined;
  /** `--full-sweep-every 7d`. */
  fullSweepEvery?: string | undefined;
  /** `--format table|json|ndjson`. */
  format?: string | undefined;
}

/** Flags of `sync status` and `db migrate|status`. */
export interface StoreFlags {
  database?: string | undefined;
  format?: string | undefined;
}

const collectList = (value: string, previous: string[] | undefined) => [
  ...(previous ?? []),
  ...value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== ''),
];

/** Help of `--database`, for every command that reads or writes the store. */
export const DATABASE_HELP =
  "order store URL: sqlite:./orderbridge.db (default), sqlite::memory:, postgres://user@host/db (default: $ORDERBRIDGE_DATABASE_URL, else the config file's defaults.database)";

/** `orderbridge sync` and `orderbridge sync status`. */
export function createSyncCommand(action: ActionFactory): Command {
  const command = new Command('sync')
    .description(
      'Copy orders from every configured provider into the order store, incrementally: only what changed since the last run.',
    )
    .option(
      '--provider <ids>',
      'only these provider ids (comma-separated, repeatable)',
      collectList,
    )
    .option('--full', 'a full sweep now: read every order and mark the ones gone as vanished')
    .option('--database <url>', DATABASE_HELP)
    .option('--watch', 'keep syncing every --interval until Ctrl-C or SIGTERM')
    .option('--interval <duration>', 'time between runs with --watch (default 5m)')
    .option(
      '--lookback <duration>',
      "for providers without a change time (FlexFactor): re-read orders created this long ago (default: the provider's, 30d)",
    )
    .option(
      '--full-sweep-every <duration>',
      'a run is a full sweep when the last one is older than this (default 7d; 0s: only with --full)',
    )
    .option(
      '--format <format>',
      'summary as table, json or ndjson (default: table on a terminal, else ndjson)',
    );
  command.addHelpText(
    'after',
    `
How each provider is synced:
  change time   FlexPortal lists orders by updatedAt, newest first; a run stops once it is past
                the last run's start (minus 10 minutes of overlap).
  lookback      FlexFactor has no change time; a run re-reads the orders created in the last
                30 days (--lookback), where statuses still move.
  full sweep    the first run, --full, a provider that declares neither, and every
                --full-sweep-every: reads everything; orders no longer listed are marked vanished.

Each page is written in one transaction together with the run's position, so an interrupted
or killed run resumes where it stopped, and every order change is logged exactly once.

Exit codes: 0 every provider synced, 1 a provider failed (the others are still synced),
2 usage or configuration error, 130 interrupted (the next run resumes).

Examples:
  $ orderbridge sync
  $ orderbridge sync --provider flexportal --full
  $ orderbridge sync --watch --interval 5m
  $ ORDERBRIDGE_DATABASE_URL=postgres://orderbridge@127.0.0.1/orders orderbridge sync
  $ orderbridge sync status`,
  );
  command.action(
    action(async (context, flags: SyncFlags) => {
      const { runSync } = await import('./sync.js');
      await runSync(context, flags);
    }),
  );
  const status = storeCommand(
    'status',
    'Per provider: last run, watermark, orders stored and how old the data is.',
  ).action(
    action(async (context, flags: StoreFlags) => {
      const { runSyncStatus } = await import('./sync.js');
      await runSyncStatus(context, flags);
    }),
  );
  command.addCommand(status);
  return command;
}

/** `orderbridge db migrate` and `orderbridge db status`. */
export function createDbCommand(action: ActionFactory): Command {
  const command = new Command('db').description(
    'Order store schema: apply migrations, show which are applied.',
  );
  command.addHelpText(
    'after',
    `
Every command that opens the store applies pending migrations itself; "db migrate" lets an
operator do it ahead of a deploy, and "db status" shows what is applied.

Examples:
  $ orderbridge db status
  $ orderbridge db migrate --database postgres://orderbridge@127.0.0.1/orders`,
  );
  command.addCommand(
    storeCommand('migrate', 'Apply pending migrations and list the ones applied.').action(
      action(async (context, flags: StoreFlags) => {
        const { runDbMigrate } = await import('./db.js');
        await runDbMigrate(context, flags);
      }),
    ),
  );
  command.addCommand(
    storeCommand('status', 'List every migration, applied or pending.').action(
      action(async (context, flags: StoreFlags) => {
        const { runDbStatus } = await import('./db.js');
        await runDbStatus(context, flags);
      }),
    ),
  );
  return command;
}

/** A command that reads the store and prints records: `--database` and `--format`. */
function storeCommand(name: string, description: string): Command {
  return new Command(name)
    .description(description)
    .option('--database <url>', DATABASE_HELP)
    .option(
      '--format <format>',
      'table, json or ndjson (default: table on a terminal, else ndjson)',
    );
}
