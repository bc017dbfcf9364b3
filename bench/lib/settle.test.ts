import { describe, expect, it } from 'vitest';
import { waitForQuietMachine } from './settle.ts';

/**
 * A machine whose CPU use per window is given in cores (2 cores, 100 ticks per core per window):
 * each read of the ticks advances to the end of the next window once a wait has happened.
 */
function fakeMachine(busyCoresPerWindow: number[]) {
  let busy = 0;
  let total = 0;
  let window = 0;
  const waits: number[] = [];
  return {
    waits,
    options: {
      cores: 2,
      windowMs: 1_000,
      readTicks: () => ({ busy, total }),
      wait: async (ms: number) => {
        waits.push(ms);
        const cores = busyCoresPerWindow[Math.min(window, busyCoresPerWindow.length - 1)]!;
        busy += cores * 100;
        total += 200;
        window++;
      },
    },
  };
}

describe('waitForQuietMachine', () => {
  it('starts at once on a quiet machine', async () => {
    const machine = fakeMachine([0.1]);
    const settle = await waitForQuietMachine(machine.options);
    expect(settle).toEqual({ waitedMs: 0, busyCores: 0.1, settled: true });
    expect(machine.waits).toEqual([1_000]);
  });

  it('waits while the machine is busy, and reports how long', async () => {
    const machine = fakeMachine([1.8, 1.2, 0.6, 0.2]);
    const settle = await waitForQuietMachine(machine.options);
    expect(settle.settled).toBe(true);
    expect(settle.waitedMs).toBe(3_000);
    expect(settle.busyCores).toBeCloseTo(0.2, 10);
    expect(machine.waits).toHaveLength(4);
  });

  it('uses the given limit: 0.3 cores is quiet under 0.5 and busy under the default 0.25', async () => {
    expect(
      (await waitForQuietMachine({ ...fakeMachine([0.3]).options, busyLimitCores: 0.5 })).waitedMs,
    ).toBe(0);
    const settle = await waitForQuietMachine({ ...fakeMachine([0.3, 0.1]).options });
    expect(settle.waitedMs).toBe(1_000);
  });

  it('gives up at the longest wait and says the machine did not settle', async () => {
    const machine = fakeMachine([1.5]);
    const settle = await waitForQuietMachine({ ...machine.options, maxWaitMs: 5_000 });
    expect(settle).toEqual({ waitedMs: 5_000, busyCores: 1.5, settled: false });
    expect(machine.waits).toHaveLength(5);
  });

  it('does not wait when the CPU ticks cannot be read (not Linux)', async () => {
    const machine = fakeMachine([1.5]);
    const settle = await waitForQuietMachine({ ...machine.options, readTicks: () => undefined });
    expect(settle).toEqual({ waitedMs: 0, busyCores: undefined, settled: true });
  });
});
