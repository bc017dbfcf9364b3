import type { MachineInfo } from './machine-info.ts';

/** The baseline a figure is compared with, measured in the same run. */
export interface Baseline {
  /** What the baseline is, e.g. `JSON.parse of the same bytes`. */
  label: string;
  /** Its value, in the figure's unit. */
  value: number;
}

/** One measured number. */
export interface Figure {
  /** What was measured. */
  label: string;
  /** The value (a median unless the label says otherwise). */
  value: number;
  /** Unit of `value` and of the baseline's value (`ms`, `orders/s`, `MB`, `requests`). */
  unit: string;
  /** The baseline measured next to it, when the figure has one. */
  baseline?: Baseline;
  /** `value / baseline.value` (or as the label says), when there is a baseline. */
  ratio?: number;
  /** Parts that add up to `value` (derived from differences of medians), for diagnosis. */
  breakdown?: Record<string, number>;
  /** Spread of the repeated runs (min and max), when the figure is a median of several. */
  spread?: { min: number; max: number; runs: number };
}

/** A goal of the issue and whether this run met it. */
export interface Goal {
  /** The goal as the issue states it (or, when derived, says so). */
  text: string;
  /** Whether the run met it. */
  met: boolean;
  /** The numbers behind the verdict; for a miss, by how much. */
  detail: string;
}

/** The `bench/run.ts` invocation a result came from. */
export interface BenchRun {
  /** When the invocation started (ISO 8601): results with the same value come from one run. */
  startedAt: string;
  /** The scenarios it was asked to run, in order. */
  scenarios: string[];
  /**
   * The commit checked out (`git rev-parse HEAD`) and whether tracked files differed from it;
   * absent outside a git checkout.
   */
  commit?: { sha: string; modified: boolean };
}

/** What one scenario reports; written to `bench/results/<name>.json`. */
export interface ScenarioResult {
  /** Scenario name (the file name under `scenarios/`). */
  name: string;
  /** One-line title for the report. */
  title: string;
  /** Whether the run used the smaller `--quick` sizes. */
  quick: boolean;
  /** When the scenario started (ISO 8601). */
  startedAt: string;
  /** Wall time of the whole scenario, in seconds. */
  durationSeconds: number;
  /** The parameters the scenario ran with (sizes, latency, concurrency, runs). */
  parameters: Record<string, string | number | boolean>;
  /** Every figure, each with its baseline and ratio where it has one. */
  figures: Figure[];
  /** The goals for this scenario. */
  goals: Goal[];
  /** Observations the reader needs (what was skipped, where the time goes). */
  notes: string[];
  /** The machine and its load, as read at the scenario's start. */
  environment: MachineInfo;
  /** The run it came from (absent in results written before runs were recorded). */
  run?: BenchRun;
}

/** What a scenario function receives. */
export interface ScenarioContext {
  /** Smaller sizes for a smoke run. */
  quick: boolean;
  /** Progress lines (stderr). */
  log: (line: string) => void;
}

/** A scenario: measures, and returns its result (the runner adds timing and environment). */
export type Scenario = (
  context: ScenarioContext,
) => Promise<Omit<ScenarioResult, 'startedAt' | 'durationSeconds' | 'environment' | 'quick'>>;

/** `value / baseline`, rounded to three decimals (NaN when the baseline is 0). */
export function ratioOf(value: number, baseline: number): number {
  return baseline === 0 ? Number.NaN : Math.round((value / baseline) * 1000) / 1000;
}
