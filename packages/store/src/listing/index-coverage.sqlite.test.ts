import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { createOrderStore } from '../create-order-store.js';
import { describeIndexCoverage } from '../test-support/describe-index-coverage.js';

const folder = mkdtempSync(join(tmpdir(), 'orderbridge-index-coverage-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describeIndexCoverage(
  'SQLite (EXPLAIN QUERY PLAN)',
  () => createOrderStore({ url: `sqlite:${join(folder, 'store.db')}` }),
  'sqlite',
);
