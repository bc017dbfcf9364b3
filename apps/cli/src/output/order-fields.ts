import type { Order } from '@orderbridge/core';
import { UsageError } from '../errors/usage-error.js';
import { suggestClosest } from '../query/suggest-closest.js';

/** A dotted path into the canonical order (`customer.email`, `totals.total.currency`, `items.0.sku`). */
export interface FieldPath {
  /** The path as written. */
  readonly text: string;
  /** Its segments; numeric segments index arrays. */
  readonly segments: readonly (string | number)[];
}

/** Top-level fields of the canonical order (see `orderSchema` in @orderbridge/core). */
export const ORDER_FIELDS = [
  'provider',
  'id',
  'key',
  'status',
  'paymentStatus',
  'fulfillmentStatus',
  'providerStatus',
  'type',
  'reference',
  'customer',
  'merchant',
  'items',
  'totals',
  'fulfillment',
  'createdAt',
  'updatedAt',
  'placedAt',
  'raw',
  'extensions',
] as const;

const MONEY_FIELDS = ['amountMinor', 'currency'] as const;
const ITEM_FIELDS = [
  'sku',
  'name',
  'quantity',
  'unitPrice',
  'termMonths',
  'fulfillment',
  'listPrice',
  'listPriceSource',
  'acquisitionCost',
  'acquisitionCostSource',
] as const;
/** Known second-level fields; paths below `raw` and `extensions` are free-form. */
const NESTED_FIELDS: Readonly<Record<string, readonly string[]>> = {
  providerStatus: ['code', 'label'],
  customer: ['id', 'email', 'name', 'company'],
  merchant: ['id', 'name', 'storeId', 'storeName'],
  totals: ['subtotal', 'tax', 'total', 'refunded'],
  fulfillment: ['total', 'done'],
};

/**
 * Reads `--fields` (a comma-separated list of dotted paths) and checks each against the canonical
 * model, so a typo fails with a suggestion instead of printing an empty column.
 * @throws UsageError for an empty list or an unknown field.
 */
export function parseFieldsFlag(text: string, extraNames: readonly string[] = []): FieldPath[] {
  const names = text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  if (names.length === 0) {
    throw new UsageError(
      '--fields: list at least one field, e.g. --fields key,status,totals.total.',
    );
  }
  return names.map((name) => {
    if (extraNames.includes(name)) return { text: name, segments: [name] };
    const segments = name
      .split('.')
      .map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
    checkPath(name, segments, extraNames);
    return { text: name, segments };
  });
}

function checkPath(
  text: string,
  segments: readonly (string | number)[],
  extraNames: readonly string[],
): void {
  function fail(index: number, allowed: readonly string[]): never {
    const closest = suggestClosest(String(segments[index]), allowed);
    const suggestion =
      closest === undefined
        ? ''
        : ` (did you mean "${[...segments.slice(0, index), closest].join('.')}"?)`;
    throw new UsageError(`--fields: "${text}" is not a field of an order${suggestion}.`, {
      hint: `Fields are dotted paths into the order (${ORDER_FIELDS.join(', ')})${extraNames.length > 0 ? `; CSV also takes its column names (${extraNames.slice(0, 4).join(', ')}, …)` : ''}.`,
    });
  }
  const [top, second, third] = segments;
  if (typeof top !== 'string' || !(ORDER_FIELDS as readonly string[]).includes(top)) {
    fail(0, [...ORDER_FIELDS, ...extraNames]);
  }
  if (second === undefined || top === 'raw' || top === 'extensions') return;
  if (top === 'items') {
    if (typeof second !== 'number') fail(1, ['0']);
    if (third !== undefined && !(ITEM_FIELDS as readonly string[]).includes(String(third))) {
      fail(2, ITEM_FIELDS);
    }
    return;
  }
  const nested = NESTED_FIELDS[top];
  if (!nested) fail(1, []);
  if (!nested.includes(String(second))) fail(1, nested);
  if (
    third !== undefined &&
    top === 'totals' &&
    !(MONEY_FIELDS as readonly string[]).includes(String(third))
  ) {
    fail(2, MONEY_FIELDS);
  }
}

/** The value at a path, or undefined when a step is missing or null. */
export function readPath(order: Order, path: FieldPath): unknown {
  let value: unknown = order;
  for (const segment of path.segments) {
    if (value === null || value === undefined || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

/**
 * The order reduced to the given paths, keeping its nesting (`customer.email` → `{ customer:
 * { email } }`), for JSON and NDJSON. A path whose value is absent is written as null.
 */
export function projectOrder(order: Order, paths: readonly FieldPath[]): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const path of paths) {
    let target: Record<string | number, unknown> = result;
    const { segments } = path;
    for (let index = 0; index < segments.length - 1; index++) {
      const segment = segments[index]!;
      const existing = target[segment];
      if (typeof existing !== 'object' || existing === null) target[segment] = {};
      target = target[segment] as Record<string | number, unknown>;
    }
    target[segments.at(-1)!] = readPath(order, path) ?? null;
  }
  return result;
}
