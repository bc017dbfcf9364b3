import {
  type Order,
  orderComparator,
  ProviderUnavailableError,
  parseOrderQuery,
  TransportError,
} from '@orderbridge/core';
import type { Sandbox } from '@orderbridge/sandbox';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { evidence } from '../support/evidence.js';
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

const QUERY = { limit: 12 } as const;
/** Enough injected failures to outlast any retry budget. */
const DOWN = { failNext: { count: 10_000, status: 503 } } as const;

/**
 * One provider down during a merged listing (`createOrderClient().iterate()`): by default the
 * call fails with a typed error naming the provider; in partial mode the other provider's orders
 * are delivered exactly and the failing provider is reported; the composite cursor then resumes
 * the failed provider exactly where it stopped.
 */
export function describeProviderDown(): void {
  describe('one provider down during a merged listing (library)', () => {
    let sandbox: Sandbox;
    let portal: Order[];
    let factor: Order[];

    beforeAll(async () => {
      sandbox = await startSuiteSandbox({ flexportal: 70, flexfactor: 70, seed: 51 });
      portal = flexPortalTruth(sandbox).orders;
      factor = flexFactorTruth(sandbox).orders;
    });
    afterEach(() => sandbox.faults.clear());
    afterAll(() => sandbox.close());

    it('default mode: the merged listing fails with ProviderUnavailableError naming flexfactor', async () => {
      sandbox.faults.set('flexfactor', DOWN);
      const client = clientOn(sandbox, 'down/fail');
      const error = await drain(client.iterate(QUERY)).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      evidence.addError('down/fail', error);
      expect(ProviderUnavailableError.isInstance(error)).toBe(true);
      const typed = error as ProviderUnavailableError;
      expect(typed.provider).toBe('flexfactor');
      expect(typed.status).toBe(503);
      expect(typed.message).toMatch(/^flexfactor .*HTTP 503/);
    });

    it('partial mode: every flexportal order exactly once, in order, and flexfactor reported', async () => {
      sandbox.faults.set('flexfactor', DOWN);
      const client = clientOn(sandbox, 'down/partial', { onProviderError: 'partial' });
      const iteration = client.iterate(QUERY);
      const delivered = await drain(iteration);
      expect(keysOf(delivered)).toEqual(keysInOrder(portal, QUERY));
      expect(iteration.errors.map((failure) => failure.provider)).toEqual(['flexfactor']);
      const failure = iteration.errors[0]!.error;
      evidence.addError('down/partial', failure);
      expect(ProviderUnavailableError.isInstance(failure)).toBe(true);
      expect(failure.message).toContain('flexfactor');
      // The listing is not finished: its cursor still holds flexfactor's position.
      expect(iteration.cursor()).not.toBeNull();

      const page = await client.list(QUERY);
      expect(keysOf(page.orders)).toEqual(keysInOrder(portal, QUERY).slice(0, QUERY.limit));
      expect(page.errors.map((entry) => entry.provider)).toEqual(['flexfactor']);
    });

    it('partial mode, failing mid-walk: the rest of the failed provider resumes exactly from the cursor', async () => {
      const client = clientOn(sandbox, 'down/mid-walk', { onProviderError: 'partial' });
      const iteration = client.iterate(QUERY);
      const first: Order[] = [];
      for await (const order of iteration) {
        first.push(order);
        // FlexPortal's connections start resetting after 30 orders (beyond every retry).
        if (first.length === 30) sandbox.faults.set('flexportal', { resetNext: 10_000 });
      }
      expect(iteration.errors.map((failure) => failure.provider)).toEqual(['flexportal']);
      const failure = iteration.errors[0]!.error;
      evidence.addError('down/mid-walk', failure);
      expect(TransportError.isInstance(failure)).toBe(true);
      expect(failure.message).toContain('flexportal');
      // What was delivered is in order, has every flexfactor order and a prefix of flexportal's.
      const compare = orderComparator(parseOrderQuery(QUERY));
      expect(
        first.every((order, index) => index === 0 || compare(first[index - 1]!, order) < 0),
      ).toBe(true);
      const portalKeys = keysInOrder(portal, QUERY);
      const deliveredPortal = keysOf(first.filter((order) => order.provider === 'flexportal'));
      expect(deliveredPortal).toEqual(portalKeys.slice(0, deliveredPortal.length));
      expect(deliveredPortal.length).toBeLessThan(portalKeys.length);
      expect(keysOf(first.filter((order) => order.provider === 'flexfactor'))).toEqual(
        keysInOrder(factor, QUERY),
      );

      sandbox.faults.clear('flexportal');
      const cursor = iteration.cursor();
      expect(cursor).not.toBeNull();
      const rest = await drain(client.iterate({ ...QUERY, cursor: cursor! }));
      expect(keysOf(rest)).toEqual(portalKeys.slice(deliveredPortal.length));
      const all = [...keysOf(first), ...keysOf(rest)];
      expect(duplicates(all)).toEqual([]);
      expect(new Set(all)).toEqual(new Set(keysInOrder([...portal, ...factor])));
    });

    it('partial mode with every provider down: nothing delivered, both named', async () => {
      sandbox.faults.set('flexfactor', DOWN);
      sandbox.faults.set('flexportal', DOWN);
      const client = clientOn(sandbox, 'down/all', { onProviderError: 'partial' });
      const iteration = client.iterate(QUERY);
      expect(await drain(iteration)).toEqual([]);
      expect(iteration.errors.map((failure) => failure.provider).sort()).toEqual([
        'flexfactor',
        'flexportal',
      ]);
      for (const failure of iteration.errors) evidence.addError('down/all', failure.error);
    });
  });
}
