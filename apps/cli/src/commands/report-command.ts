import { Command } from 'commander';
import { collectList } from '../query/integer-flag.js';
import type { ActionFactory } from './action.js';
import { DATABASE_HELP } from './sync-command.js';

/** Flags every `report` subcommand takes. */
export interface ReportFlags {
  /** `--database URL`. */
  database?: string | undefined;
  /** `--scope NAME`: a service tenant's orders (default `default`). */
  scope?: string | undefined;
  /** `--provider a,b`. */
  provider?: string[] | undefined;
  /** `--from`, `--to`: the creation window `[from, to)`. */
  from?: string | undefined;
  to?: string | undefined;
  /** `--format table|json|ndjson|csv`. */
  format?: string | undefined;
  /** revenue: `--by day|week|month`. */
  by?: string | undefined;
  /** fulfillment, merchants: `--as-of TIMESTAMP`. */
  asOf?: string | undefined;
  /** fulfillment: `--limit N`. */
  limit?: string | undefined;
  /** merchants: `--stuck-after DAYS`. */
  stuckAfter?: string | undefined;
  /** reconcile: `--against FILE`, `--merchant ID`. */
  against?: string | undefined;
  merchant?: string | undefined;
}

/** The flags every report shares. */
function withCommonFlags(command: Command): Command {
  return command
    .option('--database <url>', DATABASE_HELP)
    .option('--scope <name>', 'the store scope (a service tenant) to report on (default: default)')
    .option(
      '--provider <ids>',
      'only these provider ids (comma-separated, repeatable)',
      collectList,
    )
    .option('--from <date>', 'orders created at or after: 2025-03-01, 2025-03-01T12:00:00Z or 30d')
    .option('--to <date>', 'orders created before (exclusive): 2025-04-01, a date-time or 1d')
    .option(
      '--format <format>',
      'table, json, ndjson or csv (default: table on a terminal, else ndjson)',
    );
}

/** `orderbridge report revenue|fulfillment|merchants|reconcile`. */
export function createReportCommand(action: ActionFactory): Command {
  const command = new Command('report')
    .description(
      'Reports over the order store (run "orderbridge sync" first): revenue, the fulfillment queue, merchants, reconciliation against a ledger.',
    )
    .addHelpText(
      'after',
      `
Every amount is exact, in minor units of its currency (amountMinor: 45.65 USD = 4565, 1500 JPY =
1500, 1.375 KWD = 1375), and no sum mixes two currencies. Vanished orders are left out. Each
measure is defined in docs/reports.md.

Formats: json prints the whole report; ndjson and csv one row per line; a table for reading.

Examples:
  $ orderbridge sync && orderbridge report revenue --by month
  $ orderbridge report fulfillment --format json
  $ orderbridge report merchants --provider flexfactor --stuck-after 3
  $ orderbridge report reconcile --against ledger.csv --provider flexfactor --from 2025-03-01`,
    );

  const revenue = withCommonFlags(new Command('revenue'))
    .description(
      'Orders, amount, captured, refunded and net per period of creation, provider and currency.',
    )
    .option('--by <period>', 'day, week (ISO, from Monday) or month, in UTC (default day)')
    .addHelpText(
      'after',
      `
Columns: period, provider, currency, orders, byStatus, amountMinor, capturedOrders, capturedMinor,
refundedOrders, refundedMinor, netMinor (captured - refunded), awaitingCaptureOrders,
awaitingCaptureMinor, cancelledOrFailedOrders, refundsInOtherCurrency.
FlexPortal's total is the monthly subscription value; FlexFactor's is the payment amount.

Examples:
  $ orderbridge report revenue --by week --from 2025-01-01 --to 2025-04-01
  $ orderbridge report revenue --provider flexfactor --format csv > revenue.csv`,
    )
    .action(
      action(async (context, flags: ReportFlags) => {
        const { runRevenueReport } = await import('./report.js');
        await runRevenueReport(context, flags);
      }),
    );

  const fulfillment = withCommonFlags(new Command('fulfillment'))
    .description(
      'The fulfillment queue: orders awaiting or partly in fulfillment, oldest first, with units done / total and age.',
    )
    .option('--as-of <timestamp>', 'measure ages from this UTC time (default: now)')
    .option('--limit <n>', 'at most this many queue rows (default 1000; counts cover all)')
    .addHelpText(
      'after',
      `
json adds the counts by status and by age bucket (0-1d, 1-3d, 3-7d, 7-14d, 14-30d, 30d+);
the table prints them after the queue.

Examples:
  $ orderbridge report fulfillment
  $ orderbridge report fulfillment --format json --limit 50`,
    )
    .action(
      action(async (context, flags: ReportFlags) => {
        const { runFulfillmentReport } = await import('./report.js');
        await runFulfillmentReport(context, flags);
      }),
    );

  const merchants = withCommonFlags(new Command('merchants'))
    .description(
      'Per merchant and currency: orders by status, amount, captured, refunded, net, awaiting capture, problems, chargebacks, anomalies.',
    )
    .option('--as-of <timestamp>', 'measure "stuck" from this UTC time (default: now)')
    .option('--stuck-after <days>', 'awaiting capture longer than this is an anomaly (default 7)')
    .addHelpText(
      'after',
      `
Anomalies (json: "anomalies"; the table prints them after the merchants): refund_exceeds_amount,
refund_in_other_currency, stuck_awaiting_capture, unknown_status.

Examples:
  $ orderbridge report merchants
  $ orderbridge report merchants --format json --stuck-after 3`,
    )
    .action(
      action(async (context, flags: ReportFlags) => {
        const { runMerchantsReport } = await import('./report.js');
        await runMerchantsReport(context, flags);
      }),
    );

  const reconcile = withCommonFlags(new Command('reconcile'))
    .description("Match a merchant's ledger (CSV) to the stored orders, one verdict per line.")
    .requiredOption(
      '--against <file>',
      'the ledger CSV: header with reference, amount, currency[, status]',
    )
    .option('--merchant <id>', 'only orders of this merchant id count as missing_in_ledger')
    .addHelpText(
      'after',
      `
The ledger's reference is an order key (flexfactor:...), a provider order id or a reference number;
amount is a decimal in major units (45.65). Verdicts: matched, amount_mismatch, currency_mismatch,
status_mismatch, missing_in_provider, missing_in_ledger, duplicate_in_ledger, ambiguous_reference.
--from, --to, --merchant limit the orders expected in the ledger; --provider limits both sides.

Exit codes: 0 everything matches, 4 there are differences, 2 a malformed ledger (the message names
the line) or a bad flag.

Examples:
  $ orderbridge report reconcile --against ledger.csv --provider flexfactor
  $ orderbridge report reconcile --against ledger.csv --from 2025-03-01 --to 2025-04-01 --format csv`,
    )
    .action(
      action(async (context, flags: ReportFlags) => {
        const { runReconcileReport } = await import('./report.js');
        await runReconcileReport(context, flags);
      }),
    );

  command.addCommand(revenue);
  command.addCommand(fulfillment);
  command.addCommand(merchants);
  command.addCommand(reconcile);
  return command;
}
