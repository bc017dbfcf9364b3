import { Command } from 'commander';
import { collectList } from '../query/integer-flag.js';
import type { ActionFactory } from './action.js';
import { DATABASE_HELP } from './sync-command.js';

/** Flags of `orderbridge changes`. */
export interface ChangesFlags {
  /** `--since SEQ`: entries with a greater sequence number (default 0). */
  since?: string | undefined;
  /** `--follow`: keep polling for new entries until interrupted. */
  follow?: boolean | undefined;
  /** `--interval 1s`: time between polls with `--follow`. */
  interval?: string | undefined;
  /** `--provider a,b`. */
  provider?: string[] | undefined;
  /** `--kind created,updated`. */
  kind?: string[] | undefined;
  /** `--limit N`: stop after this many entries. */
  limit?: string | undefined;
  /** `--database URL`. */
  database?: string | undefined;
  /** `--scope NAME` (default `default`). */
  scope?: string | undefined;
}

/** `orderbridge changes`: the store's change log as NDJSON. */
export function createChangesCommand(action: ActionFactory): Command {
  const command = new Command('changes')
    .description(
      "Print the order store's change log (orders created, updated, vanished) as NDJSON, oldest first.",
    )
    .option(
      '--since <seq>',
      'only entries with a sequence number greater than this (default 0: from the start)',
    )
    .option('--follow', 'after the last entry, keep waiting for new ones until Ctrl-C (exit 130)')
    .option('--interval <duration>', 'time between polls with --follow (default 1s)')
    .option(
      '--provider <ids>',
      'only these provider ids (comma-separated, repeatable)',
      collectList,
    )
    .option(
      '--kind <kinds>',
      'only these kinds: created, updated, vanished (comma-separated, repeatable)',
      collectList,
    )
    .option('--limit <n>', 'stop after this many entries (with or without --follow)')
    .option('--database <url>', DATABASE_HELP)
    .option('--scope <name>', 'the store scope (a service tenant) to read (default: default)');
  command.addHelpText(
    'after',
    `
Each line is one entry: {"seq":…,"scope":…,"key":…,"provider":…,"kind":…,"diff":…,
"observedAt":…,"runId":…}. "diff" says what an update changed (statuses, totals, fulfilment as
from/to, and every changed field's name); it is null for created and vanished entries.

Sequence numbers grow in commit order, so a reader that remembers the last seq it printed and
continues with --since that seq misses nothing and repeats nothing; --follow does exactly that
between polls. When it stops, the command notes on stderr the --since to continue with.

Examples:
  $ orderbridge changes
  $ orderbridge changes --since 1200 --kind updated,vanished
  $ orderbridge changes --follow --provider flexportal | jq -c 'select(.diff.status)'
  $ orderbridge changes --database postgres://orderbridge@db/orders --scope acme --limit 50`,
  );
  return command.action(
    action(async (context, flags: ChangesFlags) => {
      const { runChanges } = await import('./changes.js');
      await runChanges(context, flags);
    }),
  );
}
