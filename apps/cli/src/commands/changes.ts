import { sleep } from '@orderbridge/core';
import { CHANGE_KINDS, type ChangeKind, type OrderStore } from '@orderbridge/store';
import { InterruptedError } from '../errors/interrupted-error.js';
import { UsageError } from '../errors/usage-error.js';
import { createStreamSink } from '../output/output-sink.js';
import { parseDurationFlag } from '../query/duration-flag.js';
import { parseIntegerFlag } from '../query/integer-flag.js';
import { withStore } from '../store/open-store.js';
import type { ChangesFlags } from './changes-command.js';
import type { CommandContext } from './command-context.js';
import { loadConfig } from './order-options.js';

const COMMAND = 'orderbridge changes';
/** The store's largest change page. */
const PAGE_SIZE = 1000;
const DEFAULT_INTERVAL_MS = 1000;

/** The validated flags of one `changes` run. */
interface ChangesRequest {
  scope: string | undefined;
  after: number;
  limit: number | undefined;
  providers: string[] | undefined;
  kinds: ChangeKind[] | undefined;
  follow: boolean;
  intervalMs: number;
}

/**
 * Runs `orderbridge changes`: pages through the change log by sequence number and writes each
 * entry as one NDJSON line; with `--follow`, polls for new entries until interrupted (exit 130).
 */
export async function runChanges(context: CommandContext, flags: ChangesFlags): Promise<void> {
  const request = parseChangesFlags(flags);
  const config = await loadConfig(context);
  await withStore(context, config, flags.database, async (store) => {
    const sink = createStreamSink(context.io.stdout);
    const outcome = await streamChanges(store, request, context.io.interrupt, (text) =>
      sink.write(text),
    );
    await sink.close();
    const next = `Continue with: ${COMMAND} --since ${outcome.lastSeq}`;
    if (outcome.isInterrupted) {
      throw InterruptedError.fromSignal(context.io.interrupt, {
        message: `interrupted after ${outcome.written} change${outcome.written === 1 ? '' : 's'}.`,
        hint: next,
      });
    }
    context.note(
      `orderbridge: ${outcome.written} change${outcome.written === 1 ? '' : 's'}, up to seq ${outcome.lastSeq}. ${next}`,
    );
  });
}

/**
 * Writes entries after `request.after`, page by page, each page in one write. Every entry is
 * written at most once and in seq order: the next poll always starts after the last seq written.
 */
async function streamChanges(
  store: OrderStore,
  request: ChangesRequest,
  signal: AbortSignal,
  write: (text: string) => Promise<void>,
): Promise<{ written: number; lastSeq: number; isInterrupted: boolean }> {
  let after = request.after;
  let written = 0;
  while (!signal.aborted) {
    const remaining = request.limit === undefined ? PAGE_SIZE : request.limit - written;
    if (remaining <= 0) break;
    const page = await store.listChanges({
      ...(request.scope !== undefined ? { scope: request.scope } : {}),
      after,
      limit: Math.min(PAGE_SIZE, remaining),
      ...(request.providers !== undefined ? { provider: request.providers } : {}),
      ...(request.kinds !== undefined ? { kind: request.kinds } : {}),
    });
    if (page.length > 0) {
      await write(page.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
      written += page.length;
      after = page.at(-1)!.seq;
    }
    if (page.length === Math.min(PAGE_SIZE, remaining)) continue;
    // The log is exhausted for now.
    if (!request.follow) break;
    try {
      await sleep(request.intervalMs, signal);
    } catch {
      break;
    }
  }
  return { written, lastSeq: after, isInterrupted: signal.aborted };
}

/**
 * Reads and checks the flags.
 * @throws UsageError naming the flag at fault.
 */
function parseChangesFlags(flags: ChangesFlags): ChangesRequest {
  const hint = `Run "${COMMAND} --help" for usage.`;
  if (flags.interval !== undefined && !flags.follow) {
    throw new UsageError('--interval only applies with --follow.', {
      hint: 'Add --follow to keep waiting for new changes, or drop --interval.',
    });
  }
  const kinds = flags.kind?.filter((kind) => kind !== '');
  for (const kind of kinds ?? []) {
    if (!(CHANGE_KINDS as readonly string[]).includes(kind)) {
      throw new UsageError(`--kind: "${kind}" is not a change kind.`, {
        hint: `Use ${CHANGE_KINDS.join(', ')} (comma-separated or repeated). ${hint}`,
      });
    }
  }
  const providers = flags.provider?.filter((provider) => provider !== '');
  if (flags.provider !== undefined && providers!.length === 0) {
    throw new UsageError('--provider: give at least one provider id.', { hint });
  }
  if (flags.scope !== undefined && flags.scope.trim() === '') {
    throw new UsageError('--scope: give a scope name (the default scope is "default").', { hint });
  }
  return {
    scope: flags.scope,
    after:
      flags.since === undefined
        ? 0
        : parseIntegerFlag('--since', flags.since, 0, Number.MAX_SAFE_INTEGER),
    limit:
      flags.limit === undefined
        ? undefined
        : parseIntegerFlag('--limit', flags.limit, 1, Number.MAX_SAFE_INTEGER),
    providers,
    kinds: kinds === undefined || kinds.length === 0 ? undefined : (kinds as ChangeKind[]),
    follow: flags.follow ?? false,
    intervalMs:
      flags.interval === undefined
        ? DEFAULT_INTERVAL_MS
        : parseDurationFlag('--interval', flags.interval, 10, 3_600_000),
  };
}
