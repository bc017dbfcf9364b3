import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSandbox, type Sandbox, startSandbox } from '../src/index.js';
import { type FlexPortalPage, flexPortalGet } from './support/sandbox-http.js';

// The incremental-sync shape at scale: 1% of 100,000 orders change, and a client reading
// updatedAt-desc pages down to the oldest changed order sees exactly the changed orders first.
describe('churn at 100,000 orders', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({
      orders: { flexportal: 100_000, flexfactor: 100_000 },
      seed: 21,
    });
  });
  afterAll(() => sandbox.close());

  it('lists exactly the changed orders first by updatedAt desc after a 1% churn', async () => {
    // A first listing builds the updatedAt index; the churn must then keep it, not rebuild it.
    const warm = await flexPortalGet<FlexPortalPage>(
      sandbox,
      '/v1/orders?sortBy=updatedAt&limit=1',
    );
    expect(warm.status).toBe(200);
    const remote = connectSandbox(sandbox.url);
    const result = await remote.flexportal.churn({ fraction: 0.01, newOrders: 0, seed: 1 });
    expect(result.changed).toHaveLength(1000);
    const changed = new Set(result.changed.map((change) => change.id));
    const oldestChange = Math.min(
      ...result.changed.map(({ changes }) => Date.parse((changes.updatedAt as { to: string }).to)),
    );

    const listed: string[] = [];
    let cursor: string | null = null;
    let reachedOlder = false;
    while (!reachedOlder) {
      const after: string = cursor ? `&startAfter=${encodeURIComponent(cursor)}` : '';
      const page = await flexPortalGet<FlexPortalPage>(
        sandbox,
        `/v1/orders?sortBy=updatedAt&sortDir=desc&limit=100${after}`,
      );
      expect(page.status).toBe(200);
      for (const order of page.json.orders) {
        if (Date.parse(order.updatedAt as string) < oldestChange) reachedOlder = true;
        else listed.push(order.orderId);
      }
      cursor = page.json.nextCursor;
      if (!cursor) break;
    }
    expect(reachedOlder).toBe(true);
    expect(listed).toHaveLength(1000);
    expect(new Set(listed)).toEqual(changed);
  });

  it('churns FlexFactor 1% and streams the whole export once', async () => {
    const result = sandbox.flexfactor.churn({
      fraction: 0.01,
      newOrders: 100,
      vanish: 50,
      seed: 3,
    });
    expect(result.changed).toHaveLength(1000);
    const expected = new Map(
      result.changed.map(({ id, changes }) => [
        id,
        changes.status?.to ?? changes.refundsAmount?.to,
      ]),
    );
    const ids = new Set<string>();
    let rows = 0;
    for await (const row of connectSandbox(sandbox.url).flexfactor.exportOrders()) {
      rows++;
      ids.add(row.id);
      const wanted = expected.get(row.id);
      if (wanted !== undefined) expect([row.status, row.refundsAmount]).toContain(wanted);
    }
    expect(rows).toBe(100_000 + 100 - 50);
    expect(ids.size).toBe(rows);
    for (const id of result.created) expect(ids.has(id)).toBe(true);
    for (const id of result.vanished) expect(ids.has(id)).toBe(false);
  });
});
