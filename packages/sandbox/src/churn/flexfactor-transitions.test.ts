import { describe, expect, it } from 'vitest';
import { FlexFactorGenerator } from '../flexfactor/flexfactor-generator.js';
import { flexFactorRowSchema, flexFactorStatusName } from '../flexfactor/flexfactor-schema.js';
import { SeededRandom } from '../random/seeded-random.js';
import type { WireObject } from '../table/order-table.js';
import { nextFlexFactorRow } from './flexfactor-transitions.js';

const NEXT_STATUSES: Record<number, number[]> = {
  0: [4, 2],
  1: [4, 2],
  3: [7, 2],
  4: [7, 3],
  5: [7, 2],
  7: [6, 7],
};

describe('nextFlexFactorRow', () => {
  it('moves statuses and refunds without touching any time field', () => {
    const generator = new FlexFactorGenerator(3, 3000);
    const moves = new Set<string>();
    for (let slot = 2; slot < 3000; slot++) {
      const row = generator.row(slot);
      const next = nextFlexFactorRow(row as unknown as WireObject, new SeededRandom(4, slot));
      if (!next) {
        // Cancelled, Returned and charged back (8) are final; so is a Completed order refunded in full.
        expect(
          row.status === 2 ||
            row.status === 6 ||
            row.status === 8 ||
            row.refundsAmount >= row.amount,
        ).toBe(true);
        continue;
      }
      expect(flexFactorRowSchema.safeParse(next).success).toBe(true);
      expect(NEXT_STATUSES[row.status]).toContain(next.status);
      expect(next.statusName).toBe(flexFactorStatusName(next.status as number)?.toLowerCase());
      // FlexFactor has no change time: the only times a row has stay as they were.
      expect(next.createdOn).toBe(row.createdOn);
      expect(next.orderPlacedDate).toBe(row.orderPlacedDate);
      const refunds = next.refundsAmount as number;
      if (next.status === 6) expect(refunds).toBe(row.amount);
      if (next.status === 7 && row.status === 7) {
        expect(refunds).toBeGreaterThan(row.refundsAmount);
        expect(refunds).toBeLessThan(row.amount);
      }
      if (next.status === 7 || next.status === 2 || next.status === 3) {
        expect(next.expiryDate).toBeNull();
      }
      if (next.status === 6) expect(next.payoutStatus).toBe('reversed');
      if (next.status === 7 && row.status !== 7) expect(next.payoutStatus).toBe('pending');
      moves.add(`${row.status}→${next.status}`);
    }
    expect(moves.size).toBeGreaterThanOrEqual(10);
    expect(moves).toContain('5→7');
    expect(moves).toContain('7→6');
    expect(moves).toContain('7→7');
    expect(moves).toContain('4→7');
  });

  it('leaves rows it cannot read (unknown currency, string amounts) alone', () => {
    const row = new FlexFactorGenerator(3, 10).row(5, { status: 5 }) as unknown as WireObject;
    const random = new SeededRandom(1);
    expect(nextFlexFactorRow({ ...row, currencyCode: 'XXX' }, random)).toBeUndefined();
    expect(nextFlexFactorRow({ ...row, status: '5' }, random)).toBeUndefined();
    expect(nextFlexFactorRow({ ...row, amount: 1.23456 }, random)).toBeUndefined();
  });
});
