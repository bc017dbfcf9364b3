import type { FlexFactorRow } from '../../src/index.js';

/** Ground-truth order of rows under `orderBy`, ties by id, both in the direction given. */
export function sortFlexFactor(
  rows: FlexFactorRow[],
  orderBy: keyof FlexFactorRow,
  direction: 'asc' | 'desc',
): FlexFactorRow[] {
  const sign = direction === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = a[orderBy] as string | number;
    const y = b[orderBy] as string | number;
    if (x !== y) return (x < y ? -1 : 1) * sign;
    return (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) * sign;
  });
}
