import { createRequire } from 'node:module';
import type { Order, Warning } from '@orderbridge/core';
import { cellText } from './cell-text.js';
import type { Colors } from './color.js';
import { CSV_COLUMNS, type CsvColumn } from './csv-columns.js';
import { type FieldPath, projectOrder, readPath } from './order-fields.js';
import { renderOrderTable } from './order-table.js';
import type { OutputFormat } from './output-format.js';
import { redactOrder } from './redact-order.js';

/** What a listing says after its orders (the `json` format's envelope fields). */
export interface ListingTrailer {
  /** Cursor of the next page, or null at the end. */
  nextCursor: string | null;
  /** Distinct warnings. */
  warnings: readonly Warning[];
  /** Providers that failed (partial results). */
  errors: ReadonlyArray<Record<string, unknown>>;
}

/**
 * Turns orders into output text, batch by batch, so a listing of any size streams in constant
 * memory. The writer calls `header` once for a fresh output (not when resuming), `orders` for each
 * batch and `footer` once at the end.
 */
export interface OrderFormatter {
  /** Text before the first order: the CSV header, `[` or `{"orders":[`. */
  header(): string;
  /** Text of a batch; `writtenBefore` orders precede it (for JSON separators). */
  orders(batch: readonly Order[], writtenBefore: number): string;
  /** Text after the last order; `trailer` fills the list envelope of the `json` format. */
  footer(trailer?: ListingTrailer): string;
}

/** Settings of `createOrderFormatter`. */
export interface OrderFormatterSettings {
  /** The format. */
  format: OutputFormat;
  /** `--fields`: paths to keep (JSON, NDJSON) or columns to show (table, CSV). */
  fields?: readonly FieldPath[] | undefined;
  /** `--redact`: mask emails and payment tokens. */
  redact?: boolean | undefined;
  /**
   * For `json`: `array` (export: a JSON array of orders) or `listing` (list: `{ orders,
   * nextCursor, warnings, errors }`).
   */
  jsonShape?: 'array' | 'listing';
  /** Colour functions for tables. */
  colors: Colors;
  /** The terminal's width, which a table fits into; undefined for no limit (`--wide`, a pipe). */
  width?: number | undefined;
}

/** RFC 4180: fields with commas, quotes or line breaks are quoted, quotes doubled, CRLF between records. */
const CSV_OPTIONS = { record_delimiter: 'windows', quote_record_delimiter: true } as const;

const require = createRequire(import.meta.url);
let csvStringify: typeof import('csv-stringify/sync').stringify | undefined;

/**
 * csv-stringify's `stringify`, loaded on first use (synchronously, from its CommonJS entry) so
 * that the other formats never load it.
 */
export function stringify(records: readonly (readonly string[])[]): string {
  csvStringify ??= (require('csv-stringify/sync') as typeof import('csv-stringify/sync')).stringify;
  return csvStringify(records as string[][], CSV_OPTIONS);
}

/** The formatter for a format. */
export function createOrderFormatter(settings: OrderFormatterSettings): OrderFormatter {
  const prepare = (order: Order): Order => (settings.redact ? redactOrder(order) : order);
  const fields = settings.fields;
  const toJson = (order: Order): string =>
    JSON.stringify(fields ? projectOrder(prepare(order), fields) : prepare(order));
  switch (settings.format) {
    case 'ndjson':
      return {
        header: () => '',
        orders: (batch) => batch.map((order) => `${toJson(order)}\n`).join(''),
        footer: () => '',
      };
    case 'json': {
      const isListing = settings.jsonShape === 'listing';
      return {
        header: () => (isListing ? '{"orders":[' : '['),
        orders: (batch, writtenBefore) =>
          batch
            .map((order, index) => `${writtenBefore + index === 0 ? '\n' : ',\n'}${toJson(order)}`)
            .join(''),
        footer: (trailer) => {
          if (!isListing) return '\n]\n';
          const tail = trailer ?? { nextCursor: null, warnings: [], errors: [] };
          return `\n],"nextCursor":${JSON.stringify(tail.nextCursor)},"warnings":${JSON.stringify(tail.warnings)},"errors":${JSON.stringify(tail.errors)}}\n`;
        },
      };
    }
    case 'csv': {
      const columns = csvColumns(fields);
      return {
        header: () => stringify([columns.map((column) => column.name)]),
        orders: (batch) =>
          batch.length === 0
            ? ''
            : stringify(
                batch.map((order) => {
                  const prepared = prepare(order);
                  return columns.map((column) => column.read(prepared));
                }),
              ),
        footer: () => '',
      };
    }
    case 'table':
      return {
        header: () => '',
        orders: (batch) =>
          batch.length === 0
            ? ''
            : renderOrderTable(batch.map(prepare), {
                colors: settings.colors,
                fields,
                width: settings.width,
              }),
        footer: () => '',
      };
  }
}

/** The CSV columns: the stable set, or `--fields` (CSV column names or dotted paths). */
function csvColumns(fields: readonly FieldPath[] | undefined): readonly CsvColumn[] {
  if (!fields) return CSV_COLUMNS;
  return fields.map(
    (field) =>
      CSV_COLUMNS.find((column) => column.name === field.text) ?? {
        name: field.text,
        read: (order: Order) => cellText(readPath(order, field), 'machine'),
      },
  );
}
