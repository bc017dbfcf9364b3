import type { SyncEvent } from '@orderbridge/store';
import { MultiBar, type SingleBar } from 'cli-progress';
import type { OutputStream } from '../cli-io.js';

/** The progress display of `sync` on a terminal: one line per provider. */
export interface SyncProgressDisplay {
  update(event: SyncEvent): void;
  stop(): void;
}

const numbers = new Intl.NumberFormat('en-US');

/**
 * One cli-progress line per provider with orders fetched, created, updated and pages, and a bar
 * when the provider reports a total. Only for a terminal: the caller creates it only then.
 */
export function createSyncProgress(stream: OutputStream): SyncProgressDisplay {
  const multibar = new MultiBar({
    stream: stream as unknown as NodeJS.WritableStream,
    format:
      '{provider} {mode} | {fetched} fetched · {created} new · {updated} changed | {pages} pages',
    hideCursor: true,
    clearOnComplete: false,
    fps: 5,
  });
  const bars = new Map<string, SingleBar>();
  let isStopped = false;
  return {
    update(event) {
      if (isStopped) return;
      if (event.type === 'start') {
        bars.set(
          event.provider,
          multibar.create(0, 0, {
            provider: event.provider.padEnd(12),
            mode: `${event.resumed ? 'resuming ' : ''}${event.mode}`.padEnd(12),
            fetched: '0',
            created: '0',
            updated: '0',
            pages: '0',
          }),
        );
        return;
      }
      const provider = event.type === 'batch' ? event.provider : event.result.provider;
      const counts = event.type === 'batch' ? event.counts : event.result.counts;
      const bar = bars.get(provider);
      if (!bar) return;
      if (event.type === 'batch' && event.totalCount !== undefined) bar.setTotal(event.totalCount);
      bar.update(counts.fetched, {
        fetched: numbers.format(counts.fetched),
        created: numbers.format(counts.created),
        updated: numbers.format(counts.updated),
        pages: numbers.format(event.type === 'batch' ? event.pages : event.result.pages),
      });
    },
    stop() {
      if (isStopped) return;
      isStopped = true;
      multibar.stop();
    },
  };
}
