// FlexPortal behind a gateway that gzips its answers: the provider reads every page as it reads
// uncompressed ones.

import { type Order, parseOrderQuery } from '@orderbridge/core';
import { type Sandbox, startSandbox } from '@orderbridge/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groundTruth, sandboxProvider } from './sandbox-support.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({
    seed: 9,
    orders: { flexportal: 1_000, flexfactor: 0 },
    gzip: true,
  });
});
afterAll(() => sandbox.close());

describe('a provider whose answers are gzipped', () => {
  it('lists every order exactly once, as mapped from the provider records', async () => {
    const provider = sandboxProvider(sandbox);
    const delivered: Order[] = [];
    let cursor: string | undefined;
    do {
      const page = await provider.listOrders(parseOrderQuery({ limit: 100, cursor }));
      delivered.push(...page.orders);
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    const byId = (left: Order, right: Order) => left.id.localeCompare(right.id);
    expect(delivered.toSorted(byId)).toEqual(groundTruth(sandbox).toSorted(byId));
  });

  it('reads one order and a typed error answer', async () => {
    const provider = sandboxProvider(sandbox);
    const [first] = groundTruth(sandbox);
    expect(await provider.getOrder(first!.id)).toEqual(first);
    await expect(provider.getOrder('ord_not_there')).rejects.toMatchObject({ kind: 'not_found' });
  });
});
