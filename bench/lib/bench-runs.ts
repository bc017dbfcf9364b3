// Which `bench/run.ts` invocations a set of results came from, for the report: results carry
// their run since it was recorded; older ones are grouped by their times.
import type { ScenarioResult } from './scenario-result.ts';

/**
 * Results without a recorded run (written before runs were recorded) that started within this
 * long after the previous one ended are taken to come from the same invocation.
 */
const INFERRED_RUN_GAP_MS = 120_000;

/** Results that came from one `bench/run.ts` invocation. */
export interface RunGroup {
  results: ScenarioResult[];
  /** The recorded run; undefined when the group is inferred from the results' times. */
  run: ScenarioResult['run'];
}

/**
 * Which runs the results come from, as markdown: one full run (every one of `scenarios`, full
 * sizes), or a line per run saying when it ran, what, from which commit, and whether it
 * overlapped another run.
 */
export function renderRuns(
  results: readonly ScenarioResult[],
  scenarios: readonly string[],
): string {
  const runs = groupRuns(results);
  const groups = runs.map((group) => {
    const described = describeRun(group, scenarios);
    const overlapping = runs.some((other) => other !== group && overlaps(group, other));
    return overlapping
      ? {
          ...described,
          text: `${described.text} — **overlapped another run** (they shared the machine)`,
        }
      : described;
  });
  if (groups.length === 1) {
    return groups[0]!.full
      ? `Every result on this page comes from one full run of \`pnpm bench\`: ${groups[0]!.text}.`
      : `Every result on this page comes from one run, not of every scenario at full size: ${groups[0]!.text}.`;
  }
  return [
    `The results on this page come from ${groups.length} runs; compare figures within a scenario, and read each scenario's own start time:`,
    '',
    ...groups.map((group) => `- ${group.text}`),
  ].join('\n');
}

/** One run's line, and whether it ran every scenario at full size. */
function describeRun(
  group: RunGroup,
  scenarios: readonly string[],
): { text: string; full: boolean } {
  const first = group.results[0]!;
  const { start, end } = spanOf(group);
  const minutes = Math.round((end - start) / 60_000);
  const names = group.results.map((result) => result.name);
  const full = !first.quick && scenarios.every((name) => names.includes(name));
  const commit = group.run?.commit;
  const built = commit
    ? `, commit ${commit.sha.slice(0, 12)}${commit.modified ? ' with uncommitted changes' : ''}`
    : '';
  const inferred = group.run
    ? ''
    : names.length === 1
      ? ' (no run recorded)'
      : ` (no run recorded: one run inferred from the times, each scenario starting within ${INFERRED_RUN_GAP_MS / 60_000} min of the previous one's end)`;
  const what = full ? 'every scenario' : names.join(', ');
  return {
    text: `${first.startedAt} – ${new Date(end).toISOString()} (${minutes} min${built}): ${what}${inferred}`,
    full,
  };
}

/** The results grouped by run, in time order. */
export function groupRuns(results: readonly ScenarioResult[]): RunGroup[] {
  const sorted = [...results].sort(
    (left, right) => Date.parse(left.startedAt) - Date.parse(right.startedAt),
  );
  const groups: RunGroup[] = [];
  for (const result of sorted) {
    const previous = groups.at(-1);
    const last = previous?.results.at(-1);
    const sameRun =
      previous !== undefined &&
      last !== undefined &&
      (result.run
        ? previous.run?.startedAt === result.run.startedAt
        : previous.run === undefined && last.quick === result.quick && isNextInRun(last, result));
    if (sameRun) previous.results.push(result);
    else groups.push({ results: [result], run: result.run });
  }
  return groups;
}

/**
 * Whether `next` started after `last` ended (a run's scenarios never overlap; 1 s for the
 * rounding of durations) and within `INFERRED_RUN_GAP_MS` of it.
 */
function isNextInRun(last: ScenarioResult, next: ScenarioResult): boolean {
  const gap = Date.parse(next.startedAt) - endOf(last);
  return gap >= -1_000 && gap <= INFERRED_RUN_GAP_MS;
}

/** Whether two runs' times overlap (1 s for the rounding of durations). */
function overlaps(left: RunGroup, right: RunGroup): boolean {
  const one = spanOf(left);
  const other = spanOf(right);
  return one.start < other.end - 1_000 && other.start < one.end - 1_000;
}

/** When a run's first scenario started and its last one ended (ms since the epoch). */
function spanOf(group: RunGroup): { start: number; end: number } {
  // `groupRuns` keeps each group's results in the order they started.
  return {
    start: Date.parse(group.results[0]!.startedAt),
    end: Math.max(...group.results.map(endOf)),
  };
}

/** When a scenario ended (ms since the epoch). */
function endOf(result: ScenarioResult): number {
  return Date.parse(result.startedAt) + result.durationSeconds * 1000;
}
