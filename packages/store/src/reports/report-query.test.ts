import { describe, expect, it } from 'vitest';
import { boundKey, type ResolvedWindow, splitWindow } from './report-query.js';

const window = (from?: string, to?: string): ResolvedWindow => ({
  scope: 'default',
  providers: ['flexfactor'],
  from: from === undefined ? undefined : boundKey(from),
  to: to === undefined ? undefined : boundKey(to),
});

/** A split as bounds one can read: the whole periods and each edge as [from, to). */
function readable(from: string | undefined, to: string | undefined, unit: 'day' | 'month') {
  const split = splitWindow(window(from, to), unit);
  for (const edge of split.edges) {
    expect(edge.scope).toBe('default');
    expect(edge.providers).toEqual(['flexfactor']);
  }
  return {
    whole: split.whole,
    edges: split.edges.map((edge) => [edge.from?.slice(0, 19), edge.to?.slice(0, 19)]),
  };
}

describe('splitWindow', () => {
  it('reads a window of dates from whole days only, and an open window from the roll-up alone', () => {
    expect(readable('2025-10-03', '2026-01-01', 'day')).toEqual({
      whole: { from: '2025-10-03', to: '2026-01-01' },
      edges: [],
    });
    expect(readable(undefined, undefined, 'day')).toEqual({
      whole: { from: undefined, to: undefined },
      edges: [],
    });
    expect(readable('2025-03-01', undefined, 'month')).toEqual({
      whole: { from: '2025-03', to: undefined },
      edges: [],
    });
  });

  it('reads the parts of a period before the first and after the last whole one from the orders', () => {
    expect(readable('2025-03-03T12:00:00Z', '2025-03-06T00:00:00.5Z', 'day')).toEqual({
      whole: { from: '2025-03-04', to: '2025-03-06' },
      edges: [
        ['2025-03-03T12:00:00', '2025-03-04T00:00:00'],
        ['2025-03-06T00:00:00', '2025-03-06T00:00:00'],
      ],
    });
    // Months: the 15th of January to the 10th of April, over a year's end in the second case.
    expect(readable('2025-01-15', '2025-04-10', 'month')).toEqual({
      whole: { from: '2025-02', to: '2025-04' },
      edges: [
        ['2025-01-15T00:00:00', '2025-02-01T00:00:00'],
        ['2025-04-01T00:00:00', '2025-04-10T00:00:00'],
      ],
    });
    expect(readable('2024-12-31T23:00:00Z', undefined, 'month')).toEqual({
      whole: { from: '2025-01', to: undefined },
      edges: [['2024-12-31T23:00:00', '2025-01-01T00:00:00']],
    });
    expect(readable(undefined, '2025-02-28T08:00:00Z', 'month')).toEqual({
      whole: { from: undefined, to: '2025-02' },
      edges: [['2025-02-01T00:00:00', '2025-02-28T08:00:00']],
    });
  });

  it('reads a window inside one period from the orders alone', () => {
    expect(readable('2025-03-03T01:00:00Z', '2025-03-03T02:00:00Z', 'day')).toEqual({
      whole: undefined,
      edges: [['2025-03-03T01:00:00', '2025-03-03T02:00:00']],
    });
    expect(readable('2025-03-03', '2025-03-20', 'month')).toEqual({
      whole: undefined,
      edges: [['2025-03-03T00:00:00', '2025-03-20T00:00:00']],
    });
    // An empty window stays empty: from and to equal.
    expect(readable('2025-03-03', '2025-03-03', 'day')).toEqual({
      whole: undefined,
      edges: [['2025-03-03T00:00:00', '2025-03-03T00:00:00']],
    });
  });
});
