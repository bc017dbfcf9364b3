import { setTimeout as sleep } from 'node:timers/promises';
import { machineCores, machineCpuTicks } from './machine-info.ts';

/** Quiet = fewer cores than this in use over a window (the default of `busyLimitCores`). */
export const QUIET_BELOW_CORES = 0.25;

/** The longest the runner waits for a quiet machine (the default of `maxWaitMs`). */
export const MAX_SETTLE_MS = 60_000;

/** How long the harness waited for the machine to go quiet before a scenario, and how busy it was. */
export interface Settle {
  /** Milliseconds waited (0 when the machine was quiet at once). */
  waitedMs: number;
  /** Cores in use over the last window read (all processes), or undefined when unreadable. */
  busyCores: number | undefined;
  /** False when the wait ended at `maxWaitMs` with the machine still busy. */
  settled: boolean;
}

/** What `waitForQuietMachine` reads and waits with (real ones by default; tests pass their own). */
export interface SettleOptions {
  /** Quiet = fewer cores than this in use over a window. Default QUIET_BELOW_CORES. */
  busyLimitCores?: number;
  /** The window over which use is measured, ms. Default 2,000. */
  windowMs?: number;
  /** The longest wait before the scenario starts anyway, ms. Default MAX_SETTLE_MS. */
  maxWaitMs?: number;
  /** Busy and total CPU ticks of the machine so far (undefined: unreadable). */
  readTicks?: () => { busy: number; total: number } | undefined;
  /** Logical cores. */
  cores?: number;
  /** Waits `ms`. */
  wait?: (ms: number) => Promise<unknown>;
}

/**
 * Waits until the machine's CPU use over a window falls below `busyLimitCores`, at most
 * `maxWaitMs`. The 1-minute load average lags by a minute (a scenario that starts right after
 * three sync workers sees 4 and more although they have ended), so this reads /proc/stat's CPU
 * ticks over short windows instead: what is running now, ours (a previous scenario's processes
 * still exiting, PostgreSQL's checkpoint after its writes) or a neighbour's.
 */
export async function waitForQuietMachine(options: SettleOptions = {}): Promise<Settle> {
  const busyLimit = options.busyLimitCores ?? QUIET_BELOW_CORES;
  const windowMs = options.windowMs ?? 2_000;
  const maxWaitMs = options.maxWaitMs ?? MAX_SETTLE_MS;
  const readTicks = options.readTicks ?? machineCpuTicks;
  const cores = options.cores ?? machineCores();
  const wait = options.wait ?? sleep;
  let waitedMs = 0;
  for (;;) {
    const before = readTicks();
    await wait(windowMs);
    const after = readTicks();
    if (before === undefined || after === undefined || after.total <= before.total)
      return { waitedMs: 0, busyCores: undefined, settled: true };
    const busyCores = ((after.busy - before.busy) / (after.total - before.total)) * cores;
    if (busyCores < busyLimit) return { waitedMs, busyCores, settled: true };
    waitedMs += windowMs;
    if (waitedMs >= maxWaitMs) return { waitedMs, busyCores, settled: false };
  }
}
