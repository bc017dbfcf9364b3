import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type Summary, summarize } from './statistics.ts';

/**
 * A full garbage collection, so one run's garbage is not collected in the next run's time. Uses
 * V8's `gc` exposed at run time (no `--expose-gc` flag needed on the command line).
 */
export const collectGarbage: () => void = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

/** Wall and CPU time of one run. */
export interface Timing {
  /** Wall-clock milliseconds. */
  wallMs: number;
  /**
   * CPU milliseconds of this process (user + system, every thread: V8's GC helpers included),
   * from `process.cpuUsage()`.
   */
  cpuMs: number;
}

/** Times one call (awaited). */
export async function time(action: () => unknown): Promise<Timing> {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await action();
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** Medians of repeated runs of one subject. */
export interface RepeatedTiming {
  /** Wall milliseconds per run. */
  wall: Summary;
  /** CPU milliseconds per run. */
  cpu: Summary;
  /** Every run, in order. */
  samples: Timing[];
}

/**
 * Runs each subject `warmup` times, then `runs` rounds in which every subject runs once, in turn
 * (A B A B …), so that a noisy neighbour hits the subjects alike and the baseline is always
 * measured right next to what it is compared with. A full GC runs before every timed run.
 */
export async function repeatInterleaved(
  subjects: Record<string, () => unknown>,
  options: { warmup: number; runs: number },
): Promise<Record<string, RepeatedTiming>> {
  const names = Object.keys(subjects);
  for (let round = 0; round < options.warmup; round++) {
    for (const name of names) await subjects[name]!();
  }
  const samples: Record<string, Timing[]> = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < options.runs; round++) {
    for (const name of names) {
      collectGarbage();
      samples[name]!.push(await time(subjects[name]!));
    }
  }
  return Object.fromEntries(
    names.map((name) => {
      const runs = samples[name]!;
      return [
        name,
        {
          wall: summarize(runs.map((run) => run.wallMs)),
          cpu: summarize(runs.map((run) => run.cpuMs)),
          samples: runs,
        },
      ];
    }),
  );
}
