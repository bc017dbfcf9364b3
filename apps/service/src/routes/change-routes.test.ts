import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOrderStore, type OrderStore } from '@orderbridge/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '../test-support/expect-problem.js';
import { storeOrders } from '../test-support/store-fixture.js';
import { createTestApp, KEYS } from '../test-support/test-app.js';
import { makeOrders } from '../test-support/test-provider.js';

const folder = mkdtempSync(join(tmpdir(), 'orderbridge-service-changes-'));
let store: OrderStore;

beforeAll(async () => {
  store = await createOrderStore({ url: `sqlite:${join(folder, 'store.db')}` });
  await storeOrders(store, 'acme', 'alpha', makeOrders('alpha', 6));
  await storeOrders(store, 'globex', 'alpha', makeOrders('alpha', 4));
  await storeOrders(store, 'acme', 'beta', makeOrders('beta', 3));
  await storeOrders(store, 'acme', 'gamma', makeOrders('gamma', 2));
  // Two alpha orders change: two `updated` entries after the creations.
  const changed = makeOrders('alpha', 2).map((order) => ({
    ...order,
    status: 'cancelled' as const,
  }));
  await storeOrders(store, 'acme', 'alpha', changed, 'run-2');
});
afterAll(async () => {
  await store?.close();
  rmSync(folder, { recursive: true, force: true });
});

type ChangePage = {
  changes: Array<{ seq: number; key: string; provider: string; kind: string; scope?: string }>;
  nextAfter: number;
};

describe('GET /v1/changes', () => {
  it("pages the tenant's own changes by seq, never another scope's or provider's", async () => {
    const { get } = createTestApp({ store });
    const seen: ChangePage['changes'] = [];
    let after = 0;
    for (;;) {
      const response = await get(`/v1/changes?after=${after}&limit=4`);
      expect(response.status).toBe(200);
      const page = (await response.json()) as ChangePage;
      if (page.changes.length === 0) {
        expect(page.nextAfter).toBe(after);
        break;
      }
      seen.push(...page.changes);
      expect(page.nextAfter).toBe(page.changes.at(-1)?.seq);
      after = page.nextAfter;
    }
    // acme: 6 alpha + 3 beta created, 2 alpha updated; gamma is not acme's, globex's scope is not.
    expect(seen.map((entry) => entry.kind)).toEqual([
      ...Array(9).fill('created'),
      'updated',
      'updated',
    ]);
    expect(seen.every((entry) => entry.provider !== 'gamma' && entry.scope === undefined)).toBe(
      true,
    );
    const seqs = seen.map((entry) => entry.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);

    const globex = (await (await get('/v1/changes', KEYS.globex)).json()) as ChangePage;
    expect(globex.changes).toHaveLength(4);
  });

  it('filters by provider and kind', async () => {
    const { get } = createTestApp({ store });
    const updated = (await (await get('/v1/changes?kind=updated')).json()) as ChangePage;
    expect(updated.changes.map((entry) => entry.key)).toEqual(['alpha:al_0000', 'alpha:al_0001']);
    const beta = (await (
      await get('/v1/changes?provider=beta&kind=created,updated')
    ).json()) as ChangePage;
    expect(beta.changes.map((entry) => entry.provider)).toEqual(['beta', 'beta', 'beta']);
  });

  it('answers bad parameters with 400 naming the parameter', async () => {
    const { get } = createTestApp({ store });
    for (const [query, field] of [
      ['limit=0', 'limit'],
      ['limit=1001', 'limit'],
      ['limit=ten', 'limit'],
      ['after=-1', 'after'],
      ['kind=deleted', 'kind'],
      ['provider=gamma', 'provider'],
      ['since=3', 'since'],
    ] as const) {
      const problem = await expectProblem(await get(`/v1/changes?${query}`), 400, 'invalid-query');
      expect(JSON.stringify(problem.errors), query).toContain(`"field":"${field}"`);
    }
  });

  it('is 503 without a store and 401 without a key', async () => {
    const { get } = createTestApp();
    await expectProblem(await get('/v1/changes'), 503, 'store-not-configured');
    await expectProblem(await get('/v1/changes', null), 401, 'unauthorized');
  });
});
