import { sql } from 'kysely';
import { z } from 'zod';
import type { OrderStore } from '../order-store.js';
import type { LedgerLine } from './ledger-csv.js';
import { reportWindowSchema } from './report-options.js';
import {
  compareText,
  parseReportOptions,
  type ReportWindow,
  reportDatabase,
  resolveWindow,
  timestampOfKey,
  windowConditions,
} from './report-query.js';

/** Verdicts of a reconciliation row; every one but `matched` is a difference. */
export const RECONCILE_VERDICTS = [
  'matched',
  'amount_mismatch',
  'currency_mismatch',
  'status_mismatch',
  'missing_in_provider',
  'missing_in_ledger',
  'duplicate_in_ledger',
  'ambiguous_reference',
] as const;
/** A reconciliation verdict. */
export type ReconcileVerdict = (typeof RECONCILE_VERDICTS)[number];

/** Options of `reconcileReport`. */
export interface ReconcileReportOptions extends ReportWindow {
  /** The merchant's records (`parseLedgerCsv` reads them from a CSV). */
  ledger: readonly LedgerLine[];
  /** Only orders of this merchant id count as `missing_in_ledger`. */
  merchantId?: string | undefined;
}

/** One ledger line, or one stored order no ledger line names. */
export interface ReconcileRow {
  verdict: ReconcileVerdict;
  /** The ledger line number (null for `missing_in_ledger`). */
  line: number | null;
  reference: string | null;
  ledgerAmount: string | null;
  ledgerAmountMinor: number | null;
  ledgerCurrency: string | null;
  ledgerStatus: string | null;
  /** The matched order (null for `missing_in_provider` and `ambiguous_reference`). */
  orderKey: string | null;
  provider: string | null;
  orderAmountMinor: number | null;
  orderCurrency: string | null;
  orderStatus: string | null;
  orderPaymentStatus: string | null;
  orderCreatedAt: string | null;
  /** Why the verdict, in words. */
  detail: string;
}

/** The reconciliation: one row per ledger line and per unmatched order, and a count per verdict. */
export interface ReconcileReport {
  rows: ReconcileRow[];
  summary: Record<ReconcileVerdict, number>;
  /** Rows whose verdict is not `matched`: the CLI exits 4 when this is above zero. */
  differences: number;
}

const ledgerLineSchema = z.strictObject({
  line: z.number().int().min(1),
  reference: z.string().min(1),
  amount: z.string(),
  amountMinor: z.number().int(),
  currency: z.string().regex(/^[A-Z]{3}$/),
  status: z.string().nullable(),
});

const optionsSchema = reportWindowSchema.extend({
  ledger: z.array(ledgerLineSchema),
  merchantId: z.string().min(1).optional(),
});

/** Values per lookup statement (one bound parameter each, well under both databases' limits). */
const LOOKUP_CHUNK = 5000;

interface StoredRow {
  key: string;
  provider: string;
  order_id: string;
  reference: string | null;
  merchant_id: string | null;
  currency: string;
  total_minor: number;
  status: string;
  payment_status: string | null;
  provider_status_code: string;
  provider_status_label: string | null;
  created_at: string;
}

const COLUMNS = [
  'key',
  'provider',
  'order_id',
  'reference',
  'merchant_id',
  'currency',
  'total_minor',
  'status',
  'payment_status',
  'provider_status_code',
  'provider_status_label',
  'created_at',
] as const;

/**
 * Matches ledger lines to stored orders: a line's `reference` names an order by key, else by
 * provider order id, else by `reference` (FlexFactor's reference number). A matched line is
 * compared on currency, then amount (exact minor units), then status (when the line has one:
 * equal, ignoring case, to the canonical `status`, `paymentStatus`, or the provider's raw
 * status code or label).
 * Orders in the window (and of `merchantId`) that no line names are `missing_in_ledger`.
 * `provider` limits both sides; `from` / `to` / `merchantId` only the orders expected in the ledger.
 * @throws InvalidQueryError for a bad option (naming it).
 */
export async function reconcileReport(
  store: OrderStore,
  options: ReconcileReportOptions,
): Promise<ReconcileReport> {
  const parsed = parseReportOptions(optionsSchema, options);
  const window = resolveWindow(parsed);
  const db = reportDatabase(store);

  const references = [...new Set(parsed.ledger.map((line) => line.reference))];
  // Two index lookups instead of one OR over three columns (which SQLite answers with a scan):
  // keys by primary key, where a provider order id `x` is the key `<provider>:x` of each provider
  // of the scope (every provider that was synced has a sync state), and reference numbers through
  // orders_by_reference. The lookups name the scope only and the providers are checked here:
  // with `provider in (…)` in the statement, SQLite without statistics (a store that has not been
  // closed since its rows were written) took an index on (scope, provider, …) instead and read
  // every order of the provider (1.9 s instead of 0.2 s over 1,000,000).
  const providers =
    window.providers.length > 0
      ? window.providers
      : (await store.syncStates(window.scope)).map((state) => state.provider);
  const keys = new Set(references);
  for (const provider of providers) {
    for (const reference of references) keys.add(`${provider}:${reference}`);
  }
  const scopeOnly = resolveWindow({ scope: window.scope });
  const found: StoredRow[] = [];
  for (const [column, values] of [
    ['key', [...keys]],
    ['reference', references],
  ] as const) {
    for (let start = 0; start < values.length; start += LOOKUP_CHUNK) {
      const chunk = values.slice(start, start + LOOKUP_CHUNK);
      const rows = await db
        .selectFrom('orders')
        .where((eb) => eb.and([...windowConditions(scopeOnly), eb(column, 'in', chunk)]))
        .select([...COLUMNS])
        .execute();
      for (const row of rows) {
        if (window.providers.length === 0 || window.providers.includes(row.provider)) {
          found.push(row);
        }
      }
    }
  }
  const byKey = new Map<string, StoredRow>();
  const byId = new Map<string, StoredRow[]>();
  const byReference = new Map<string, StoredRow[]>();
  for (const row of found) {
    if (byKey.has(row.key)) continue; // found by key and by reference
    byKey.set(row.key, row);
    push(byId, row.order_id, row);
    if (row.reference !== null) push(byReference, row.reference, row);
  }

  const rows: ReconcileRow[] = [];
  const matchedKeys = new Set<string>();
  for (const line of parsed.ledger) {
    const exact = byKey.get(line.reference);
    const candidates = exact
      ? [exact]
      : (byId.get(line.reference) ?? byReference.get(line.reference) ?? []);
    const ledger = {
      line: line.line,
      reference: line.reference,
      ledgerAmount: line.amount,
      ledgerAmountMinor: line.amountMinor,
      ledgerCurrency: line.currency,
      ledgerStatus: line.status,
    };
    const [order] = candidates;
    if (order === undefined) {
      rows.push({
        ...ledger,
        ...orderFields(null),
        verdict: 'missing_in_provider',
        detail: 'no stored order has this key, id or reference',
      });
      continue;
    }
    if (candidates.length > 1) {
      rows.push({
        ...ledger,
        ...orderFields(null),
        verdict: 'ambiguous_reference',
        detail: `${candidates.length} orders match: ${candidates
          .map((candidate) => candidate.key)
          .sort(compareText)
          .join(', ')}`,
      });
      continue;
    }
    const { verdict, detail } = matchedKeys.has(order.key)
      ? {
          verdict: 'duplicate_in_ledger' as const,
          detail: `an earlier ledger line matched ${order.key}`,
        }
      : compare(line, order);
    matchedKeys.add(order.key);
    rows.push({ ...ledger, ...orderFields(order), verdict, detail });
  }

  const expected = await db
    .selectFrom('orders')
    .where((eb) =>
      eb.and([
        ...windowConditions(window),
        ...(parsed.merchantId === undefined
          ? []
          : [sql<boolean>`${sql.ref('merchant_id')} = ${parsed.merchantId}`]),
      ]),
    )
    .select([...COLUMNS])
    .orderBy('created_at')
    .orderBy('key')
    .execute();
  for (const order of expected) {
    if (matchedKeys.has(order.key)) continue;
    rows.push({
      verdict: 'missing_in_ledger',
      line: null,
      reference: order.reference,
      ledgerAmount: null,
      ledgerAmountMinor: null,
      ledgerCurrency: null,
      ledgerStatus: null,
      ...orderFields(order),
      detail: 'no ledger line names this order',
    });
  }

  const summary = Object.fromEntries(RECONCILE_VERDICTS.map((verdict) => [verdict, 0])) as Record<
    ReconcileVerdict,
    number
  >;
  for (const row of rows) summary[row.verdict] += 1;
  return { rows, summary, differences: rows.length - summary.matched };
}

function push(map: Map<string, StoredRow[]>, key: string, row: StoredRow): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [row]);
  else list.push(row);
}

function orderFields(order: StoredRow | null) {
  return {
    orderKey: order?.key ?? null,
    provider: order?.provider ?? null,
    orderAmountMinor: order === null ? null : Number(order.total_minor),
    orderCurrency: order?.currency ?? null,
    orderStatus: order?.status ?? null,
    orderPaymentStatus: order?.payment_status ?? null,
    orderCreatedAt: order === null ? null : timestampOfKey(order.created_at),
  };
}

function compare(
  line: z.output<typeof ledgerLineSchema>,
  order: StoredRow,
): { verdict: ReconcileVerdict; detail: string } {
  if (line.currency !== order.currency) {
    return {
      verdict: 'currency_mismatch',
      detail: `ledger ${line.currency}, order ${order.currency}`,
    };
  }
  const orderMinor = Number(order.total_minor);
  if (line.amountMinor !== orderMinor) {
    return {
      verdict: 'amount_mismatch',
      detail: `ledger ${line.amountMinor}, order ${orderMinor} (minor units of ${order.currency}; difference ${line.amountMinor - orderMinor})`,
    };
  }
  if (line.status !== null) {
    const wanted = line.status.toLowerCase();
    const known = [
      order.status,
      order.payment_status,
      order.provider_status_code,
      order.provider_status_label,
    ].filter((value): value is string => value !== null);
    if (!known.some((value) => value.toLowerCase() === wanted)) {
      return {
        verdict: 'status_mismatch',
        detail: `ledger "${line.status}", order status ${order.status}, payment ${order.payment_status ?? 'none'}, provider status ${order.provider_status_code}${order.provider_status_label ? ` (${order.provider_status_label})` : ''}`,
      };
    }
  }
  return { verdict: 'matched', detail: 'currency, amount and status agree' };
}
