import {
  createOrderClient,
  OrderBridgeError,
  ProviderUnavailableError,
  sleep,
} from '@orderbridge/core';
import { createMemoryProvider, makeOrder } from '@orderbridge/testkit';
import { describe, expect, it } from 'vitest';
import { MemoryStream } from '../test-support/memory-stream.js';
import { colorsFor } from './color.js';
import { createOrderFormatter } from './order-formatter.js';
import { createStreamSink } from './output-sink.js';
import { streamOrders } from './stream-orders.js';

function dataset(provider: string, count: number) {
  return Array.from({ length: count }, (_, index) =>
    makeOrder(provider, `${provider.slice(0, 2)}${String(index).padStart(4, '0')}`, {
      createdAt: new Date(
        Date.UTC(2024, 0, 1) + index * 7_919_000 + (provider === 'b' ? 3_000 : 0),
      ).toISOString(),
    }),
  );
}

const formatter = createOrderFormatter({ format: 'ndjson', colors: colorsFor(false) });
const keysOf = (text: string) =>
  text
    .trimEnd()
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { key: string }).key);

describe('streamOrders', () => {
  const a = dataset('a', 137);
  const b = dataset('b', 91);

  async function straight(): Promise<string[]> {
    const client = createOrderClient({
      providers: [createMemoryProvider(a, { id: 'a' }), createMemoryProvider(b, { id: 'b' })],
    });
    const stream = new MemoryStream();
    const outcome = await streamOrders({
      iteration: client.iterate({ limit: 20 }),
      formatter,
      sink: createStreamSink(stream),
      signal: new AbortController().signal,
      batchSize: 7,
    });
    expect(outcome).toEqual({
      ordersWritten: 228,
      isFinished: true,
      isInterrupted: false,
      error: undefined,
      isOutputIntact: true,
    });
    return keysOf(stream.text());
  }

  it('writes every order of the merged listing once, in order', async () => {
    const keys = await straight();
    expect(keys).toHaveLength(228);
    expect(new Set(keys).size).toBe(228);
  });

  it('stops on interrupt after writing what it took, and the cursor resumes without a duplicate or a gap', async () => {
    const expected = await straight();
    const controller = new AbortController();
    const client = createOrderClient({
      providers: [createMemoryProvider(a, { id: 'a' }), createMemoryProvider(b, { id: 'b' })],
    });
    const iteration = client.iterate({ limit: 20 }, { signal: controller.signal });
    const first = new MemoryStream();
    const outcome = await streamOrders({
      iteration,
      formatter,
      sink: createStreamSink(first),
      signal: controller.signal,
      batchSize: 9,
      afterBatch: (written) => {
        if (written >= 90) controller.abort();
      },
    });
    expect(outcome.isInterrupted).toBe(true);
    expect(outcome.ordersWritten).toBe(90);
    const cursor = iteration.cursor();
    expect(cursor).not.toBeNull();

    const resumed = new MemoryStream();
    const rest = await streamOrders({
      iteration: client.iterate({ limit: 20, cursor: cursor! }),
      formatter,
      sink: createStreamSink(resumed),
      signal: new AbortController().signal,
    });
    expect(rest.isFinished).toBe(true);
    expect([...keysOf(first.text()), ...keysOf(resumed.text())]).toEqual(expected);
  });

  it('aborts a pending page request on interrupt without losing the orders already taken', async () => {
    const expected = await straight();
    const controller = new AbortController();
    const slow = createMemoryProvider(b, {
      id: 'b',
      beforeCall: ({ number, signal }) => (number === 3 ? sleep(10_000, signal) : undefined),
    });
    const client = createOrderClient({ providers: [createMemoryProvider(a, { id: 'a' }), slow] });
    const iteration = client.iterate({ limit: 20 }, { signal: controller.signal });
    const first = new MemoryStream();
    setTimeout(() => controller.abort(), 100);
    const outcome = await streamOrders({
      iteration,
      formatter,
      sink: createStreamSink(first),
      signal: controller.signal,
      batchSize: 1000,
    });
    expect(outcome.isInterrupted).toBe(true);
    expect(outcome.error).toBeUndefined();
    expect(outcome.ordersWritten).toBeGreaterThan(0);
    const rest = new MemoryStream();
    await streamOrders({
      iteration: client.iterate({ limit: 20, cursor: iteration.cursor()! }),
      formatter,
      sink: createStreamSink(rest),
      signal: new AbortController().signal,
    });
    expect([...keysOf(first.text()), ...keysOf(rest.text())]).toEqual(expected);
  });

  it('stops on a provider error with everything before it written, and resumes exactly', async () => {
    const expected = await straight();
    let isDown = true;
    const flaky = createMemoryProvider(b, {
      id: 'b',
      beforeCall: ({ number }) => {
        if (isDown && number === 3) {
          throw new ProviderUnavailableError({ provider: 'b', status: 503, message: 'down' });
        }
      },
    });
    const client = createOrderClient({ providers: [createMemoryProvider(a, { id: 'a' }), flaky] });
    const iteration = client.iterate({ limit: 20 }, { prefetch: false });
    const first = new MemoryStream();
    const outcome = await streamOrders({
      iteration,
      formatter,
      sink: createStreamSink(first),
      signal: new AbortController().signal,
      batchSize: 5,
    });
    expect(OrderBridgeError.isInstance(outcome.error)).toBe(true);
    expect(outcome.isOutputIntact).toBe(true);
    expect(outcome.isInterrupted).toBe(false);
    expect(outcome.ordersWritten).toBe(keysOf(first.text()).length);

    isDown = false;
    const resumed = new MemoryStream();
    await streamOrders({
      iteration: client.iterate({ limit: 20, cursor: iteration.cursor()! }),
      formatter,
      sink: createStreamSink(resumed),
      signal: new AbortController().signal,
    });
    expect([...keysOf(first.text()), ...keysOf(resumed.text())]).toEqual(expected);
  });
});

describe('streamOrders on a failing sink', () => {
  it('counts only the orders whose write completed', async () => {
    const client = createOrderClient({
      providers: [createMemoryProvider(dataset('a', 40), { id: 'a' })],
    });
    let writes = 0;
    const sink = {
      bytesWritten: 0,
      async write() {
        writes += 1;
        if (writes === 3) throw new Error('ENOSPC: no space left on device');
      },
      async sync() {},
      async close() {},
    };
    const outcome = await streamOrders({
      iteration: client.iterate({ limit: 10 }),
      formatter,
      sink,
      signal: new AbortController().signal,
      batchSize: 7,
    });
    expect(outcome.ordersWritten).toBe(14);
    expect(outcome.isOutputIntact).toBe(false);
    expect(String(outcome.error)).toContain('ENOSPC');
  });
});
