import { parseOrderQuery } from '@orderbridge/core';
import { createOrderStore, type OrderStore } from '@orderbridge/store';
import { sampleOrders } from '@orderbridge/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OrderFormatter } from '../output/order-formatter.js';
import { createStreamSink } from '../output/output-sink.js';
import { streamOrders } from '../output/stream-orders.js';
import { MemoryStream } from '../test-support/memory-stream.js';
import { iterateStoreForExport } from './store-orders.js';

/** One key per line: enough to tell which orders were written, in which order. */
const keysFormatter = {
  header: () => '',
  orders: (batch) => batch.map((order) => `${order.key}\n`).join(''),
  footer: () => '',
} satisfies OrderFormatter;

describe('iterateStoreForExport', () => {
  let store: OrderStore;
  beforeEach(async () => {
    store = await createOrderStore({ url: 'sqlite::memory:' });
    await store.applyBatch({
      provider: 'alpha',
      runId: 'run-1',
      observedAt: '2026-01-01T00:00:01.000Z',
      orders: sampleOrders({ count: 45, seed: 9, provider: 'alpha' }),
      progress: {
        runId: 'run-1',
        mode: 'full',
        startedAt: '2026-01-01T00:00:00.000Z',
        cursor: null,
        query: {},
        counts: { fetched: 0, created: 0, updated: 0, unchanged: 0, vanished: 0, rejected: 0 },
        requests: 0,
      },
    });
  });
  afterEach(async () => {
    await store.close();
  });

  /** Streams the listing from `cursor`, interrupting after `stopAfterBatches` batches if given. */
  async function run(cursor: string | undefined, stopAfterBatches?: number) {
    const query = parseOrderQuery({
      sort: { field: 'total', direction: 'asc' },
      currency: 'USD',
      limit: 7,
      cursor,
    });
    const interrupt = new AbortController();
    const stored = iterateStoreForExport(store, query, undefined, interrupt.signal);
    const stream = new MemoryStream();
    let batches = 0;
    const outcome = await streamOrders({
      iteration: stored.iteration,
      formatter: keysFormatter,
      sink: createStreamSink(stream),
      signal: stored.signal,
      batchSize: 7,
      afterBatch: () => {
        batches += 1;
        if (batches === stopAfterBatches) interrupt.abort(new Error('test interrupt'));
      },
    });
    const keys = stream.text().split('\n').filter(Boolean);
    return { outcome, keys, cursor: stored.iteration.cursor() };
  }

  it('stops only after a whole page, with a cursor that resumes right after it: no gap, no repeat', async () => {
    const whole = await run(undefined);
    expect(whole.outcome).toMatchObject({ isFinished: true, isInterrupted: false });
    expect(whole.cursor).toBeNull();
    expect(whole.keys.length).toBeGreaterThan(14);

    const first = await run(undefined, 2);
    expect(first.outcome).toMatchObject({
      isFinished: false,
      isInterrupted: true,
      error: undefined,
    });
    expect(first.keys).toEqual(whole.keys.slice(0, 14));
    expect(first.cursor).not.toBeNull();

    const rest = await run(first.cursor!);
    expect(rest.outcome.isFinished).toBe(true);
    expect([...first.keys, ...rest.keys]).toEqual(whole.keys);
  });
});
