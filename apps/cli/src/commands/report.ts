import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InvalidQueryError, toDecimalString } from '@orderbridge/core';
import type {
  FulfillmentReport,
  MerchantsReport,
  OrderStore,
  ReconcileReport,
  RevenueReport,
} from '@orderbridge/store';
import { ExitCode } from '../errors/exit-code.js';
import { UsageError } from '../errors/usage-error.js';
import { stringify } from '../output/order-formatter.js';
import { loadTable, TABLE_LOOK, tableText } from '../output/order-table.js';
import { type OutputFormat, parseOutputFormat } from '../output/output-format.js';
import { parseDateFlag } from '../query/date-flag.js';
import { parseIntegerFlag } from '../query/integer-flag.js';
import { withStore } from '../store/open-store.js';
import type { CommandContext } from './command-context.js';
import { loadConfig } from './order-options.js';
import type { ReportFlags } from './report-command.js';

/** One column of a report's rows: its name (the JSON field) and how a table shows it. */
interface Column<Row> {
  name: string;
  value: (row: Row) => string | number | null;
  /** An amount: the table shows it as a decimal of this currency (JSON and CSV keep minor units). */
  money?: (row: Row) => string;
}

/** Runs `report revenue`. */
export async function runRevenueReport(context: CommandContext, flags: ReportFlags): Promise<void> {
  const format = reportFormat(context, flags);
  const by = flags.by === undefined ? undefined : parsePeriod(flags.by);
  const report: RevenueReport = await withReportStore(context, flags, async (store) => {
    const { revenueReport } = await import('@orderbridge/store');
    return revenueReport(store, { ...windowOf(context, flags), by });
  });
  type Row = RevenueReport['rows'][number];
  const columns: Column<Row>[] = [
    { name: 'period', value: (row) => row.period },
    { name: 'provider', value: (row) => row.provider },
    { name: 'currency', value: (row) => row.currency },
    { name: 'orders', value: (row) => row.orders },
    { name: 'byStatus', value: (row) => JSON.stringify(row.byStatus) },
    { name: 'amountMinor', value: (row) => row.amountMinor, money: (row) => row.currency },
    { name: 'capturedOrders', value: (row) => row.capturedOrders },
    { name: 'capturedMinor', value: (row) => row.capturedMinor, money: (row) => row.currency },
    { name: 'refundedOrders', value: (row) => row.refundedOrders },
    { name: 'refundedMinor', value: (row) => row.refundedMinor, money: (row) => row.currency },
    { name: 'netMinor', value: (row) => row.netMinor, money: (row) => row.currency },
    { name: 'awaitingCaptureOrders', value: (row) => row.awaitingCaptureOrders },
    {
      name: 'awaitingCaptureMinor',
      value: (row) => row.awaitingCaptureMinor,
      money: (row) => row.currency,
    },
    { name: 'cancelledOrFailedOrders', value: (row) => row.cancelledOrFailedOrders },
    { name: 'refundsInOtherCurrency', value: (row) => row.refundsInOtherCurrency },
  ];
  writeReport(context, format, report, report.rows, columns);
}

/** Runs `report fulfillment`. */
export async function runFulfillmentReport(
  context: CommandContext,
  flags: ReportFlags,
): Promise<void> {
  const format = reportFormat(context, flags);
  const limit =
    flags.limit === undefined ? undefined : parseIntegerFlag('--limit', flags.limit, 1, 100_000);
  const asOf = asOfOf(context, flags);
  const report: FulfillmentReport = await withReportStore(context, flags, async (store) => {
    const { fulfillmentReport } = await import('@orderbridge/store');
    return fulfillmentReport(store, { ...windowOf(context, flags), asOf, limit });
  });
  type Row = FulfillmentReport['queue'][number];
  const columns: Column<Row>[] = [
    { name: 'key', value: (row) => row.key },
    { name: 'provider', value: (row) => row.provider },
    { name: 'orderId', value: (row) => row.orderId },
    { name: 'status', value: (row) => row.status },
    { name: 'fulfillmentStatus', value: (row) => row.fulfillmentStatus },
    { name: 'createdAt', value: (row) => row.createdAt },
    { name: 'ageDays', value: (row) => row.ageDays },
    { name: 'unitsDone', value: (row) => row.unitsDone },
    { name: 'unitsTotal', value: (row) => row.unitsTotal },
    { name: 'currency', value: (row) => row.currency },
    { name: 'amountMinor', value: (row) => row.amountMinor, money: (row) => row.currency },
  ];
  writeReport(context, format, report, report.queue, columns, () => {
    const lines = [
      `\n${report.total} order${report.total === 1 ? '' : 's'} in the queue (ages as of ${report.asOf})`,
      `by status: ${report.byStatus.map((entry) => `${entry.status}/${entry.fulfillmentStatus} ${entry.orders}`).join(', ') || 'none'}`,
      `by age:    ${report.byAge.map((entry) => `${entry.bucket} ${entry.orders}`).join(', ')}`,
    ];
    return `${lines.join('\n')}\n`;
  });
}

/** Runs `report merchants`. */
export async function runMerchantsReport(
  context: CommandContext,
  flags: ReportFlags,
): Promise<void> {
  const format = reportFormat(context, flags);
  const stuckAfterDays =
    flags.stuckAfter === undefined
      ? undefined
      : parseIntegerFlag('--stuck-after', flags.stuckAfter, 0, 3650);
  const asOf = asOfOf(context, flags);
  const report: MerchantsReport = await withReportStore(context, flags, async (store) => {
    const { merchantsReport } = await import('@orderbridge/store');
    return merchantsReport(store, { ...windowOf(context, flags), asOf, stuckAfterDays });
  });
  type Row = MerchantsReport['rows'][number];
  const columns: Column<Row>[] = [
    { name: 'provider', value: (row) => row.provider },
    { name: 'merchantId', value: (row) => row.merchantId },
    { name: 'merchantName', value: (row) => row.merchantName },
    { name: 'currency', value: (row) => row.currency },
    { name: 'orders', value: (row) => row.orders },
    { name: 'amountMinor', value: (row) => row.amountMinor, money: (row) => row.currency },
    { name: 'byStatus', value: (row) => JSON.stringify(row.byStatus) },
    { name: 'capturedMinor', value: (row) => row.capturedMinor, money: (row) => row.currency },
    { name: 'refundedMinor', value: (row) => row.refundedMinor, money: (row) => row.currency },
    { name: 'netMinor', value: (row) => row.netMinor, money: (row) => row.currency },
    { name: 'awaitingCaptureOrders', value: (row) => row.awaitingCaptureOrders },
    {
      name: 'awaitingCaptureMinor',
      value: (row) => row.awaitingCaptureMinor,
      money: (row) => row.currency,
    },
    { name: 'problemOrders', value: (row) => row.problemOrders },
    { name: 'problemMinor', value: (row) => row.problemMinor, money: (row) => row.currency },
    { name: 'chargebackOrders', value: (row) => row.chargebackOrders },
    { name: 'chargebackMinor', value: (row) => row.chargebackMinor, money: (row) => row.currency },
    { name: 'anomalies', value: (row) => row.anomalies },
  ];
  writeReport(context, format, report, report.rows, columns, () => {
    if (report.anomalies.length === 0) return '\nNo anomalies.\n';
    return `\nAnomalies:\n${report.anomalies.map((anomaly) => `  ${anomaly.kind}  ${anomaly.key}  ${anomaly.detail}\n`).join('')}`;
  });
  if (format === 'ndjson' || format === 'csv') {
    for (const anomaly of report.anomalies) {
      context.note(`anomaly: ${anomaly.kind} ${anomaly.key}: ${anomaly.detail}`);
    }
  }
}

/** Runs `report reconcile`: exit code 4 when the ledger and the store differ. */
export async function runReconcileReport(
  context: CommandContext,
  flags: ReportFlags,
): Promise<void> {
  const format = reportFormat(context, flags);
  if (flags.against === undefined) throw new UsageError('--against <file> is required.');
  const path = resolve(context.io.cwd, flags.against);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(
      `--against: cannot read ${flags.against}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  const { parseLedgerCsv, reconcileReport } = await import('@orderbridge/store');
  let ledger: ReturnType<typeof parseLedgerCsv>;
  try {
    ledger = parseLedgerCsv(text);
  } catch (error) {
    if (InvalidQueryError.isInstance(error)) {
      throw new UsageError(`${flags.against}: ${error.message}`, {
        hint: 'The ledger needs a header with reference, amount and currency (status optional); see "orderbridge report reconcile --help".',
      });
    }
    throw error;
  }
  const report: ReconcileReport = await withReportStore(context, flags, (store) =>
    reconcileReport(store, { ...windowOf(context, flags), ledger, merchantId: flags.merchant }),
  );
  type Row = ReconcileReport['rows'][number];
  const columns: Column<Row>[] = [
    { name: 'verdict', value: (row) => row.verdict },
    { name: 'line', value: (row) => row.line },
    { name: 'reference', value: (row) => row.reference },
    { name: 'ledgerAmount', value: (row) => row.ledgerAmount },
    { name: 'ledgerCurrency', value: (row) => row.ledgerCurrency },
    { name: 'ledgerStatus', value: (row) => row.ledgerStatus },
    { name: 'orderKey', value: (row) => row.orderKey },
    { name: 'orderAmountMinor', value: (row) => row.orderAmountMinor },
    { name: 'orderCurrency', value: (row) => row.orderCurrency },
    { name: 'orderStatus', value: (row) => row.orderStatus },
    { name: 'orderPaymentStatus', value: (row) => row.orderPaymentStatus },
    { name: 'detail', value: (row) => row.detail },
  ];
  const summaryLine = Object.entries(report.summary)
    .filter(([, count]) => count > 0)
    .map(([verdict, count]) => `${verdict} ${count}`)
    .join(', ');
  writeReport(
    context,
    format,
    report,
    report.rows,
    columns,
    () => `\n${summaryLine || 'empty ledger, no orders'}\n`,
  );
  if (format === 'ndjson' || format === 'csv') context.note(`summary: ${summaryLine || 'none'}`);
  if (report.differences > 0) context.setExitCode(ExitCode.differences);
}

/** `--format`, else `ORDERBRIDGE_FORMAT`, else a table on a terminal and NDJSON in a pipe. */
function reportFormat(context: CommandContext, flags: ReportFlags): OutputFormat {
  if (flags.format !== undefined) return parseOutputFormat(flags.format, '--format');
  const fromEnv = context.io.env.ORDERBRIDGE_FORMAT;
  if (fromEnv) return parseOutputFormat(fromEnv, 'ORDERBRIDGE_FORMAT');
  return context.io.stdout.isTTY ? 'table' : 'ndjson';
}

function parsePeriod(value: string): 'day' | 'week' | 'month' {
  const period = value.trim().toLowerCase();
  if (period === 'day' || period === 'week' || period === 'month') return period;
  throw new UsageError(`--by: "${value}" is not a period. Allowed: day, week, month.`);
}

/** A window bound: a bare date as is (midnight UTC), else any form `--created-from` takes. */
function boundOf(context: CommandContext, flag: string, value: string | undefined) {
  if (value === undefined) return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value.trim())) return value.trim();
  return parseDateFlag(flag, value, 'from', context.io.now);
}

function windowOf(context: CommandContext, flags: ReportFlags) {
  return {
    scope: flags.scope,
    provider: flags.provider?.filter((id) => id !== ''),
    from: boundOf(context, '--from', flags.from),
    to: boundOf(context, '--to', flags.to),
  };
}

function asOfOf(context: CommandContext, flags: ReportFlags): string {
  return flags.asOf === undefined
    ? context.io.now().toISOString()
    : parseDateFlag('--as-of', flags.asOf, 'from', context.io.now);
}

/** Opens the store the command names (as `sync` and `db` do), runs one report, closes it. */
async function withReportStore<Result>(
  context: CommandContext,
  flags: ReportFlags,
  run: (store: OrderStore) => Promise<Result>,
): Promise<Result> {
  return withStore(context, await loadConfig(context), flags.database, run);
}

function writeReport<Row>(
  context: CommandContext,
  format: OutputFormat,
  report: object,
  rows: readonly Row[],
  columns: readonly Column<Row>[],
  tableFooter?: () => string,
): void {
  const out = context.io.stdout;
  switch (format) {
    case 'json':
      out.write(`${JSON.stringify(report, null, 2)}\n`);
      return;
    case 'ndjson':
      for (const row of rows) out.write(`${JSON.stringify(row)}\n`);
      return;
    case 'csv':
      out.write(
        stringify([
          columns.map((column) => column.name),
          ...rows.map((row) => columns.map((column) => csvCell(column.value(row)))),
        ]),
      );
      return;
    case 'table': {
      const Table = loadTable();
      const table = new Table({
        // Amounts are decimals here, so their heads lose the "Minor" of the JSON field names.
        head: columns.map((column) =>
          context.stdoutColors.bold(column.money ? column.name.replace(/Minor$/, '') : column.name),
        ),
        colAligns: columns.map((column) =>
          column.money || typeof (rows[0] && column.value(rows[0])) === 'number' ? 'right' : 'left',
        ),
        ...TABLE_LOOK,
      });
      for (const row of rows) {
        table.push(
          columns.map((column) => {
            const value = column.value(row);
            if (column.money && typeof value === 'number') {
              return toDecimalString({ amountMinor: value, currency: column.money(row) });
            }
            return value === null ? '' : String(value);
          }),
        );
      }
      out.write(rows.length === 0 ? 'No rows.\n' : tableText(table));
      if (tableFooter) out.write(tableFooter());
    }
  }
}

function csvCell(value: string | number | null): string {
  return value === null ? '' : String(value);
}
