import { Command } from 'commander';
import { MAX_PAGE_SIZE } from '../query/page-size.js';
import { DEFAULT_SCAN_PAGE_REQUESTS } from '../query/scan-budget.js';
import type { ActionFactory } from './action.js';
import {
  addOutputOptions,
  addQueryOptions,
  addSourceOptions,
  type OrderFlagValues,
} from './order-flags.js';

/** Page size of `orders list` when neither `--limit` nor the config file sets one. */
export const DEFAULT_LIST_LIMIT = 50;

/** Flags of `orders list`. */
export interface OrdersListFlags extends OrderFlagValues {
  /** `--all`: every page, streamed. */
  all?: boolean | undefined;
  /** `--scan-pages <n>`: upstream page requests one page may scan. */
  scanPages?: string | undefined;
  /** `--wide`: table cells in full, however wide the terminal. */
  wide?: boolean | undefined;
}

/** `orderbridge orders list`. */
export function createOrdersListCommand(action: ActionFactory): Command {
  const command = new Command('list')
    .description('List orders from every configured provider, merged in one sort order.')
    .option(
      '--limit <n>',
      `orders per page, 1 to ${MAX_PAGE_SIZE} (default ${DEFAULT_LIST_LIMIT}; with --all, the page size)`,
    )
    .option(
      '--cursor <cursor>',
      'continue after a previous page (its "next cursor"); the cursor carries the filters, sort and providers',
    )
    .option('--all', 'follow the cursors to the end, streaming every matching order')
    .option(
      '--scan-pages <n>',
      `provider pages one page may scan when a filter is applied locally (default ${DEFAULT_SCAN_PAGE_REQUESTS}); the page then ends early with a cursor that continues the scan`,
    )
    .option(
      '--wide',
      'table: show keys and names in full (by default they are shortened with … to fit the terminal)',
    )
    .option('--allow-partial', 'when a provider fails, output the others and exit 3')
    .option(
      '--no-allow-partial',
      'fail when a provider fails, even if the config file allows partial results',
    );
  addQueryOptions(command);
  addSourceOptions(command);
  addOutputOptions(command, ['table', 'json', 'ndjson', 'csv']);
  command.addHelpText(
    'after',
    `
Output: a table on a terminal, NDJSON (one order per line) in a pipe; --format json prints
{ orders, nextCursor, warnings, errors }. Data goes to stdout; the next cursor, warnings and
errors go to stderr.

Examples:
  $ orderbridge orders list
  $ orderbridge orders list --status processing,on_hold --created-from 7d
  $ orderbridge orders list --provider flexfactor --currency USD --sort total:desc --limit 10
  $ orderbridge orders list --search "acme" --fields key,status,customer.email,totals.total
  $ orderbridge orders list --cursor <cursor from the previous page>
  $ orderbridge orders list --all --format csv > orders.csv
  $ orderbridge orders list --source store --status processing   (after "orderbridge sync")
  $ orderbridge orders list --created-from 2024-03-01 --created-to 2024-03-31 --format json | jq '.orders | length'`,
  );
  return command.action(
    action(async (context, flags: OrdersListFlags) => {
      const { runOrdersList } = await import('./orders-list.js');
      await runOrdersList(context, flags);
    }),
  );
}
