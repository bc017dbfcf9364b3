import { createRequire } from 'node:module';
import { stripVTControlCharacters } from 'node:util';
import { formatMoney, type Order, toDecimalString } from '@orderbridge/core';
import type TableConstructor from 'cli-table3';
import { cellText } from './cell-text.js';
import type { Colors } from './color.js';
import { type FieldPath, readPath } from './order-fields.js';

const require = createRequire(import.meta.url);
let loadedTable: typeof TableConstructor | undefined;

/**
 * cli-table3, loaded on first use (synchronously, from its CommonJS entry): it and the
 * string-width family are only for tables, and every command that prints none (an NDJSON or CSV
 * export, `--version`) would otherwise load them too.
 */
export function loadTable(): typeof TableConstructor {
  loadedTable ??= require('cli-table3') as typeof TableConstructor;
  return loadedTable;
}

/** Settings of the human-readable views. */
export interface TableSettings {
  /** Colour functions (identity when colour is off). */
  colors: Colors;
  /** `--fields`: the columns to show instead of the default ones. */
  fields?: readonly FieldPath[] | undefined;
  /**
   * The terminal's width: the default table is fitted into it by shortening long keys and
   * customer names with an ellipsis, as `gh` does. Undefined (a pipe, or `--wide`): no limit.
   */
  width?: number | undefined;
}

/** cli-table3's own colours off (picocolors decides), no row separators. */
const NO_STYLE = { head: [] as string[], border: [] as string[], compact: true };
/** Columns separated by two spaces, no box: easy to read, easy to grep, like `kubectl get`. */
export const BORDERLESS = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: '  ',
};
export const TABLE_LOOK = {
  chars: BORDERLESS,
  style: { ...NO_STYLE, 'padding-left': 0, 'padding-right': 0 },
};

/** One column of the default table; a column with `shrink` may be shortened to fit a terminal. */
interface TableColumn {
  name: string;
  align?: 'right';
  read: (order: Order, colors: Colors) => string;
  /** How to shorten it, and how narrow it may get (the first columns listed shrink first). */
  shrink?: { minimum: number; cut: 'middle' | 'end'; order: number };
}

/**
 * The default columns of the order table: key, status, payment, customer, total, created. A key
 * loses its middle (its provider prefix and the end of its id stay readable), a name its end.
 */
const DEFAULT_COLUMNS: readonly TableColumn[] = [
  { name: 'key', read: (order) => order.key, shrink: { minimum: 22, cut: 'middle', order: 1 } },
  { name: 'status', read: (order, colors) => colorStatus(order.status, colors) },
  { name: 'payment', read: (order) => order.paymentStatus ?? '' },
  {
    name: 'customer',
    read: (order) => customerLabel(order),
    shrink: { minimum: 10, cut: 'end', order: 0 },
  },
  { name: 'total', align: 'right', read: (order) => moneyLabel(order.totals.total) },
  { name: 'created', read: (order) => shortTimestamp(order.createdAt) },
];

/** Space between two columns of the borderless table. */
const COLUMN_GAP = 2;

/** Visible width of a cell (colour codes take no room). */
function visibleWidth(text: string): number {
  return stripVTControlCharacters(text).length;
}

/** `text` cut to `width` visible characters with an ellipsis, at its end or in its middle. */
export function truncateText(text: string, width: number, cut: 'middle' | 'end'): string {
  if (text.length <= width) return text;
  if (width <= 1) return '…'.slice(0, width);
  if (cut === 'end') return `${text.slice(0, width - 1)}…`;
  const head = Math.ceil((width - 1) / 2);
  const tail = width - 1 - head;
  return `${text.slice(0, head)}…${tail > 0 ? text.slice(-tail) : ''}`;
}

/**
 * The widths the columns get within `width`: their content's widths, less what the shrinkable
 * columns give up (each down to its minimum, in its order) until the line fits or none can shrink.
 */
function fitColumns(rows: readonly string[][], width: number | undefined): number[] {
  const widths = DEFAULT_COLUMNS.map((column, index) =>
    Math.max(column.name.length, ...rows.map((row) => visibleWidth(row[index] ?? ''))),
  );
  if (width === undefined) return widths;
  let excess =
    widths.reduce((sum, value) => sum + value, 0) + COLUMN_GAP * (widths.length - 1) - width;
  const shrinkable = DEFAULT_COLUMNS.map((column, index) => ({ column, index }))
    .filter((entry) => entry.column.shrink)
    .sort((left, right) => (left.column.shrink?.order ?? 0) - (right.column.shrink?.order ?? 0));
  for (const { column, index } of shrinkable) {
    if (excess <= 0) break;
    const minimum = Math.max(column.shrink?.minimum ?? 0, column.name.length);
    const giving = Math.min(excess, Math.max(0, (widths[index] ?? 0) - minimum));
    widths[index] = (widths[index] ?? 0) - giving;
    excess -= giving;
  }
  return widths;
}

/** Renders orders as a table for a terminal: default columns, or the `--fields` paths. */
export function renderOrderTable(orders: readonly Order[], settings: TableSettings): string {
  const { colors, fields } = settings;
  const Table = loadTable();
  if (fields) {
    const table = new Table({
      head: fields.map((field) => colors.bold(field.text)),
      style: NO_STYLE,
    });
    for (const order of orders) {
      table.push(fields.map((field) => cellText(readPath(order, field), 'human')));
    }
    return tableText(table);
  }
  const table = new Table({
    head: DEFAULT_COLUMNS.map((column) => colors.bold(column.name.toUpperCase())),
    colAligns: DEFAULT_COLUMNS.map((column) => column.align ?? 'left'),
    ...TABLE_LOOK,
  });
  const rows = orders.map((order) => DEFAULT_COLUMNS.map((column) => column.read(order, colors)));
  const widths = fitColumns(rows, settings.width);
  for (const row of rows) {
    table.push(
      row.map((cell, index) => {
        const shrink = DEFAULT_COLUMNS[index]?.shrink;
        return shrink ? truncateText(cell, widths[index] ?? cell.length, shrink.cut) : cell;
      }),
    );
  }
  return tableText(table);
}

/** Renders one order for `orders get` on a terminal: its fields, then its lines. */
export function renderOrderDetail(order: Order, settings: TableSettings): string {
  const { colors, fields } = settings;
  const Table = loadTable();
  const details = new Table(TABLE_LOOK);
  const add = (name: string, value: string) => details.push({ [colors.bold(`${name}:`)]: value });
  if (fields) {
    for (const field of fields) add(field.text, cellText(readPath(order, field), 'human'));
    return tableText(details);
  }
  add('key', order.key);
  add('status', colorStatus(order.status, colors));
  add('payment', order.paymentStatus ?? '—');
  add('fulfillment', order.fulfillmentStatus ?? '—');
  add(
    'provider status',
    `${order.providerStatus.code}${order.providerStatus.label ? ` (${order.providerStatus.label})` : ''}`,
  );
  add('type', order.type ?? '—');
  add('reference', order.reference ?? '—');
  add('customer', customerDetail(order));
  if (order.customer?.company) add('company', order.customer.company);
  add('merchant', merchantDetail(order));
  add('total', moneyLabel(order.totals.total));
  for (const name of ['subtotal', 'tax', 'refunded'] as const) {
    const money = order.totals[name];
    if (money) add(name, moneyLabel(money));
  }
  if (order.fulfillment)
    add('fulfilled', `${order.fulfillment.done} of ${order.fulfillment.total}`);
  add('created', order.createdAt);
  if (order.updatedAt) add('updated', order.updatedAt);
  if (order.placedAt) add('placed', order.placedAt);
  let text = tableText(details);
  if (order.items.length > 0) {
    const items = new Table({
      head: ['SKU', 'NAME', 'QTY', 'UNIT PRICE', 'TERM', 'FULFILMENT'].map((name) =>
        colors.bold(name),
      ),
      colAligns: ['left', 'left', 'right', 'right', 'right', 'left'],
      ...TABLE_LOOK,
    });
    for (const item of order.items) {
      items.push([
        item.sku ?? '',
        item.name ?? '',
        String(item.quantity),
        item.unitPrice ? moneyLabel(item.unitPrice) : '',
        item.termMonths === null ? '' : `${item.termMonths} mo`,
        item.fulfillment
          ? `${item.fulfillment.status}${item.fulfillment.done === null ? '' : ` (${item.fulfillment.done})`}`
          : '',
      ]);
    }
    text += `\n${tableText(items)}`;
  }
  return text;
}

/** The table's text without the padding cli-table3 leaves at line ends. */
export function tableText(table: { toString(): string }): string {
  return `${table
    .toString()
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')}\n`;
}

function colorStatus(status: Order['status'], colors: Colors): string {
  switch (status) {
    case 'completed':
      return colors.green(status);
    case 'cancelled':
    case 'failed':
    case 'returned':
      return colors.red(status);
    case 'pending':
    case 'on_hold':
    case 'draft':
      return colors.yellow(status);
    case 'unknown':
      return colors.magenta(status);
    default:
      return colors.cyan(status);
  }
}

function customerLabel(order: Order): string {
  const customer = order.customer;
  if (!customer) return '';
  return customer.name ?? customer.company ?? customer.email ?? customer.id ?? '';
}

function customerDetail(order: Order): string {
  const customer = order.customer;
  if (!customer) return '—';
  // The company has a line of its own: "Lena Vos Example BV" read as one name.
  const parts = [customer.name, customer.email && `<${customer.email}>`].filter(
    (part): part is string => Boolean(part),
  );
  if (customer.id) parts.push(`(id ${customer.id})`);
  return parts.join(' ') || '—';
}

function merchantDetail(order: Order): string {
  const merchant = order.merchant;
  if (!merchant) return '—';
  const parts = [merchant.name, merchant.id && `(id ${merchant.id})`].filter(
    (part): part is string => Boolean(part),
  );
  if (merchant.storeName || merchant.storeId) {
    parts.push(
      `store ${merchant.storeName ?? ''}${merchant.storeId ? ` (id ${merchant.storeId})` : ''}`.trim(),
    );
  }
  return parts.join(' ') || '—';
}

/** `$45.65`, or the exact decimal and code when the runtime's Intl does not know the currency. */
function moneyLabel(money: Order['totals']['total']): string {
  try {
    return formatMoney(money);
  } catch {
    return `${toDecimalString(money)} ${money.currency}`;
  }
}

/** `2024-03-01 12:34` (UTC), short enough for a table column. */
function shortTimestamp(timestamp: string): string {
  return `${timestamp.slice(0, 10)} ${timestamp.slice(11, 16)}`;
}
