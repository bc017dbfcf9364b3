import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { Settle } from './settle.ts';

/** The machine a result was measured on, and how busy it was. */
export interface MachineInfo {
  /** CPU model (first core). */
  cpuModel: string;
  /** Logical cores. */
  cores: number;
  /** Total memory in MB. */
  memoryMb: number;
  /** `process.version`. */
  node: string;
  /** `os.platform()` and `os.release()`. */
  os: string;
  /** 1, 5 and 15 minute load averages when the scenario started. */
  loadAverage: [number, number, number];
  /** When these were read (ISO 8601). */
  readAt: string;
  /** How long the runner waited for the machine to go quiet first (absent in older results). */
  settle?: Settle;
}

/** Reads the machine's description and current load. */
export function readMachineInfo(): MachineInfo {
  const cpus = os.cpus();
  const [one, five, fifteen] = os.loadavg();
  const round = (value: number | undefined) => Math.round((value ?? 0) * 100) / 100;
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryMb: Math.round(os.totalmem() / 1024 / 1024),
    node: process.version,
    os: `${os.platform()} ${os.release()}`,
    loadAverage: [round(one), round(five), round(fifteen)],
    readAt: new Date().toISOString(),
  };
}

/** Busy and total jiffies of all cores together, from the first line of /proc/stat. */
export function machineCpuTicks(): { busy: number; total: number } | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    // cpu user nice system idle iowait irq softirq steal (guest time is inside user already)
    const [user, nice, system, idle, iowait, irq, softirq, steal] = line
      .trim()
      .split(/\s+/)
      .slice(1, 9)
      .map(Number) as [number, number, number, number, number, number, number, number];
    const busy = user + nice + system + irq + softirq + steal;
    return { busy, total: busy + idle + iowait };
  } catch {
    return undefined;
  }
}

/** The machine's logical cores as /proc/stat counts them (1 when it cannot be read). */
export function machineCores(): number {
  try {
    return readFileSync('/proc/stat', 'utf8')
      .split('\n')
      .filter((line) => /^cpu\d+ /.test(line)).length;
  } catch {
    return 1;
  }
}
