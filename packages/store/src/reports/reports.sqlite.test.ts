import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { createOrderStore } from '../create-order-store.js';
import { describeReports } from '../test-support/describe-reports.js';

const folder = mkdtempSync(join(tmpdir(), 'orderbridge-reports-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

let stores = 0;
describeReports('SQLite (node:sqlite)', () =>
  createOrderStore({ url: `sqlite:${join(folder, `reports-${++stores}.db`)}` }),
);
