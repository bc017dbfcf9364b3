import { MAX_LIMIT, type OrderQuery } from '@orderbridge/core';
import type { ResolvedConfig } from '../config/resolve-config.js';
import { InterruptedError } from '../errors/interrupted-error.js';
import { UsageError } from '../errors/usage-error.js';
import type { FieldPath } from '../output/order-fields.js';
import { createOrderFormatter } from '../output/order-formatter.js';
import type { OutputFormat } from '../output/output-format.js';
import { createStreamSink } from '../output/output-sink.js';
import { streamOrders } from '../output/stream-orders.js';
import { parseIntegerFlag } from '../query/integer-flag.js';
import { buildOrderQuery } from '../query/query-flags.js';
import { withStore } from '../store/open-store.js';
import { checkLiveOnly, iterateStoredOrders, listStoredOrders } from '../store/store-orders.js';
import type { CommandContext } from './command-context.js';
import {
  allowsPartial,
  chooseFields,
  chooseFormat,
  loadConfig,
  openOrderSession,
  redacts,
} from './order-options.js';
import { DEFAULT_LIST_LIMIT, type OrdersListFlags } from './orders-list-command.js';
import { failureJson, reportPartial } from './provider-failures.js';
import { assertNoInvalidRecords } from './strict-check.js';

const COMMAND = 'orderbridge orders list';

/** Runs `orders list`. */
export async function runOrdersList(
  context: CommandContext,
  flags: OrdersListFlags,
): Promise<void> {
  if (flags.all && flags.cursor !== undefined) {
    throw new UsageError(
      '--cursor and --all cannot be combined: --all already follows every cursor from the first page.',
      {
        hint: `Use --cursor to get one more page, or --all for everything. Run "${COMMAND} --help" for usage.`,
      },
    );
  }
  const config = await loadConfig(context);
  const format = chooseFormat(context, config, flags.format, ['table', 'json', 'ndjson', 'csv']);
  const fields = chooseFields(flags.fields, format);
  const query = buildOrderQuery(flags, {
    now: context.io.now,
    defaultLimit: flags.all ? MAX_LIMIT : (config.defaults.limit?.value ?? DEFAULT_LIST_LIMIT),
    command: COMMAND,
  });
  if (flags.source === 'store') {
    await listFromStore(context, config, flags, query, format, fields);
    return;
  }
  checkLiveOnly(flags, COMMAND);
  const session = await openOrderSession(context, config, {
    only: flags.provider,
    allowPartial: allowsPartial(flags, config),
  });
  try {
    const formatter = listingFormatter(context, config, flags, format, fields);
    const sink = createStreamSink(context.io.stdout);
    const callOptions = {
      signal: context.io.interrupt,
      includeRaw: flags.includeRaw ?? false,
      strict: flags.strict ?? false,
      ...(flags.scanPages !== undefined
        ? {
            scanBudget: {
              maxPageRequests: parseIntegerFlag('--scan-pages', flags.scanPages, 1, 10_000),
            },
          }
        : {}),
    };
    if (flags.all) {
      const iteration = session.client.iterate(query, { ...callOptions, onWarning: context.warn });
      await sink.write(formatter.header());
      const outcome = await streamOrders({
        iteration,
        formatter,
        sink,
        signal: context.io.interrupt,
      });
      if (outcome.error !== undefined) throw outcome.error;
      if (outcome.isInterrupted) throw InterruptedError.fromSignal(context.io.interrupt);
      if (flags.strict) assertNoInvalidRecords(iteration.warnings);
      await sink.write(
        formatter.footer({
          nextCursor: null,
          warnings: iteration.warnings,
          errors: iteration.errors.map(failureJson),
        }),
      );
      await sink.close();
      if (format === 'table' && outcome.ordersWritten === 0) context.note('No orders match.');
      reportPartial(context, iteration.errors);
      return;
    }
    const result = await session.client.list(query, callOptions);
    for (const warning of result.warnings) context.warn(warning);
    if (flags.strict) assertNoInvalidRecords(result.warnings);
    await sink.write(formatter.header());
    await sink.write(formatter.orders(result.orders, 0));
    await sink.write(
      formatter.footer({
        nextCursor: result.nextCursor,
        warnings: result.warnings,
        errors: result.errors.map(failureJson),
      }),
    );
    await sink.close();
    if (format === 'table' && result.orders.length === 0) context.note('No orders match.');
    printNextCursor(context, result.nextCursor, format, 'alone');
    reportPartial(context, result.errors);
  } finally {
    await session.close();
  }
}

/** The formatter of a listing, live or from the store. */
function listingFormatter(
  context: CommandContext,
  config: ResolvedConfig,
  flags: OrdersListFlags,
  format: OutputFormat,
  fields: FieldPath[] | undefined,
) {
  return createOrderFormatter({
    format,
    fields,
    redact: redacts(flags, config),
    jsonShape: 'listing',
    colors: context.stdoutColors,
    // A table on a terminal fits its width unless --wide; in a pipe nothing is cut.
    width: flags.wide || !context.io.stdout.isTTY ? undefined : context.io.stdout.columns,
  });
}

/** `--source store`: the same listing, read from the order store with keyset pagination. */
async function listFromStore(
  context: CommandContext,
  config: ResolvedConfig,
  flags: OrdersListFlags,
  query: OrderQuery,
  format: OutputFormat,
  fields: FieldPath[] | undefined,
): Promise<void> {
  await withStore(context, config, flags.database, async (store) => {
    const formatter = listingFormatter(context, config, flags, format, fields);
    const sink = createStreamSink(context.io.stdout);
    await sink.write(formatter.header());
    let written = 0;
    let nextCursor: string | null = null;
    if (flags.all) {
      for await (const orders of iterateStoredOrders(
        store,
        query,
        flags.provider,
        context.io.interrupt,
      )) {
        await sink.write(formatter.orders(orders, written));
        written += orders.length;
      }
    } else {
      const page = await listStoredOrders(store, query, flags.provider);
      await sink.write(formatter.orders(page.orders, 0));
      written = page.orders.length;
      nextCursor = page.nextCursor;
    }
    await sink.write(formatter.footer({ nextCursor, warnings: [], errors: [] }));
    await sink.close();
    if (format === 'table' && written === 0) context.note('No orders match in the store.');
    printNextCursor(context, nextCursor, format, 'with the same filters');
  });
}

/**
 * The cursor is data the user needs for the next page, so it is printed even with --quiet, once;
 * not at all with --format json, whose body carries it as `nextCursor`. A live cursor carries its
 * query; a store cursor is checked against the query it is used with.
 */
function printNextCursor(
  context: CommandContext,
  nextCursor: string | null,
  format: OutputFormat,
  usage: 'alone' | 'with the same filters',
): void {
  if (nextCursor === null || format === 'json') return;
  context.io.stderr.write(`next cursor: ${nextCursor}\n`);
  context.note(
    context.stderrColors.dim(
      usage === 'alone'
        ? '(pass it alone as --cursor for the next page: it carries the filters, sort and providers)'
        : '(pass it as --cursor with the same filters and --source store for the next page)',
    ),
  );
}
