import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOrderStore, createWebhookDeliverer, WebhookStore } from '@orderbridge/store';
import { makeOrder } from '@orderbridge/testkit';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { createWebhookReceiver, type OrderBridgeEvent } from './create-webhook-receiver.js';

const folder = mkdtempSync(join(tmpdir(), 'orderbridge-receiver-example-'));
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The example receiver on a free port of 127.0.0.1. */
async function startReceiver(secret: string) {
  const events: Array<{ event: OrderBridgeEvent; webhookId: string }> = [];
  const server: Server = createServer(
    createWebhookReceiver({
      secret,
      onEvent: (event, webhookId) => void events.push({ event, webhookId }),
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return { url, events };
}

// An obviously fake secret for the direct tests.
const FAKE_SECRET = `whsec_${Buffer.from('example-receiver-test-secret-000').toString('base64')}`;

function signed(body: string, id = 'msg_test_1', at = new Date()) {
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(FAKE_SECRET).sign(id, at, body),
  };
}

const BODY = JSON.stringify({
  type: 'order.created',
  timestamp: '2026-01-01T00:00:00.000Z',
  data: {
    change: { seq: 1, key: 'alpha:1', provider: 'alpha', kind: 'created', diff: null },
    order: {},
  },
});

describe('createWebhookReceiver', () => {
  it('processes a verified delivery once, however often it is retried', async () => {
    const { url, events } = await startReceiver(FAKE_SECRET);
    for (let attempt = 0; attempt < 3; attempt++) {
      const response = await fetch(url, { method: 'POST', headers: signed(BODY), body: BODY });
      expect(response.status).toBe(204);
    }
    expect(events.map((entry) => entry.webhookId)).toEqual(['msg_test_1']);
  });

  it('refuses a tampered body, a wrong secret and a stale timestamp', async () => {
    const { url, events } = await startReceiver(FAKE_SECRET);
    const tampered = await fetch(url, {
      method: 'POST',
      headers: signed(BODY),
      body: BODY.replace('alpha:1', 'alpha:2'),
    });
    expect(tampered.status).toBe(400);
    const stale = await fetch(url, {
      method: 'POST',
      headers: signed(BODY, 'msg_old', new Date(Date.now() - 10 * 60_000)),
      body: BODY,
    });
    expect(stale.status).toBe(400);
    const other = await startReceiver(
      `whsec_${Buffer.from('another-fake-secret-0000000000').toString('base64')}`,
    );
    expect(
      (await fetch(other.url, { method: 'POST', headers: signed(BODY), body: BODY })).status,
    ).toBe(400);
    expect(events).toEqual([]);
  });

  it('verifies and deduplicates what OrderBridge delivers', async () => {
    const store = await createOrderStore({ url: `sqlite:${join(folder, 'store.db')}` });
    cleanups.push(async () => {
      await store.close();
      rmSync(folder, { recursive: true, force: true });
    });
    // The URL is registered before the secret is known: the handler is set once it is.
    let handler: ReturnType<typeof createWebhookReceiver> = (_request, response) => {
      response.writeHead(503).end();
    };
    const server = createServer((request, response) => handler(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
    const { secret } = await new WebhookStore(store).createEndpoint(
      { scope: 'default', url, events: ['order.created'] },
      { allowLoopback: true },
    );
    const events: string[] = [];
    handler = createWebhookReceiver({
      secret,
      onEvent: (event) => void events.push(`${event.type} ${event.data.change.key}`),
    });
    await store.applyBatch({
      provider: 'alpha',
      runId: 'run-1',
      observedAt: new Date().toISOString(),
      orders: [makeOrder('alpha', '1'), makeOrder('alpha', '2')],
      progress: {
        runId: 'run-1',
        mode: 'full',
        startedAt: new Date().toISOString(),
        cursor: null,
        query: {},
        counts: { fetched: 0, created: 0, updated: 0, unchanged: 0, vanished: 0, rejected: 0 },
        requests: 0,
      },
    });
    const deliverer = createWebhookDeliverer({ store, allowLoopback: true });
    expect(await deliverer.deliverDue()).toMatchObject({ delivered: 2 });
    expect(events.sort()).toEqual(['order.created alpha:1', 'order.created alpha:2']);
  });
});
