import type { Order, OrderIteration } from '@orderbridge/core';
import type { OrderFormatter } from './order-formatter.js';
import type { OutputSink } from './output-sink.js';

/** How a streamed listing ended. */
export interface StreamOutcome {
  /** Orders written by this run (not counting `writtenBefore`). */
  ordersWritten: number;
  /** True when every order was written (the iteration is exhausted). */
  isFinished: boolean;
  /** True when the interrupt signal stopped the stream. */
  isInterrupted: boolean;
  /** The error that stopped the stream, if one did (everything before it is written). */
  error: unknown;
  /**
   * False when writing failed, so the output may end in a torn batch; true when every order taken
   * from the listing is in the output and `iteration.cursor()` resumes right after it.
   */
  isOutputIntact: boolean;
}

/** Options of `streamOrders`. */
export interface StreamOrdersOptions {
  /** The merged listing (from `client.iterate`, created with the same `signal`). */
  iteration: OrderIteration;
  /** Turns batches into text. */
  formatter: OrderFormatter;
  /** Where the text goes. */
  sink: OutputSink;
  /** The interrupt signal (Ctrl-C). */
  signal: AbortSignal;
  /** Orders already in the output (a resumed export), for JSON separators. */
  writtenBefore?: number | undefined;
  /** Orders per write (default 250). */
  batchSize?: number | undefined;
  /**
   * Called after each batch is written, while no order is in flight, so `iteration.cursor()` is
   * exactly "after the last written order" (the export writes its checkpoint here).
   */
  afterBatch?: ((ordersWritten: number) => Promise<void> | void) | undefined;
}

/**
 * Writes a listing to a sink in batches, honouring backpressure, until it ends, fails or is
 * interrupted. Never leaves an order taken from the listing but unwritten: on Ctrl-C the pending
 * request is aborted (so no further order is taken) and the current batch is written first.
 */
export async function streamOrders(options: StreamOrdersOptions): Promise<StreamOutcome> {
  const { iteration, formatter, sink, signal } = options;
  const batchSize = options.batchSize ?? 250;
  const writtenBefore = options.writtenBefore ?? 0;
  const iterator = iteration[Symbol.asyncIterator]();
  let written = 0;
  let batch: Order[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const text = formatter.orders(batch, writtenBefore + written);
    const count = batch.length;
    batch = [];
    // Counted once written: a write that fails (disk full) must not count its orders.
    await sink.write(text);
    written += count;
    await options.afterBatch?.(written);
  };
  let isFinished = false;
  let isOutputIntact = true;
  let error: unknown;
  try {
    while (!signal.aborted) {
      let step: IteratorResult<Order>;
      try {
        step = await iterator.next();
      } catch (caught) {
        if (!signal.aborted) error = caught;
        break;
      }
      if (step.done) {
        isFinished = true;
        break;
      }
      batch.push(step.value);
      if (batch.length >= batchSize) await flush();
    }
    await flush();
  } catch (caught) {
    // A write failed (disk full, closed pipe): nothing more can be saved.
    error ??= caught;
    isOutputIntact = false;
  } finally {
    await iterator.return?.().catch(() => undefined);
  }
  return {
    ordersWritten: written,
    isFinished,
    isInterrupted: !isFinished && error === undefined && signal.aborted,
    error,
    isOutputIntact,
  };
}
