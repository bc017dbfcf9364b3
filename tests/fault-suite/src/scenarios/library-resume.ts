import type { Order, OrderClient } from '@orderbridge/core';
import type { Sandbox } from '@orderbridge/sandbox';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clientOn,
  drain,
  duplicates,
  flexFactorTruth,
  flexPortalTruth,
  keysInOrder,
  keysOf,
  startSuiteSandbox,
} from '../support/suite-sandbox.js';

const QUERY = { limit: 8 } as const;

/** Takes the first `count` orders of a merged listing, then returns them and its resume cursor. */
async function stopAfter(
  client: OrderClient,
  count: number,
  concurrency: number,
): Promise<{ orders: Order[]; cursor: string | null }> {
  const iteration = client.iterate(QUERY, { concurrency });
  const orders: Order[] = [];
  for await (const order of iteration) {
    orders.push(order);
    if (orders.length === count) break;
  }
  return { orders, cursor: iteration.cursor() };
}

/**
 * The library half of "an export stopped anywhere and resumed": a merged listing stopped after a
 * random number of orders, and resumed from `iteration.cursor()`, delivers exactly the rest. This
 * is what the CLI's checkpoints rely on.
 */
export function describeLibraryResume(): void {
  describe('a merged listing stopped anywhere resumes exactly from its cursor (library)', () => {
    let sandbox: Sandbox;
    let client: OrderClient;
    let truth: string[];

    beforeAll(async () => {
      sandbox = await startSuiteSandbox({ flexportal: 60, flexfactor: 60, seed: 81 });
      truth = keysInOrder(
        [...flexPortalTruth(sandbox).orders, ...flexFactorTruth(sandbox).orders],
        QUERY,
      );
      client = clientOn(sandbox, 'resume');
    });
    afterAll(() => sandbox.close());

    it('one page at a time (concurrency 1)', async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: truth.length - 1 }), async (count) => {
          const first = await stopAfter(client, count, 1);
          const rest = await drain(
            client.iterate({ ...QUERY, cursor: first.cursor! }, { concurrency: 1 }),
          );
          const keys = [...keysOf(first.orders), ...keysOf(rest)];
          expect(duplicates(keys)).toEqual([]);
          expect(keys).toEqual(truth);
        }),
        { numRuns: 25 },
      );
    });

    // Guards core's fix (747316e): a walk resumed at page k fetches only pages after k in parallel,
    // never pages 2..k again (the CLI still resumes with concurrency 1 as a workaround).
    it('with parallel pages (the default concurrency 4)', async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: truth.length - 1 }), async (count) => {
          const first = await stopAfter(client, count, 4);
          const rest = await drain(client.iterate({ ...QUERY, cursor: first.cursor! }));
          const keys = [...keysOf(first.orders), ...keysOf(rest)];
          expect(duplicates(keys)).toEqual([]);
          expect(keys).toEqual(truth);
        }),
        { numRuns: 25, examples: [[40]] },
      );
    });
  });
}
