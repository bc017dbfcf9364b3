import { AuthenticationError, ProviderResponseError, parseOrderQuery } from '@orderbridge/core';
import { flexFactorOrderListSchema, flexFactorRowSchema, type Sandbox } from '@orderbridge/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  flexFactorOrderListResponseSchema,
  flexFactorOrderRowSchema,
} from '../src/flexfactor-api.js';
import { readFixture } from '../src/test-support/read-fixture.js';
import { sandboxProvider, startFlexFactorSandbox } from './sandbox-support.js';

// Schema drift end to end, and a cross-check of the adapter's and the simulator's readings of the
// documents: both were written from the docs independently, so they must agree on the seed example.
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startFlexFactorSandbox(60);
});
afterAll(async () => {
  await sandbox.close();
});

describe('FlexFactor wire format', () => {
  it('the seed response example satisfies both the adapter schema and the simulator schema', () => {
    const seed = readFixture('seed-002-list-response.json');
    expect(flexFactorOrderListResponseSchema.safeParse(seed).success).toBe(true);
    expect(flexFactorOrderListSchema.safeParse(seed).success).toBe(true);
  });

  it('every row the simulator generates satisfies the adapter row schema', () => {
    for (const row of sandbox.flexfactor.store.list()) {
      expect(flexFactorRowSchema.safeParse(row).success).toBe(true);
      expect(flexFactorOrderRowSchema.safeParse(row).success).toBe(true);
    }
  });

  it('a drifted row is left out with an invalid-record warning; strict mode throws', async () => {
    const store = sandbox.flexfactor.store;
    const badAmount = store.insert({ createdOn: '2026-01-01T00:00:00.000001Z', amount: 'n/a' });
    const noCurrency = store.insert({
      createdOn: '2026-01-01T00:00:00.000002Z',
      currencyCode: undefined,
    });
    const extraField = store.insert({
      createdOn: '2026-01-01T00:00:00.000003Z',
      somethingNew: { nested: true },
    });
    try {
      const provider = sandboxProvider(sandbox);
      const query = parseOrderQuery({ limit: 100 });
      const page = await provider.listOrders(query);
      const listedIds = page.orders.map((order) => order.id);
      expect(page.orders).toHaveLength(61);
      expect(listedIds).toContain(extraField.id);
      expect(listedIds).not.toContain(badAmount.id);
      const invalid = page.warnings.filter((warning) => warning.code === 'invalid-record');
      expect(invalid.map((warning) => warning.recordId).sort()).toEqual(
        [badAmount.id, noCurrency.id].sort(),
      );
      expect(invalid.flatMap((warning) => warning.issues ?? []).map((issue) => issue.path)).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^orders\.rows\[\d+\]\.amount$/),
          expect.stringMatching(/^orders\.rows\[\d+\]\.currencyCode$/),
        ]),
      );
      const strict = await provider.listOrders(query, { strict: true }).catch((error) => error);
      expect(ProviderResponseError.isInstance(strict)).toBe(true);
    } finally {
      for (const row of [badAmount, noCurrency, extraField]) store.delete(row.id);
    }
  });

  it('checkConnection verifies the credentials with the smallest page', async () => {
    sandbox.resetStats();
    await expect(sandboxProvider(sandbox).checkConnection()).resolves.toBeUndefined();
    expect(sandbox.stats().flexfactor.routes).toMatchObject({ token: 1, listOrders: 1 });
    const rejected = await sandboxProvider(sandbox, { appKey: 'not-the-app-key' })
      .checkConnection()
      .catch((error: unknown) => error);
    expect(AuthenticationError.isInstance(rejected)).toBe(true);
  });
});
