import { readFileSync } from 'node:fs';

/** Memory of a child process over its life, from /proc/<pid>/status. */
export interface RssSamples {
  /** Largest VmHWM read (the kernel's own peak resident set), in MB. */
  peakMb: number;
  /** Largest VmRSS sample, in MB. */
  maxSampledRssMb: number;
  /** Samples taken. */
  samples: number;
}

/** Reads VmRSS and VmHWM (kB) of a process; undefined once it is gone. */
export function readMemoryStatus(pid: number): { rssKb: number; hwmKb: number } | undefined {
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
  return rssKb === undefined || hwmKb === undefined ? undefined : { rssKb, hwmKb };
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

/**
 * Samples a process's memory every `intervalMs` until `stop()`; VmHWM is the kernel's peak, so
 * the last successful read bounds the peak even between samples. The process's children are
 * added in: `orderbridge` runs a streaming command in a child node it launches with the heap
 * flags, so what a user's command costs is the launcher plus that child (the sum of their peaks,
 * an upper bound, as the two peaks need not coincide). A child's peak is kept after it exits.
 */
export function sampleRss(pid: number, intervalMs = 50): { stop(): RssSamples } {
  let rssKb = 0;
  let samples = 0;
  const hwmByProcess = new Map<number, number>();
  const take = () => {
    const status = readMemoryStatus(pid);
    if (!status) return;
    samples += 1;
    let sampledRssKb = status.rssKb;
    hwmByProcess.set(pid, Math.max(hwmByProcess.get(pid) ?? 0, status.hwmKb));
    for (const child of childrenOf(pid)) {
      const childStatus = readMemoryStatus(child);
      if (!childStatus) continue;
      sampledRssKb += childStatus.rssKb;
      hwmByProcess.set(child, Math.max(hwmByProcess.get(child) ?? 0, childStatus.hwmKb));
    }
    rssKb = Math.max(rssKb, sampledRssKb);
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    stop: () => {
      take();
      clearInterval(timer);
      const hwmKb = [...hwmByProcess.values()].reduce((sum, value) => sum + value, 0);
      return {
        peakMb: Math.round((hwmKb / 1024) * 10) / 10,
        maxSampledRssMb: Math.round((rssKb / 1024) * 10) / 10,
        samples,
      };
    },
  };
}
