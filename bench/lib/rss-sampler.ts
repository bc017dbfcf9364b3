import { readFileSync } from 'node:fs';
import { processCpuMs } from './process-cpu.ts';

/** Memory (and CPU) of a process and its descendants over their lives, from /proc. */
export interface RssSamples {
  /**
   * The peak resident set of the command, in MB. One process (the CLI replaces its launcher with
   * execve): its VmHWM, the kernel's own peak, exact. Several processes (a launcher and the child
   * it starts): the largest sum, over the samples, of every process's anonymous and shared-memory
   * pages plus the file-backed pages of the process with the most (the node binary and libraries
   * the processes all map, counted once), and never less than the largest single VmHWM.
   */
  peakMb: number;
  /** The sum of every process's VmHWM, in MB (counts pages the processes share once per process). */
  hwmSumMb: number;
  /** Largest VmRSS sum of one sample, in MB. */
  maxSampledRssMb: number;
  /** Distinct processes seen in the tree (1 when the command ran in the process started). */
  processes: number;
  /** CPU (user + system) of every process of the tree, each as last read (≤ one interval before it exited), in ms. */
  cpuMs: number | undefined;
  /** Samples taken. */
  samples: number;
}

/** Memory fields (kB) of a process's /proc/<pid>/status. */
export interface MemoryStatus {
  rssKb: number;
  hwmKb: number;
  anonKb: number;
  fileKb: number;
  shmemKb: number;
}

/** Reads VmRSS, VmHWM and the RSS split (kB) of a process; undefined once it is gone. */
export function readMemoryStatus(pid: number): MemoryStatus | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const field = (name: string) => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Number(match[1]) : undefined;
  };
  const rssKb = field('VmRSS');
  const hwmKb = field('VmHWM');
  if (rssKb === undefined || hwmKb === undefined) return undefined;
  return {
    rssKb,
    hwmKb,
    anonKb: field('RssAnon') ?? rssKb,
    fileKb: field('RssFile') ?? 0,
    shmemKb: field('RssShmem') ?? 0,
  };
}

/** The direct children of a process (Linux `/proc/<pid>/task/<pid>/children`). */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .split(/\s+/)
      .filter((text) => text !== '')
      .map(Number);
  } catch {
    return [];
  }
}

/** A process and all its descendants. */
function processTree(pid: number): number[] {
  const tree = [pid];
  for (let index = 0; index < tree.length; index++) tree.push(...childrenOf(tree[index]!));
  return tree;
}

const toMb = (kilobytes: number) => Math.round((kilobytes / 1024) * 10) / 10;

/**
 * Samples the memory and CPU of a process and its descendants every `intervalMs` until `stop()`.
 * VmHWM is the kernel's peak, so the last successful read bounds a process's peak even between
 * samples. A child's peak and CPU are kept after it exits.
 */
export function sampleRss(pid: number, intervalMs = 50): { stop(): RssSamples } {
  let rssKb = 0;
  let sharedOnceKb = 0;
  let samples = 0;
  const hwmByProcess = new Map<number, number>();
  const cpuByProcess = new Map<number, number>();
  const take = () => {
    let sampledRssKb = 0;
    let anonKb = 0;
    let largestFileKb = 0;
    let seen = false;
    for (const member of processTree(pid)) {
      const status = readMemoryStatus(member);
      if (!status) continue;
      seen = true;
      sampledRssKb += status.rssKb;
      anonKb += status.anonKb + status.shmemKb;
      largestFileKb = Math.max(largestFileKb, status.fileKb);
      hwmByProcess.set(member, Math.max(hwmByProcess.get(member) ?? 0, status.hwmKb));
      const cpu = processCpuMs(member);
      if (cpu !== undefined) cpuByProcess.set(member, cpu);
    }
    if (!seen) return;
    samples += 1;
    rssKb = Math.max(rssKb, sampledRssKb);
    sharedOnceKb = Math.max(sharedOnceKb, anonKb + largestFileKb);
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    stop: () => {
      take();
      clearInterval(timer);
      const peaks = [...hwmByProcess.values()];
      const hwmSumKb = peaks.reduce((sum, value) => sum + value, 0);
      const peakKb = peaks.length === 1 ? peaks[0]! : Math.max(sharedOnceKb, ...peaks.concat(0));
      return {
        peakMb: toMb(peakKb),
        hwmSumMb: toMb(hwmSumKb),
        maxSampledRssMb: toMb(rssKb),
        processes: hwmByProcess.size,
        cpuMs:
          cpuByProcess.size === 0
            ? undefined
            : [...cpuByProcess.values()].reduce((sum, value) => sum + value, 0),
        samples,
      };
    },
  };
}
