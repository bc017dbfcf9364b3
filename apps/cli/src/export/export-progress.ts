import { SingleBar } from 'cli-progress';
import type { OutputStream } from '../cli-io.js';

/** The export's progress display on stderr. */
export interface ExportProgress {
  /** Orders written so far (including those of an earlier run that is being resumed). */
  update(ordersWritten: number): void;
  /** Removes nothing, stops redrawing and moves to a fresh line. */
  stop(): void;
}

const numbers = new Intl.NumberFormat('en-US');

/**
 * A progress bar (cli-progress) with count, total when known, rate and ETA. Only for a terminal:
 * the caller creates it only when stderr is a TTY.
 */
export function createExportProgress(options: {
  stream: OutputStream;
  /** Total orders, when the providers report it; undefined shows count and rate only. */
  total: number | undefined;
  /** Orders already written when this run started. */
  start: number;
}): ExportProgress {
  const hasTotal = options.total !== undefined && options.total > 0;
  const startedAt = Date.now();
  const bar = new SingleBar({
    stream: options.stream as unknown as NodeJS.WritableStream,
    format: hasTotal
      ? '{bar} {percentage}% | {count} of {totalCount} orders | {rate}/s | ETA {eta_formatted}'
      : '{count} orders | {rate}/s | {duration_formatted}',
    hideCursor: true,
    clearOnComplete: false,
    fps: 5,
    etaBuffer: 50,
    barsize: 30,
  });
  const payload = (value: number) => {
    const seconds = Math.max((Date.now() - startedAt) / 1000, 0.001);
    return {
      count: numbers.format(value),
      totalCount: numbers.format(options.total ?? 0),
      rate: numbers.format(Math.round((value - options.start) / seconds)),
    };
  };
  bar.start(hasTotal ? options.total! : 0, options.start, payload(options.start));
  let isStopped = false;
  return {
    update(ordersWritten) {
      if (isStopped) return;
      // The count can pass a total taken a moment before the export started (new orders).
      if (hasTotal && ordersWritten > bar.getTotal()) bar.setTotal(ordersWritten);
      bar.update(ordersWritten, payload(ordersWritten));
    },
    stop() {
      if (isStopped) return;
      isStopped = true;
      bar.stop();
    },
  };
}
