import { OrderBridgeError, sleep, type TransportOptions } from '@orderbridge/core';
import type { OrderStore, SyncEvent, SyncResult, SyncState } from '@orderbridge/store';
import Table from 'cli-table3';
import { openProviders } from '../client/open-providers.js';
import { InterruptedError } from '../errors/interrupted-error.js';
import { UsageError } from '../errors/usage-error.js';
import { BORDERLESS } from '../output/order-table.js';
import { chooseRecordFormat } from '../output/output-format.js';
import { parseDurationFlag } from '../query/duration-flag.js';
import { chooseDatabase, openStore, withStore } from '../store/open-store.js';
import { createSyncProgress } from '../store/sync-progress.js';
import type { CommandContext } from './command-context.js';
import { loadConfig } from './order-options.js';
import type { StoreFlags, SyncFlags } from './sync-command.js';

const DEFAULT_INTERVAL_MS = 5 * 60_000;
const DAY_MS = 86_400_000;
const numbers = new Intl.NumberFormat('en-US');

/** Runs `orderbridge sync`. */
export async function runSync(context: CommandContext, flags: SyncFlags): Promise<void> {
  const format = chooseRecordFormat(flags.format, context.io.stdout);
  if (flags.interval !== undefined && !flags.watch) {
    throw new UsageError('--interval only applies with --watch.', {
      hint: 'Add --watch to keep syncing, or drop --interval for one run.',
    });
  }
  const intervalMs =
    flags.interval === undefined
      ? DEFAULT_INTERVAL_MS
      : parseDurationFlag('--interval', flags.interval, 1000, 7 * DAY_MS);
  const lookbackMs =
    flags.lookback === undefined
      ? undefined
      : parseDurationFlag('--lookback', flags.lookback, 60_000, 3660 * DAY_MS);
  const fullSweepIntervalMs =
    flags.fullSweepEvery === undefined
      ? undefined
      : parseDurationFlag('--full-sweep-every', flags.fullSweepEvery, 0, 3660 * DAY_MS);

  const config = await loadConfig(context);
  const database = chooseDatabase(flags.database, config);
  const requests = new Map<string, number>();
  const session = await openProviders(config, {
    env: context.io.env,
    only: flags.provider,
    sandboxOrders: context.global.sandboxOrders,
    transport: countingRequests(context.transport(), requests),
    note: context.note,
  });
  let store: OrderStore | undefined;
  try {
    const opened = await openStore(database, { cwd: context.io.cwd });
    store = opened.store;
    const label = opened.label;
    const providers = session.providers.flatMap((provider) =>
      provider.instance ? [provider.instance] : [],
    );
    const { syncOrders } = await import('@orderbridge/store');
    context.note(
      context.stderrColors.dim(
        `orderbridge: syncing ${providers.map((provider) => provider.id).join(', ')} into ${label}`,
      ),
    );
    let run = 0;
    while (true) {
      run += 1;
      const progress =
        context.io.stderr.isTTY && !context.global.quiet
          ? createSyncProgress(context.io.stderr)
          : undefined;
      const before = new Map(requests);
      const results = await syncOrders({
        providers,
        store,
        mode: flags.full && run === 1 ? 'full' : 'auto',
        ...(lookbackMs !== undefined ? { lookbackMs } : {}),
        ...(fullSweepIntervalMs !== undefined ? { fullSweepIntervalMs } : {}),
        signal: context.io.interrupt,
        onWarning: context.warn,
        onProgress: (event: SyncEvent) => {
          progress?.update(event);
          if (!progress) noteEvent(context, event);
        },
      }).finally(() => progress?.stop());
      const upstream = (provider: string) =>
        (requests.get(provider) ?? 0) - (before.get(provider) ?? 0);
      writeSummary(context, format, results, upstream);
      for (const result of results) {
        if (result.outcome !== 'failed') continue;
        context.io.stderr.write(
          `orderbridge: ${context.stderrColors.red('error')}: sync of ${result.provider} failed: ${describeFailure(result.error)}\n`,
        );
        context.setExitCode(1);
      }
      if (context.io.interrupt.aborted) break;
      if (!flags.watch) break;
      context.note(
        context.stderrColors.dim(
          `orderbridge: next run in ${flags.interval ?? '5m'} (Ctrl-C to stop)`,
        ),
      );
      try {
        await sleep(intervalMs, context.io.interrupt);
      } catch {
        break;
      }
    }
  } finally {
    await store?.close();
    await session.close();
  }
  if (context.io.interrupt.aborted) {
    throw InterruptedError.fromSignal(context.io.interrupt, {
      hint: 'Every page synced so far is stored; run "orderbridge sync" again to resume.',
    });
  }
}

/** Runs `orderbridge sync status`. */
export async function runSyncStatus(context: CommandContext, flags: StoreFlags): Promise<void> {
  const format = chooseRecordFormat(flags.format, context.io.stdout);
  const config = await loadConfig(context);
  await withStore(context, config, flags.database, async (store, label) => {
    const states = await store.syncStates();
    const rows = await Promise.all(
      states.map(async (state) =>
        statusRow(state, await store.countOrders(state.scope, state.provider), context.io.now()),
      ),
    );
    if (format === 'json') {
      context.io.stdout.write(`${JSON.stringify({ database: label, providers: rows }, null, 2)}\n`);
      return;
    }
    if (format === 'ndjson') {
      for (const row of rows) context.io.stdout.write(`${JSON.stringify(row)}\n`);
      return;
    }
    if (rows.length === 0) {
      context.note(`No provider has been synced into ${label} yet. Run "orderbridge sync".`);
      return;
    }
    const colors = context.stdoutColors;
    const table = new Table({
      head: ['PROVIDER', 'ORDERS', 'LAST RUN', 'OUTCOME', 'WATERMARK', 'AGE', 'FULL SWEEP'].map(
        (name) => colors.dim(name),
      ),
      chars: BORDERLESS,
      style: { head: [], border: [], compact: true, 'padding-left': 0, 'padding-right': 0 },
    });
    for (const row of rows) {
      table.push([
        row.scope === 'default' ? row.provider : `${row.scope}/${row.provider}`,
        numbers.format(row.orders),
        row.lastRun ? `${row.lastRun.mode} ${row.lastRun.finishedAt}` : 'never',
        row.running
          ? colors.yellow('interrupted (resumes)')
          : row.lastError
            ? colors.red(row.lastError.message)
            : 'ok',
        row.watermark ?? '-',
        row.ageSeconds === null ? '-' : formatAge(row.ageSeconds),
        row.lastFullSweepAt ?? 'never',
      ]);
    }
    context.io.stdout.write(`${table.toString().replace(/ +$/gm, '')}\n`);
  });
}

/** One provider's sync status, as `sync status` prints it. */
export interface SyncStatusRow {
  scope: string;
  provider: string;
  orders: number;
  watermark: string | null;
  lastRun: { mode: string; startedAt: string; finishedAt: string; counts: object } | null;
  lastFullSweepAt: string | null;
  /** Seconds since the last completed run ended (how stale the store may be). */
  ageSeconds: number | null;
  /** A run was interrupted and will resume. */
  running: boolean;
  lastError: { at: string; message: string } | null;
}

function statusRow(state: SyncState, orders: number, now: Date): SyncStatusRow {
  return {
    scope: state.scope,
    provider: state.provider,
    orders,
    watermark: state.watermark,
    lastRun: state.lastRun
      ? {
          mode: state.lastRun.mode,
          startedAt: state.lastRun.startedAt,
          finishedAt: state.lastRun.finishedAt,
          counts: state.lastRun.counts,
        }
      : null,
    lastFullSweepAt: state.lastFullSweepAt,
    ageSeconds: state.lastRun
      ? Math.max(0, Math.round((now.getTime() - Date.parse(state.lastRun.finishedAt)) / 1000))
      : null,
    running: state.progress !== null,
    lastError: state.lastError
      ? { at: state.lastError.at, message: state.lastError.message }
      : null,
  };
}

function writeSummary(
  context: CommandContext,
  format: 'table' | 'json' | 'ndjson',
  results: readonly SyncResult[],
  upstreamRequests: (provider: string) => number,
): void {
  const rows = results.map((result) => ({
    provider: result.provider,
    mode: result.mode,
    reason: result.reason,
    resumed: result.resumed,
    outcome: result.outcome,
    ...result.counts,
    pages: result.pages,
    upstreamRequests: upstreamRequests(result.provider),
    seconds: Math.round(result.durationMs) / 1000,
    ...(result.error ? { error: describeFailure(result.error) } : {}),
  }));
  if (format === 'json') {
    context.io.stdout.write(`${JSON.stringify({ providers: rows }, null, 2)}\n`);
    return;
  }
  if (format === 'ndjson') {
    for (const row of rows) context.io.stdout.write(`${JSON.stringify(row)}\n`);
    return;
  }
  const colors = context.stdoutColors;
  const table = new Table({
    head: [
      'PROVIDER',
      'MODE',
      'FETCHED',
      'CREATED',
      'UPDATED',
      'UNCHANGED',
      'VANISHED',
      'REJECTED',
      'REQUESTS',
      'TIME',
      'OUTCOME',
    ].map((name) => colors.dim(name)),
    chars: BORDERLESS,
    style: { head: [], border: [], compact: true, 'padding-left': 0, 'padding-right': 0 },
    colAligns: [
      'left',
      'left',
      'right',
      'right',
      'right',
      'right',
      'right',
      'right',
      'right',
      'right',
      'left',
    ],
  });
  for (const row of rows) {
    table.push([
      row.provider,
      `${row.mode}${row.resumed ? ' (resumed)' : ''}`,
      numbers.format(row.fetched),
      numbers.format(row.created),
      numbers.format(row.updated),
      numbers.format(row.unchanged),
      numbers.format(row.vanished),
      numbers.format(row.rejected),
      numbers.format(row.upstreamRequests),
      `${row.seconds.toFixed(1)}s`,
      row.outcome === 'completed'
        ? colors.green('ok')
        : row.outcome === 'interrupted'
          ? colors.yellow('interrupted')
          : colors.red('failed'),
    ]);
  }
  context.io.stdout.write(`${table.toString().replace(/ +$/gm, '')}\n`);
}

function noteEvent(context: CommandContext, event: SyncEvent): void {
  if (event.type === 'start') {
    context.note(
      `orderbridge: ${event.provider}: ${event.resumed ? 'resuming' : 'starting'} ${event.mode} sync (${event.reason})`,
    );
  }
}

/** Counts upstream requests (every attempt) per provider, next to the command's own hooks. */
function countingRequests(
  transport: TransportOptions,
  requests: Map<string, number>,
): TransportOptions {
  const onRequest = transport.hooks?.onRequest;
  return {
    ...transport,
    hooks: {
      ...transport.hooks,
      onRequest: (event) => {
        requests.set(event.provider, (requests.get(event.provider) ?? 0) + 1);
        onRequest?.(event);
      },
    },
  };
}

function describeFailure(error: Error | undefined): string {
  if (!error) return 'unknown error';
  return OrderBridgeError.isInstance(error) ? error.message : `${error.name}: ${error.message}`;
}

function formatAge(seconds: number): string {
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)}h`;
  return `${Math.round(seconds / 86_400)}d`;
}
