import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createOrderClient, ProviderUnavailableError } from '@orderbridge/core';
import { createOrderStore, type OrderStore } from '@orderbridge/store';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../observability/logger.js';
import { createTestProvider, makeOrders } from '../test-support/test-provider.js';
import { createOrderRefresher, type RefreshRequest } from './order-refresher.js';

const folder = mkdtempSync(join(tmpdir(), 'orderbridge-refresher-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
let databases = 0;
let store: OrderStore;
beforeEach(async () => {
  store = await createOrderStore({ url: `sqlite:${join(folder, `store-${++databases}.db`)}` });
  return () => store.close();
});

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      callback();
    },
  });
  return { lines, logger: createLogger({ destination, level: 'debug' }) };
}

function setUp(failures: (number: number) => Error | undefined = () => undefined) {
  const provider = createTestProvider('flexfactor', makeOrders('flexfactor', 3), {
    beforeCall: ({ operation, number }) => {
      const error = operation === 'getOrder' ? failures(number) : undefined;
      if (error) throw error;
    },
  });
  const client = createOrderClient({ providers: [provider] });
  const request = (orderId: string): RefreshRequest => ({
    tenantId: 'acme',
    client,
    scope: 'acme',
    provider: 'flexfactor',
    orderId,
    reason: 'order.completed',
    requestId: 'req-1',
  });
  return { provider, request };
}

const unavailable = () =>
  new ProviderUnavailableError({ provider: 'flexfactor', message: 'flexfactor is down' });

describe('createOrderRefresher', () => {
  it('re-fetches the order and writes it into the scope, one change entry', async () => {
    const { request } = setUp();
    const { logger } = capture();
    const refresher = createOrderRefresher({ store, logger });
    expect(refresher.enqueue(request('fl_0001'))).toBe('queued');
    await refresher.idle();
    expect((await store.getOrder('flexfactor:fl_0001', 'acme'))?.order.status).toBe('completed');
    const changes = await store.listChanges({ scope: 'acme' });
    expect(changes.map((change) => [change.kind, change.key, change.runId])).toEqual([
      ['created', 'flexfactor:fl_0001', 'webhook:flexfactor:req-1'],
    ]);
  });

  it('coalesces a burst for one order into one read', async () => {
    const { provider, request } = setUp();
    const refresher = createOrderRefresher({ store, logger: capture().logger, concurrency: 1 });
    // The first occupies the one slot; the burst for fl_0002 waits and collapses into one.
    refresher.enqueue(request('fl_0000'));
    const outcomes = Array.from({ length: 5 }, () => refresher.enqueue(request('fl_0002')));
    expect(outcomes).toEqual(['queued', 'coalesced', 'coalesced', 'coalesced', 'coalesced']);
    await refresher.idle();
    expect(provider.lookups.filter((id) => id === 'fl_0002')).toHaveLength(1);
  });

  it('retries a failed read, then writes', async () => {
    const { provider, request } = setUp((number) => (number <= 2 ? unavailable() : undefined));
    const { lines, logger } = capture();
    const refresher = createOrderRefresher({ store, logger, retryDelaysMs: [1, 1, 1] });
    refresher.enqueue(request('fl_0001'));
    await refresher.idle();
    expect(provider.lookups).toEqual(['fl_0001', 'fl_0001', 'fl_0001']);
    expect(await store.getOrder('flexfactor:fl_0001', 'acme')).not.toBeNull();
    expect(lines.filter((line) => line.msg === 'webhook refresh failed; retrying')).toHaveLength(2);
  });

  it('gives up after the retries and logs it; nothing is written', async () => {
    const { provider, request } = setUp(() => unavailable());
    const { lines, logger } = capture();
    const refresher = createOrderRefresher({ store, logger, retryDelaysMs: [1, 1] });
    refresher.enqueue(request('fl_0001'));
    await refresher.idle();
    expect(provider.lookups).toHaveLength(3);
    expect(await store.getOrder('flexfactor:fl_0001', 'acme')).toBeNull();
    const [gaveUp] = lines.filter((line) => line.level === 'error');
    expect(gaveUp).toMatchObject({ attempts: 3, orderId: 'fl_0001', tenant: 'acme' });
  });

  it('does not retry an order the provider does not have', async () => {
    const { provider, request } = setUp();
    const { lines, logger } = capture();
    const refresher = createOrderRefresher({ store, logger, retryDelaysMs: [1, 1] });
    refresher.enqueue(request('no_such_order'));
    await refresher.idle();
    expect(provider.lookups).toEqual(['no_such_order']);
    expect(
      lines.some((line) => line.msg === 'webhook refresh: the provider has no such order'),
    ).toBe(true);
  });
});
