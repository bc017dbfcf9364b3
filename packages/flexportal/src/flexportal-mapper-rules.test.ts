import { ProviderResponseError } from '@orderbridge/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { fullOrder, minimalOrder } from './__fixtures__/flexportal-payloads.js';
import { flexPortalOrderSchema } from './flexportal-api.js';
import { mapFlexPortalOrder } from './flexportal-mapper.js';

// mapFlexPortalOrder checks the schema's rules itself while it maps (one pass), and hands a record
// that breaks one to the schema for its issues. These tests hold the two to each other: for every
// field of the documented order, replaced by values of every JSON type (and a few that only a
// caller's own object can hold), the mapper accepts exactly what `flexPortalOrderSchema` accepts,
// rejects the rest with exactly the schema's issues, and maps an accepted record exactly like the
// schema's parsed copy of it.

const context = { provider: 'flexportal' };

/** Values of every JSON type, and the edges of the schema's number, string and object rules. */
const REPLACEMENTS: readonly unknown[] = [
  undefined,
  null,
  '',
  'x',
  '12.5',
  'EUR',
  'eur',
  'EURO',
  0,
  1,
  -1,
  2.5,
  Number.MAX_SAFE_INTEGER + 1,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  true,
  false,
  [],
  ['x'],
  [1],
  {},
  { key: 'value' },
  Object.assign(Object.create(null), { key: 'value' }),
  new Date(0),
  { [Symbol('hidden')]: 1 },
];

/** Every path (as property keys) of a JSON value, objects and arrays included. */
function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== 'object' || value === null) return [];
  const entries = Array.isArray(value)
    ? value.map((item, index) => [index, item] as const)
    : Object.entries(value);
  return entries.flatMap(([key, item]) => [[...prefix, key], ...pathsOf(item, [...prefix, key])]);
}

/** A copy of `record` with the value at `path` replaced (deleted for `undefined`). */
function replaced(record: unknown, path: (string | number)[], value: unknown): unknown {
  const copy = structuredClone(record) as Record<string | number, unknown>;
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (value === undefined && !Array.isArray(parent)) delete parent[last];
  else parent[last] = value;
  return copy;
}

/** What mapping a record gives: the order and warnings, or the error's class and issues. */
function outcomeOf(record: unknown): unknown {
  try {
    const { value, warnings } = mapFlexPortalOrder(record, context);
    return { value, warnings };
  } catch (error) {
    if (error instanceof z.ZodError) return { zodIssues: error.issues };
    if (ProviderResponseError.isInstance(error)) return { readIssues: error.issues };
    throw error;
  }
}

/** `record` with its nested objects (totals, customer, addresses, payment, progress) rebuilt by `rebuild`. */
function withNested(
  record: Record<string, unknown>,
  rebuild: (value: Record<string, unknown>) => object,
): Record<string, unknown> {
  for (const field of [
    'totals',
    'customer',
    'billingAddress',
    'shippingAddress',
    'payment',
    'rentalProgress',
  ]) {
    record[field] = rebuild(record[field] as Record<string, unknown>);
  }
  return record;
}

const records = {
  'a complete order': fullOrder(),
  'an order with only the required fields': minimalOrder({
    customFields: { purchaseOrderNumber: 'PO-1' },
  }),
  'an extension order': minimalOrder({
    orderType: 'extension',
    extensionDetails: {
      originalOrderId: 'ord_prev',
      extensionMonths: 6,
      previousEndDate: '2025-06-01',
      newEndDate: '2025-12-01',
    },
  }),
};

describe('mapFlexPortalOrder, checking the schema while it maps', () => {
  afterEach(() => vi.restoreAllMocks());

  for (const [name, base] of Object.entries(records)) {
    it(`accepts and rejects what the schema does, for every field of ${name}`, () => {
      const parse = vi.spyOn(flexPortalOrderSchema, 'parse');
      let accepted = 0;
      let rejected = 0;
      for (const path of [[], ...pathsOf(base)]) {
        for (const [index, value] of REPLACEMENTS.entries()) {
          const record = path.length === 0 ? value : replaced(base, path, value);
          const schema = flexPortalOrderSchema.safeParse(record);
          parse.mockClear();
          const outcome = outcomeOf(record);
          const where = `${path.join('.') || '(record)'} = replacement ${index}`;
          if (schema.success) {
            accepted++;
            // Read in one pass: the schema is not consulted for a record it accepts.
            expect(parse, where).not.toHaveBeenCalled();
            expect(outcome, where).toStrictEqual(outcomeOf(schema.data));
          } else {
            rejected++;
            expect(outcome, where).toStrictEqual({ zodIssues: schema.error.issues });
          }
        }
      }
      // Both sides of every rule were exercised.
      expect(accepted).toBeGreaterThan(50);
      expect(rejected).toBeGreaterThan(100);
    });
  }

  // The reader walks the keys of a plain object (prototype Object.prototype or null, every own
  // property enumerable: what JSON.parse builds) and reads any other object by name, as the schema
  // does. Each record below holds the same order another way; the outcome must be the schema's.
  const unusualRecords: Record<string, () => unknown> = {
    'a null-prototype object': () => Object.assign(Object.create(null), fullOrder()),
    'an object with non-enumerable fields (one required, one optional)': () => {
      const record = fullOrder();
      Object.defineProperty(record, 'orderId', { value: 'ord_hidden', enumerable: false });
      Object.defineProperty(record, 'notes', { value: 'kept', enumerable: false });
      return record;
    },
    'an object whose fields are inherited': () => Object.create(fullOrder()),
    'an object with getters on its prototype': () => {
      const fields = fullOrder();
      class Record {}
      for (const [name, value] of Object.entries(fields)) {
        Object.defineProperty(Record.prototype, name, { get: () => value });
      }
      return new Record();
    },
    'a proxy of the order': () => new Proxy(fullOrder(), {}),
    'nested objects with null prototypes': () =>
      withNested(fullOrder(), (value) => Object.assign(Object.create(null), value)),
    'nested objects with a non-enumerable field': () =>
      withNested(fullOrder(), (value) => {
        const [first] = Object.keys(value);
        Object.defineProperty(value, first!, { value: value[first!], enumerable: false });
        return value;
      }),
    'nested objects whose fields are inherited': () =>
      withNested(fullOrder(), (value) => Object.create(value)),
    'custom fields with a field named constructor': () =>
      minimalOrder({ customFields: { constructor: 'a field, not a class', costCenter: 'CC-1' } }),
  };

  for (const [name, build] of Object.entries(unusualRecords)) {
    it(`reads ${name} as the schema does`, () => {
      const record = build();
      const schema = flexPortalOrderSchema.safeParse(record);
      expect(schema.success).toBe(true);
      const parse = vi.spyOn(flexPortalOrderSchema, 'parse');
      const outcome = outcomeOf(record);
      // Read in one pass by the reader itself, not left to the schema's copy.
      expect(parse).not.toHaveBeenCalled();
      expect(outcome).toStrictEqual(outcomeOf(schema.data));
      expect(outcome).toMatchObject({ value: { id: schema.data?.orderId } });
    });
  }

  it('keeps a non-enumerable optional field, as the schema reads it', () => {
    const record = fullOrder();
    Object.defineProperty(record, 'notes', { value: 'kept', enumerable: false });
    const order = mapFlexPortalOrder(record, context).value;
    expect(order.extensions.flexportal).toMatchObject({ notes: 'kept' });
  });

  it('reports a schema violation before an amount that cannot be read exactly', () => {
    const record = minimalOrder({
      totals: { subtotal: 0.30000000000000004, total: 1, currency: 'USD' },
      createdBy: 42,
    });
    expect(outcomeOf(record)).toStrictEqual({
      zodIssues: flexPortalOrderSchema.safeParse(record).error?.issues,
    });
  });

  it('delivers a record the schema accepts even where the reader would refuse it', () => {
    // An enumerable symbol key in customFields: zod's record rejects it, so the reader leaves it to
    // the schema; a non-enumerable one is skipped by zod, so the record is valid and is read
    // from the schema's copy.
    const customFields = { purchaseOrderNumber: 'PO-1' };
    Object.defineProperty(customFields, Symbol('internal'), { value: 1, enumerable: false });
    const record = minimalOrder({ customFields });
    expect(flexPortalOrderSchema.safeParse(record).success).toBe(true);
    const order = mapFlexPortalOrder(record, context).value;
    expect(order.extensions.flexportal).toMatchObject({
      customFields: { purchaseOrderNumber: 'PO-1' },
    });
  });
});
