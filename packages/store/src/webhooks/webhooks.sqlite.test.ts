import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { createOrderStore } from '../create-order-store.js';
import { describeWebhooks } from '../test-support/describe-webhooks.js';

const folder = mkdtempSync(join(tmpdir(), 'orderbridge-webhooks-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
let databases = 0;

describeWebhooks('SQLite (node:sqlite)', async () => {
  const url = `sqlite:${join(folder, `store-${++databases}.db`)}`;
  return { store: await createOrderStore({ url }), openAgain: () => createOrderStore({ url }) };
});
