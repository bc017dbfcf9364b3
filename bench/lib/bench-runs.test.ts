import { describe, expect, it } from 'vitest';
import { groupRuns, renderRuns } from './bench-runs.ts';
import type { BenchRun, ScenarioResult } from './scenario-result.ts';

const SCENARIOS = ['first', 'second', 'third'];

/** A result of `name` that started at `start` (minutes after 10:00) and took `minutes`. */
function result(
  name: string,
  start: number,
  minutes: number,
  options: { run?: BenchRun; quick?: boolean } = {},
): ScenarioResult {
  return {
    name,
    title: name,
    quick: options.quick ?? false,
    startedAt: new Date(Date.UTC(2026, 11, 6, 10, start)).toISOString(),
    durationSeconds: minutes * 60,
    parameters: {},
    figures: [],
    goals: [],
    notes: [],
    environment: {} as ScenarioResult['environment'],
    ...(options.run ? { run: options.run } : {}),
  };
}

const RECORDED: BenchRun = {
  startedAt: '2026-12-06T10:00:00.000Z',
  scenarios: SCENARIOS,
  commit: { sha: 'abcdef0123456789abcdef0123456789abcdef01', modified: false },
};

describe('groupRuns', () => {
  it('groups results by their recorded run, whatever the gaps between them', () => {
    const later: BenchRun = { ...RECORDED, startedAt: '2026-12-06T10:30:00.000Z' };
    const groups = groupRuns([
      result('third', 30, 5, { run: later }),
      result('first', 0, 5, { run: RECORDED }),
      result('second', 20, 5, { run: RECORDED }),
    ]);
    expect(groups.map((group) => group.results.map((entry) => entry.name))).toEqual([
      ['first', 'second'],
      ['third'],
    ]);
  });

  it('infers one run from results without one that follow each other within 2 minutes', () => {
    const groups = groupRuns([
      result('first', 0, 5),
      result('second', 6, 5),
      // 4 minutes after the second ended: another invocation.
      result('third', 15, 5),
    ]);
    expect(groups.map((group) => group.results.map((entry) => entry.name))).toEqual([
      ['first', 'second'],
      ['third'],
    ]);
  });

  it('never puts results whose times overlap in one inferred run', () => {
    const groups = groupRuns([result('first', 0, 30), result('second', 5, 10)]);
    expect(groups).toHaveLength(2);
  });
});

describe('renderRuns', () => {
  it('says when every scenario comes from one full run, and from which commit', () => {
    const text = renderRuns(
      [
        result('first', 0, 5, { run: RECORDED }),
        result('second', 5, 5, { run: RECORDED }),
        result('third', 10, 5, { run: RECORDED }),
      ],
      SCENARIOS,
    );
    expect(text).toBe(
      'Every result on this page comes from one full run of `pnpm bench`: 2026-12-06T10:00:00.000Z – 2026-12-06T10:15:00.000Z (15 min, commit abcdef012345): every scenario.',
    );
  });

  it('lists the runs when the results come from several, and marks overlapping ones', () => {
    const text = renderRuns(
      [
        result('first', 0, 30),
        result('second', 5, 10),
        result('third', 60, 5, {
          run: { ...RECORDED, commit: { sha: 'f'.repeat(40), modified: true } },
        }),
      ],
      SCENARIOS,
    );
    const lines = text.split('\n').filter((line) => line.startsWith('- '));
    expect(text).toMatch(/^The results on this page come from 3 runs/);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain('first (no run recorded) — **overlapped another run**');
    expect(lines[1]).toContain('second (no run recorded) — **overlapped another run**');
    expect(lines[2]).toContain('commit ffffffffffff with uncommitted changes): third');
    expect(lines[2]).not.toContain('overlapped');
  });

  it('does not call a quick run full', () => {
    const text = renderRuns(
      SCENARIOS.map((name, index) => result(name, index * 5, 5, { quick: true })),
      SCENARIOS,
    );
    expect(text).toMatch(/^Every result on this page comes from one run, not of every scenario/);
    expect(text).toContain('first, second, third (no run recorded: one run inferred');
  });
});
