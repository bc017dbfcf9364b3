import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { createOrderStore } from './create-order-store.js';
import { describeOrderStoreContract } from './test-support/describe-order-store-contract.js';

const folder = mkdtempSync(join(tmpdir(), 'orderbridge-store-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
let databases = 0;

describeOrderStoreContract('SQLite (node:sqlite)', async (options) => {
  const url = `sqlite:${join(folder, `store-${++databases}.db`)}`;
  return {
    store: await createOrderStore({ url, ...options }),
    reopen: (reopenOptions) => createOrderStore({ url, ...reopenOptions }),
  };
});
