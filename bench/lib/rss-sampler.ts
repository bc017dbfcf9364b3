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

/**
 * Samples a process's memory every `intervalMs` until `stop()`; VmHWM is the kernel's peak, so
 * the last successful read bounds the peak even between samples.
 */
export function sampleRss(pid: number, intervalMs = 50): { stop(): RssSamples } {
  let hwmKb = 0;
  let rssKb = 0;
  let samples = 0;
  const take = () => {
    const status = readMemoryStatus(pid);
    if (!status) return;
    samples += 1;
    hwmKb = Math.max(hwmKb, status.hwmKb);
    rssKb = Math.max(rssKb, status.rssKb);
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    stop: () => {
      take();
      clearInterval(timer);
      return {
        peakMb: Math.round((hwmKb / 1024) * 10) / 10,
        maxSampledRssMb: Math.round((rssKb / 1024) * 10) / 10,
        samples,
      };
    },
  };
}
