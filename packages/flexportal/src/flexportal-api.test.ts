import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fullOrder, minimalOrder } from './__fixtures__/flexportal-payloads.js';
import { flexPortalOrderSchema } from './flexportal-api.js';

type Json = Record<string, unknown> | unknown[];

/** Every path to a field or element of a JSON value, depth first (`['items', 0, 'sku']`). */
function pathsOf(value: unknown, prefix: PropertyKey[] = []): PropertyKey[][] {
  if (typeof value !== 'object' || value === null) return [];
  const keys = Array.isArray(value) ? value.map((_, index) => index) : Object.keys(value);
  return keys.flatMap((key) => {
    const path = [...prefix, key];
    return [path, ...pathsOf((value as Record<PropertyKey, unknown>)[key], path)];
  });
}

/** A deep copy of `record` with the field at `path` replaced, or deleted when `value` is `DELETE`. */
function withChange(record: Json, path: PropertyKey[], value: unknown): Json {
  const copy = structuredClone(record);
  let parent = copy as Record<PropertyKey, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<PropertyKey, unknown>;
  const last = path[path.length - 1] as PropertyKey;
  if (value === DELETE) delete parent[last];
  else parent[last] = value;
  return copy;
}

const DELETE = Symbol('delete');

/** Values a drifted or broken FlexPortal could send in place of any field. */
const junk = fc.oneof(
  fc.constant(DELETE),
  fc.constantFrom(null, undefined, '', 'x', 'EUR', 0, -1, 1.5, 1e300, true, [], {}, ['a'], {
    unexpected: 1,
  }),
  fc.string(),
  fc.double(),
);

/** Documented orders with up to three fields changed, dropped or broken. */
const driftedOrder = fc
  .tuple(
    fc.constantFrom(fullOrder(), minimalOrder()),
    fc.array(fc.tuple(fc.nat(), junk), { maxLength: 3 }),
  )
  .map(([order, changes]) => {
    let record: Json = order;
    for (const [pick, value] of changes) {
      const paths = pathsOf(record);
      if (paths.length === 0) break;
      record = withChange(record, paths[pick % paths.length] as PropertyKey[], value);
    }
    return record;
  });

describe('flexPortalOrderSchema', () => {
  it('is compiled: every construct it uses has a compiled fast path', () => {
    expect(() => z.compile(flexPortalOrderSchema, { strict: true })).not.toThrow();
  });

  it('answers exactly as the interpreted schema, value and issues (property)', () => {
    // The same shape, without the compiled fast path.
    const interpreted = z.object(flexPortalOrderSchema.shape);
    const outcomes = { valid: 0, invalid: 0 };
    fc.assert(
      fc.property(driftedOrder, (record) => {
        const compiled = flexPortalOrderSchema.safeParse(record);
        const expected = interpreted.safeParse(record);
        expect(flexPortalOrderSchema.validate(record)).toBe(expected.success);
        expect(compiled.success).toBe(expected.success);
        outcomes[expected.success ? 'valid' : 'invalid'] += 1;
        if (expected.success) expect(compiled.data).toStrictEqual(expected.data);
        else expect(compiled.error?.issues).toStrictEqual(expected.error.issues);
      }),
      { numRuns: 2_000 },
    );
    // Both answers were exercised.
    expect(outcomes.valid).toBeGreaterThan(100);
    expect(outcomes.invalid).toBeGreaterThan(100);
  });
});
