import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { flexFactorOrderListResponseSchema, flexFactorOrderRowSchema } from './flexfactor-api.js';
import { readFixture } from './test-support/read-fixture.js';

const seedRows = flexFactorOrderListResponseSchema.parse(readFixture('seed-002-list-response.json'))
  .orders.rows as Array<Record<string, unknown>>;

/** Values a drifted or broken FlexFactor could send in place of any field of a row. */
const fieldValue = fc.oneof(
  fc.constantFrom(null, undefined, '', 'x', 'USD', 'usd', 'US', ' 45.65 ', '1e2', 'lots'),
  fc.constantFrom(0, 7, -1, 45.65, 1.5, Number.NaN, Number.POSITIVE_INFINITY, true, [], {}),
  fc.constantFrom('2024-03-06T10:09:18.437947Z', 'yesterday'),
  fc.string(),
  fc.double(),
);

/** Seed rows with some fields changed, dropped or added (every field of the schema, and more). */
const driftedRow = fc
  .tuple(
    fc.constantFrom(...seedRows),
    fc.dictionary(
      fc.constantFrom(...Object.keys(flexFactorOrderRowSchema.shape), 'email', 'addedLater'),
      fc.option(fieldValue, { nil: undefined }),
      { maxKeys: 3 },
    ),
    fc.subarray(Object.keys(flexFactorOrderRowSchema.shape), { maxLength: 2 }),
  )
  .map(([row, changes, dropped]) => {
    const drifted: Record<string, unknown> = { ...row, ...changes };
    for (const key of dropped) delete drifted[key];
    return drifted;
  });

describe('flexFactorOrderRowSchema', () => {
  it('is compiled: every construct it uses has a compiled fast path', () => {
    expect(() => z.compile(flexFactorOrderRowSchema, { strict: true })).not.toThrow();
  });

  it('answers exactly as the interpreted schema, value and issues (property)', () => {
    // The same shape, without the compiled fast path.
    const interpreted = z.object(flexFactorOrderRowSchema.shape);
    const outcomes = { valid: 0, invalid: 0 };
    fc.assert(
      fc.property(driftedRow, (row) => {
        const compiled = flexFactorOrderRowSchema.safeParse(row);
        const expected = interpreted.safeParse(row);
        expect(flexFactorOrderRowSchema.validate(row)).toBe(expected.success);
        expect(compiled.success).toBe(expected.success);
        outcomes[expected.success ? 'valid' : 'invalid'] += 1;
        if (expected.success) expect(compiled.data).toStrictEqual(expected.data);
        else expect(compiled.error?.issues).toStrictEqual(expected.error.issues);
      }),
      { numRuns: 3_000 },
    );
    // Both answers were exercised.
    expect(outcomes.valid).toBeGreaterThan(100);
    expect(outcomes.invalid).toBeGreaterThan(100);
  });
});
