import { InvalidQueryError, toMinorUnits } from '@orderbridge/core';
import { CsvError, parse } from 'csv-parse/sync';

/** One line of a merchant's ledger. */
export interface LedgerLine {
  /** Line number in the file (1 is the header), so a verdict points back at it. */
  line: number;
  /** A FlexFactor reference number, or an order key (`flexfactor:…`) or provider order id. */
  reference: string;
  /** The amount as written, in major units (`45.65`). */
  amount: string;
  /** The amount in minor units of `currency`, exactly. */
  amountMinor: number;
  /** ISO 4217 code, upper-cased. */
  currency: string;
  /** The status as written, or null when the ledger has no status column or leaves it empty. */
  status: string | null;
}

/** The columns a ledger must have (header names are compared case-insensitively). */
export const LEDGER_REQUIRED_COLUMNS = ['reference', 'amount', 'currency'] as const;

function ledgerError(line: number, message: string): InvalidQueryError {
  return new InvalidQueryError({
    message: `Ledger line ${line}: ${message}`,
    issues: [{ field: `line ${line}`, message }],
  });
}

/**
 * Reads a ledger CSV (header first; columns `reference`, `amount`, `currency`, optional `status`,
 * others ignored) with csv-parse. Empty lines are skipped; every other problem is an error naming
 * its line: a malformed row, a missing column, an empty reference, a currency that is not three
 * letters, an amount that is not a decimal or has more fraction digits than the currency.
 * @throws InvalidQueryError whose message starts with `Ledger line <n>:`.
 */
export function parseLedgerCsv(text: string): LedgerLine[] {
  let records: Array<{ record: Record<string, string>; info: { lines: number } }>;
  try {
    records = parse(text, {
      bom: true,
      columns: (header: string[]) => header.map((name) => name.trim().toLowerCase()),
      skip_empty_lines: true,
      trim: true,
      info: true,
    }) as unknown as typeof records;
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines ?? 1;
      throw ledgerError(line, error.message);
    }
    throw error;
  }
  const first = records[0];
  const header = first === undefined ? firstLineColumns(text) : Object.keys(first.record);
  const missing = LEDGER_REQUIRED_COLUMNS.filter((column) => !header.includes(column));
  if (missing.length > 0) {
    throw ledgerError(
      1,
      `the header lacks ${missing.map((column) => `"${column}"`).join(', ')} (it has ${header.map((column) => `"${column}"`).join(', ') || 'nothing'})`,
    );
  }
  return records.map(({ record, info }) => {
    const line = info.lines;
    const reference = record.reference ?? '';
    if (reference === '') throw ledgerError(line, 'the reference is empty');
    const currency = (record.currency ?? '').toUpperCase();
    if (!/^[A-Z]{3}$/.test(currency)) {
      throw ledgerError(line, `currency "${record.currency}" is not a three-letter ISO 4217 code`);
    }
    const amount = record.amount ?? '';
    if (!/^-?\d+(\.\d+)?$/.test(amount)) {
      throw ledgerError(
        line,
        `amount "${amount}" is not a decimal number in major units (e.g. 45.65)`,
      );
    }
    let amountMinor: number;
    try {
      amountMinor = toMinorUnits(amount, currency);
    } catch (error) {
      throw ledgerError(line, `amount ${error instanceof Error ? error.message : String(error)}`);
    }
    const status = record.status === undefined || record.status === '' ? null : record.status;
    return { line, reference, amount, amountMinor, currency, status };
  });
}

/** The header of a ledger with no data line. */
function firstLineColumns(text: string): string[] {
  const [line = ''] = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1);
  return line === '' ? [] : line.split(',').map((name) => name.trim().toLowerCase());
}
