import { Command } from 'commander';
import { EXPORT_FORMATS } from '../export/export-format.js';
import { MAX_PAGE_SIZE } from '../query/page-size.js';
import type { ActionFactory } from './action.js';
import {
  addOutputOptions,
  addQueryOptions,
  addSourceOptions,
  type OrderFlagValues,
} from './order-flags.js';

/** Flags of `orders export`. */
export interface OrdersExportFlags extends OrderFlagValues {
  /** `--output FILE` (default stdout). */
  output?: string | undefined;
  /** `--checkpoint FILE`. */
  checkpoint?: string | undefined;
  /** `--resume`. */
  resume?: boolean | undefined;
  /** `--checkpoint-every N` orders. */
  checkpointEvery?: string | undefined;
  /** `--checkpoint-interval MS`. */
  checkpointInterval?: string | undefined;
  /** `--page-size N`. */
  pageSize?: string | undefined;
  /** `--concurrency N`. */
  concurrency?: string | undefined;
  /** False with `--no-progress`. */
  progress?: boolean | undefined;
}

/** `orderbridge orders export`. */
export function createOrdersExportCommand(action: ActionFactory): Command {
  const command = new Command('export')
    .description(
      'Export every matching order, streamed, as NDJSON, CSV or JSON; resumable with a checkpoint.',
    )
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .option(
      '--checkpoint <file>',
      'record progress in this file so an interrupted export can resume (needs --output)',
    )
    .option(
      '--resume',
      'continue the export the checkpoint describes, without a duplicate or a gap',
    )
    .option(
      '--checkpoint-every <orders>',
      'save a checkpoint at least every this many orders (default 1000)',
    )
    .option('--checkpoint-interval <ms>', 'and at least this often, in milliseconds (default 1000)')
    .option(
      '--page-size <n>',
      `orders per provider request, 1 to ${MAX_PAGE_SIZE} (default ${MAX_PAGE_SIZE}, capped by each provider)`,
    )
    .option(
      '--concurrency <n>',
      'pages fetched in parallel from a page-number provider (default 4)',
    )
    .option('--no-progress', 'no progress bar (it is shown only when stderr is a terminal)')
    .option('--allow-partial', 'when a provider fails, export the others and exit 3')
    .option(
      '--no-allow-partial',
      'fail when a provider fails, even if the config file allows partial results',
    );
  addQueryOptions(command);
  addOutputOptions(command, EXPORT_FORMATS);
  addSourceOptions(command);
  command.addHelpText(
    'after',
    `
Format: --format, else the --output file's extension (.ndjson/.jsonl, .csv, .json), else NDJSON.
CSV has a stable column set (see the README); money is an exact decimal with its currency in its
own column. JSON is one array, written element by element.

Checkpoints: with --checkpoint FILE, the export fsyncs the output and atomically rewrites FILE
every --checkpoint-every orders or --checkpoint-interval ms. After Ctrl-C (exit 130), a crash or
a network failure, run the same command with --resume: the output is cut back to what the
checkpoint vouches for and the export continues right after the last order written. A finished
export keeps its checkpoint, marked complete; --resume on it has nothing to do.

--source store exports from the order store ("orderbridge sync" fills it) instead of the
providers: every filter and sort is answered by the database, page by page (--page-size orders
each), with the same formats and checkpoints (a checkpoint records the source, so a store export
resumes only from the store). Vanished orders are left out; --include-raw and --concurrency do
not apply.

Examples:
  $ orderbridge orders export --output orders.ndjson
  $ orderbridge orders export --format csv --created-from 2024-01-01 --output q1.csv
  $ orderbridge orders export -o all.csv --checkpoint all.checkpoint.json
  $ orderbridge orders export -o all.csv --checkpoint all.checkpoint.json --resume
  $ orderbridge orders export --status completed --redact | gzip > completed.ndjson.gz
  $ orderbridge orders export --source store --sort total:desc --currency USD -o usd.csv`,
  );
  return command.action(
    action(async (context, flags: OrdersExportFlags) => {
      const { runOrdersExport } = await import('./orders-export.js');
      await runOrdersExport(context, flags);
    }),
  );
}
