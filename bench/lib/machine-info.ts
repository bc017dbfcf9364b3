import os from 'node:os';

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
