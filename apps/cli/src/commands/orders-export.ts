import { realpath, stat } from 'node:fs/promises';
import { basename, dirname, extname, resolve } from 'node:path';
import {
  MAX_LIMIT,
  type OrderQuery,
  queryFingerprint,
  RELATIVE_TIME_PATTERN,
} from '@orderbridge/core';
import { InterruptedError } from '../errors/interrupted-error.js';
import { UsageError } from '../errors/usage-error.js';
import {
  assertResumable,
  type Checkpoint,
  type ExportArguments,
  fingerprintArguments,
  readCheckpoint,
  writeCheckpoint,
} from '../export/checkpoint.js';
import { estimateTotal } from '../export/estimate-total.js';
import { EXPORT_FORMATS, type ExportFormat } from '../export/export-format.js';
import type { ExportProgress } from '../export/export-progress.js';
import { createOrderFormatter } from '../output/order-formatter.js';
import { parseOutputFormat } from '../output/output-format.js';
import { createFileSink, createStreamSink, type OutputSink } from '../output/output-sink.js';
import { streamOrders } from '../output/stream-orders.js';

import { parseIntegerFlag } from '../query/integer-flag.js';
import { buildOrderQuery } from '../query/query-flags.js';
import { chooseDatabase, type OpenedStore, openStore } from '../store/open-store.js';
import { checkLiveOnly, iterateStoreForExport } from '../store/store-orders.js';
import type { CommandContext } from './command-context.js';
import {
  allowsPartial,
  chooseFields,
  loadConfig,
  openOrderSession,
  redacts,
} from './order-options.js';
import type { OrdersExportFlags } from './orders-export-command.js';
import { failureJson, reportPartial } from './provider-failures.js';
import { assertNoInvalidRecords } from './strict-check.js';

const COMMAND = 'orderbridge orders export';

/** Runs `orders export`. */
export async function runOrdersExport(
  context: CommandContext,
  flags: OrdersExportFlags,
): Promise<void> {
  const hint = `Run "${COMMAND} --help" for usage.`;
  if (flags.checkpoint !== undefined && flags.output === undefined) {
    throw new UsageError(
      '--checkpoint needs --output FILE: resuming must be able to cut a partly written file.',
      { hint },
    );
  }
  if (flags.resume && flags.checkpoint === undefined) {
    throw new UsageError(
      '--resume needs --checkpoint FILE, the checkpoint the interrupted export wrote.',
      { hint },
    );
  }
  const checkpointEvery =
    flags.checkpointEvery === undefined
      ? 1000
      : parseIntegerFlag('--checkpoint-every', flags.checkpointEvery, 1, 10_000_000);
  const checkpointInterval =
    flags.checkpointInterval === undefined
      ? 1000
      : parseIntegerFlag('--checkpoint-interval', flags.checkpointInterval, 0, 86_400_000);
  const pageSize =
    flags.pageSize === undefined
      ? MAX_LIMIT
      : parseIntegerFlag('--page-size', flags.pageSize, 1, MAX_LIMIT);
  const concurrency =
    flags.concurrency === undefined
      ? 4
      : parseIntegerFlag('--concurrency', flags.concurrency, 1, 32);
  const fromStore = flags.source === 'store';
  if (fromStore) checkStoreFlags(flags, hint);
  else checkLiveOnly(flags, COMMAND);

  const config = await loadConfig(context);
  const output = flags.output === undefined ? undefined : resolve(context.io.cwd, flags.output);
  const format = exportFormat(flags, output, config.defaults.format);
  const fields = chooseFields(flags.fields, format);
  const redact = redacts(flags, config);
  const includeRaw = flags.includeRaw ?? false;
  let query = buildOrderQuery(flags, { now: context.io.now, command: COMMAND });
  const args = exportArguments(query, flags, { format, redact, includeRaw, fromStore });
  const checkpointPath =
    flags.checkpoint === undefined ? undefined : resolve(context.io.cwd, flags.checkpoint);
  if (output && checkpointPath && (await samePath(output, checkpointPath))) {
    // The checkpoint would overwrite the export (and the export the checkpoint).
    throw new UsageError(
      `--output and --checkpoint name the same file (${output}): the checkpoint would overwrite the export.`,
      { hint: `Give the checkpoint its own file, e.g. --checkpoint ${output}.checkpoint.json.` },
    );
  }

  // Decide where to start before opening any provider, so a bad --resume fails fast.
  let resumed: Checkpoint | undefined;
  if (checkpointPath) {
    const existing = await readCheckpoint(checkpointPath);
    if (flags.resume) {
      if (!existing) {
        throw new UsageError(`--resume: there is no checkpoint at ${checkpointPath}.`, {
          hint: 'Run the command without --resume to start the export.',
        });
      }
      assertResumable(existing, { output: output!, arguments: args }, checkpointPath);
      if (existing.complete) {
        context.note(
          `orderbridge: nothing to resume: the export to ${existing.output} is complete (${existing.ordersWritten} orders).`,
        );
        return;
      }
      const size = await stat(existing.output).then(
        (stats) => stats.size,
        () => undefined,
      );
      if (size === undefined || size < existing.bytesWritten) {
        throw new UsageError(
          `--resume: ${existing.output} ${size === undefined ? 'no longer exists' : `has ${size} bytes, fewer than the ${existing.bytesWritten} the checkpoint vouches for`}; it was changed after the checkpoint.`,
          { hint: `Delete ${checkpointPath} to start the export over.` },
        );
      }
      resumed = existing;
      // The stored query, not the re-parsed flags: "7d" must keep the window the export started with.
      query = existing.query as OrderQuery;
    } else if (existing && !existing.complete) {
      throw new UsageError(
        `--checkpoint: ${checkpointPath} belongs to an unfinished export (${existing.ordersWritten} orders written to ${existing.output}).`,
        { hint: `Add --resume to continue it, or delete ${checkpointPath} to start over.` },
      );
    }
  }

  // The store replaces the providers: no provider is opened for a store export.
  const opened: OpenedStore | undefined = fromStore
    ? await openStore(chooseDatabase(flags.database, config), { cwd: context.io.cwd })
    : undefined;
  const session = opened
    ? undefined
    : await openOrderSession(context, config, {
        only: flags.provider,
        allowPartial: allowsPartial(flags, config),
      });
  let sink: OutputSink | undefined;
  let progress: ExportProgress | undefined;
  const deferredWarnings: Array<() => void> = [];
  try {
    const formatter = createOrderFormatter({
      format,
      fields,
      redact,
      jsonShape: 'array',
      colors: context.stdoutColors,
    });
    const startedAt = resumed?.startedAt ?? context.io.now().toISOString();
    const ordersBefore = resumed?.ordersWritten ?? 0;
    const resumeCursor = resumed ? resumed.cursor : undefined;
    // A resumed export whose cursor is null had written every order; only the ending is missing.
    const hasMore = !(resumed && resumeCursor === null && resumed.ordersWritten > 0);
    const iterationQuery: OrderQuery = { ...query, limit: pageSize };
    if (resumeCursor) iterationQuery.cursor = resumeCursor;
    else delete iterationQuery.cursor;
    const stored = opened
      ? iterateStoreForExport(opened.store, iterationQuery, flags.provider, context.io.interrupt)
      : undefined;
    const iteration =
      stored?.iteration ??
      session!.client.iterate(iterationQuery, {
        signal: context.io.interrupt,
        includeRaw,
        strict: flags.strict ?? false,
        concurrency,
        onWarning: (warning) => {
          if (progress) deferredWarnings.push(() => context.warn(warning));
          else context.warn(warning);
        },
      });
    const { cursor: _cursor, limit: _limit, ...storedQuery } = query;
    /** Orders the last checkpoint on disk vouches for (what a resume continues from). */
    let checkpointedOrders = resumed?.ordersWritten;
    /** Records that failed validation and were not exported (each an `invalid-record` warning). */
    const recordsDropped = () =>
      (resumed?.recordsDropped ?? 0) +
      iteration.warnings.filter((warning) => warning.code === 'invalid-record').length;
    const saveCheckpoint = async (state: {
      ordersWritten: number;
      cursor: string | null;
      complete: boolean;
    }) => {
      if (!checkpointPath || !sink) return;
      await sink.sync();
      await writeCheckpoint(checkpointPath, {
        version: 1,
        command: 'orders export',
        arguments: args,
        fingerprint: fingerprintArguments(args),
        query: storedQuery,
        output: output!,
        bytesWritten: sink.bytesWritten,
        ordersWritten: state.ordersWritten,
        recordsDropped: recordsDropped(),
        cursor: state.cursor,
        complete: state.complete,
        startedAt,
        updatedAt: context.io.now().toISOString(),
      });
      checkpointedOrders = state.ordersWritten;
    };

    sink = output
      ? await createFileSink(output, { resumeAt: resumed?.bytesWritten })
      : createStreamSink(context.io.stdout);
    if (!resumed) {
      await sink.write(formatter.header());
      await saveCheckpoint({ ordersWritten: 0, cursor: iteration.cursor(), complete: false });
    }

    const showProgress =
      flags.progress !== false &&
      !context.global.quiet &&
      context.io.stderr.isTTY === true &&
      !(output === undefined && context.io.stdout.isTTY === true);
    if (showProgress && hasMore && session) {
      const total = await estimateTotal(
        session.providers.map((provider) => provider.instance),
        query,
        context.io.interrupt,
      );
      // cli-progress (and the Intl number formatting it uses) only for an export that shows a bar.
      const { createExportProgress } = await import('../export/export-progress.js');
      progress = createExportProgress({ stream: context.io.stderr, total, start: ordersBefore });
    }

    let lastCheckpointCount = ordersBefore;
    let lastCheckpointAt = Date.now();
    const outcome = hasMore
      ? await streamOrders({
          iteration,
          formatter,
          sink,
          // From the store: stop only between pages (the checkpoint's cursor is a page's end),
          // with batches of one page.
          signal: stored?.signal ?? context.io.interrupt,
          ...(stored ? { batchSize: pageSize } : {}),
          writtenBefore: ordersBefore,
          afterBatch: async (written) => {
            progress?.update(ordersBefore + written);
            if (
              checkpointPath &&
              (ordersBefore + written - lastCheckpointCount >= checkpointEvery ||
                Date.now() - lastCheckpointAt >= checkpointInterval)
            ) {
              lastCheckpointCount = ordersBefore + written;
              lastCheckpointAt = Date.now();
              await saveCheckpoint({
                ordersWritten: ordersBefore + written,
                cursor: iteration.cursor(),
                complete: false,
              });
            }
          },
        })
      : {
          ordersWritten: 0,
          isFinished: true,
          isInterrupted: false,
          error: undefined,
          isOutputIntact: true,
        };
    progress?.stop();
    for (const print of deferredWarnings) print();
    const total = ordersBefore + outcome.ordersWritten;
    const target = output ?? 'stdout';
    const resumeCommand = `orderbridge ${shellJoin(withResume(context.argv))}`;

    if (outcome.error !== undefined || outcome.isInterrupted) {
      let isSaved = false;
      if (outcome.isOutputIntact) {
        await saveCheckpoint({ ordersWritten: total, cursor: iteration.cursor(), complete: false });
        isSaved = true;
      }
      // A failed write (a full disk) may make closing fail too; the write's error is the one to tell.
      await sink.close().catch((error: unknown) => {
        if (outcome.isOutputIntact) throw error;
      });
      // `total` counts only orders whose write completed (a failed write is cut off the file).
      const checkpointNote =
        checkpointPath === undefined
          ? ''
          : isSaved
            ? `; checkpoint saved to ${checkpointPath}`
            : checkpointedOrders !== undefined
              ? `; the checkpoint ${checkpointPath} vouches for the first ${checkpointedOrders}`
              : '';
      const summary = `${total} orders written to ${target}${checkpointNote}`;
      const next =
        checkpointPath && checkpointedOrders !== undefined
          ? `Resume with: ${resumeCommand}`
          : checkpointPath
            ? undefined
            : 'Without --checkpoint the export cannot be resumed; add --output FILE --checkpoint FILE next time.';
      if (outcome.isInterrupted) {
        throw InterruptedError.fromSignal(context.io.interrupt, {
          message: `interrupted: ${summary}.`,
          hint: next,
        });
      }
      context.afterError(`orderbridge: export stopped: ${summary}.`);
      if (next) context.afterError(next);
      throw outcome.error;
    }

    if (flags.strict) assertNoInvalidRecords(iteration.warnings);
    if (iteration.errors.length > 0) {
      // Partial: the failed providers' remaining orders can still be fetched with --resume, so the
      // checkpoint stops before the ending (which a resume cuts off and writes again).
      await saveCheckpoint({ ordersWritten: total, cursor: iteration.cursor(), complete: false });
      await sink.write(
        formatter.footer({
          nextCursor: null,
          warnings: iteration.warnings,
          errors: iteration.errors.map(failureJson),
        }),
      );
      await sink.close();
      reportPartial(context, iteration.errors);
      if (checkpointPath) context.note(`Retry the failed providers with: ${resumeCommand}`);
      return;
    }
    await sink.write(formatter.footer());
    await saveCheckpoint({ ordersWritten: total, cursor: null, complete: true });
    await sink.close();
    // Records that failed validation were reported one by one as warnings; the summary counts
    // them too, so a "complete" export never hides that something was left out.
    const dropped = recordsDropped();
    const droppedNote =
      dropped > 0
        ? `; ${dropped} record${dropped === 1 ? '' : 's'} failed validation and ${dropped === 1 ? 'was' : 'were'} not exported (see the warnings; --strict fails instead)`
        : '';
    if (output) context.note(`orderbridge: exported ${total} orders to ${output}${droppedNote}.`);
    else if (dropped > 0) context.note(`orderbridge: exported ${total} orders${droppedNote}.`);
  } catch (error) {
    progress?.stop();
    await sink?.close().catch(() => undefined);
    throw error;
  } finally {
    await session?.close();
    await opened?.store.close();
  }
}

/**
 * `--source store` reads canonical documents from the store: no wire objects, no parallel
 * provider requests, no provider failures to allow.
 * @throws UsageError for a flag that has no meaning with the store.
 */
function checkStoreFlags(flags: OrdersExportFlags, hint: string): void {
  if (flags.includeRaw) {
    throw new UsageError(
      "--include-raw cannot be used with --source store: the store keeps canonical orders without the provider's wire object.",
      { hint: `Drop --source store to export from the providers. ${hint}` },
    );
  }
  if (flags.concurrency !== undefined) {
    throw new UsageError(
      '--concurrency only applies to exports from the providers; the store is read page by page.',
      { hint },
    );
  }
}

/** Format: `--format`, else the output file's extension, else the configured default, else NDJSON. */
function exportFormat(
  flags: OrdersExportFlags,
  output: string | undefined,
  configured: { value: string; source: { kind: string } } | undefined,
): ExportFormat {
  if (flags.format !== undefined)
    return parseOutputFormat(flags.format, '--format', EXPORT_FORMATS) as ExportFormat;
  const extension = output === undefined ? '' : extname(output).toLowerCase();
  if (extension === '.csv') return 'csv';
  if (extension === '.json') return 'json';
  if (extension === '.ndjson' || extension === '.jsonl') return 'ndjson';
  if (configured && (EXPORT_FORMATS as readonly string[]).includes(configured.value)) {
    return configured.value as ExportFormat;
  }
  return 'ndjson';
}

/** The arguments a checkpoint records; relative dates stay as typed so the same command matches. */
function exportArguments(
  query: OrderQuery,
  flags: OrdersExportFlags,
  options: { format: ExportFormat; redact: boolean; includeRaw: boolean; fromStore: boolean },
): ExportArguments {
  const normalized = JSON.parse(queryFingerprint(query)) as Record<string, unknown>;
  if (flags.createdFrom !== undefined && RELATIVE_TIME_PATTERN.test(flags.createdFrom.trim())) {
    normalized.createdFrom = `relative ${flags.createdFrom.trim()}`;
  }
  if (flags.createdTo !== undefined && RELATIVE_TIME_PATTERN.test(flags.createdTo.trim())) {
    normalized.createdTo = `relative ${flags.createdTo.trim()}`;
  }
  return {
    query: normalized,
    providers: [...new Set(flags.provider ?? [])].sort(),
    format: options.format,
    fields:
      flags.fields === undefined
        ? null
        : flags.fields
            .split(',')
            .map((field) => field.trim())
            .filter(Boolean),
    redact: options.redact,
    includeRaw: options.includeRaw,
    // Only for the store, so the fingerprints of live checkpoints stay what they were.
    ...(options.fromStore ? { source: 'store' as const } : {}),
  };
}

function withResume(argv: readonly string[]): string[] {
  return argv.includes('--resume') ? [...argv] : [...argv, '--resume'];
}

/** Quotes arguments for a POSIX shell, so the printed resume command can be pasted as is. */
function shellJoin(args: readonly string[]): string {
  return args
    .map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`))
    .join(' ');
}

/**
 * True when two paths name the same file, after resolving symbolic links (a path that does not
 * exist yet is compared by its resolved folder and name).
 */
async function samePath(left: string, right: string): Promise<boolean> {
  const canonical = async (path: string): Promise<string> => {
    try {
      return await realpath(path);
    } catch {
      try {
        return resolve(await realpath(dirname(path)), basename(path));
      } catch {
        return path;
      }
    }
  };
  const [first, second] = await Promise.all([canonical(left), canonical(right)]);
  return first === second;
}
