import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/**
 * CPU milliseconds (user + system) another process has used so far, from /proc/<pid>/stat; 10 ms
 * resolution. Undefined when it cannot be read (not Linux, or the process is gone).
 */
export function processCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const user = Number(fields[11]);
    const system = Number(fields[12]);
    return ((user + system) * 1000) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** CPU used by this process and by another one (the sandbox) while an action runs. */
export interface CpuSplit<T> {
  /** What the action returned. */
  result: T;
  /** This process's CPU milliseconds (all threads). */
  clientCpuMs: number;
  /** The other process's CPU milliseconds (undefined when unreadable). */
  otherCpuMs: number | undefined;
}

/** Runs `action` and measures the CPU this process and process `pid` spent meanwhile. */
export async function measureCpuSplit<T>(
  pid: number,
  action: () => Promise<T>,
): Promise<CpuSplit<T>> {
  const otherBefore = processCpuMs(pid);
  const clientBefore = process.cpuUsage();
  const result = await action();
  const client = process.cpuUsage(clientBefore);
  const otherAfter = processCpuMs(pid);
  return {
    result,
    clientCpuMs: (client.user + client.system) / 1000,
    otherCpuMs:
      otherBefore === undefined || otherAfter === undefined ? undefined : otherAfter - otherBefore,
  };
}
