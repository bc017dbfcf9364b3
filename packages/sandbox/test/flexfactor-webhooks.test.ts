import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  connectSandbox,
  type FlexFactorWebhookPayload,
  type Sandbox,
  SandboxControlError,
  startSandbox,
} from '../src/index.js';

interface Received {
  contentType: string | undefined;
  payload: FlexFactorWebhookPayload;
}

/** A loopback receiver; `answer` decides each response's status (default 200). */
async function startReceiver(answer: (index: number) => number = () => 200) {
  const received: Received[] = [];
  let requests = 0;
  const server: Server = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const status = answer(requests++);
      if (status < 300) {
        received.push({
          contentType: request.headers['content-type'],
          payload: JSON.parse(Buffer.concat(chunks).toString('utf8')) as FlexFactorWebhookPayload,
        });
      }
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    requests: () => requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function sandboxWith(receiverUrl?: string): Promise<Sandbox> {
  const sandbox = await startSandbox({
    seed: 7,
    orders: 60,
    ...(receiverUrl ? { flexfactor: { webhooks: [{ url: receiverUrl }] } } : {}),
  });
  cleanups.push(() => sandbox.close());
  return sandbox;
}

describe('FlexFactor webhooks', () => {
  it('POSTs the documented event of each changed or new order as JSON text, not application/json', async () => {
    const receiver = await startReceiver();
    cleanups.push(receiver.close);
    const sandbox = await sandboxWith(receiver.url);
    const result = sandbox.flexfactor.churn({ count: 20, newOrders: 5, seed: 3 });
    await sandbox.flexfactor.webhooks.settled();

    expect(receiver.received.length).toBeGreaterThan(0);
    for (const { contentType, payload } of receiver.received) {
      expect(contentType).toBe('text/plain; charset=utf-8');
      expect(payload).toMatchObject({ isTestMode: true, isResent: false, timeStamp: result.at });
      const row = sandbox.flexfactor.store.get(payload.orderId);
      expect(row).toBeDefined();
      expect(payload.externalOrderId).toBe(row?.referenceNumber);
      // The event matches the state the order is in now.
      const expected = {
        'order.completed': [7],
        'order.refunded': [6, 7],
        'order.cancelled': [2],
        'order.capturerequired': [5],
      }[payload.event];
      expect(expected).toContain(row?.status);
    }
    // Every announced order was changed or created by this churn, and each at most once.
    const touched = new Set([...result.changed.map((change) => change.id), ...result.created]);
    const ids = receiver.received.map(({ payload }) => payload.orderId);
    for (const id of ids) expect(touched.has(id)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(sandbox.flexfactor.webhooks.deliveries().every((d) => d.outcome === 'delivered')).toBe(
      true,
    );
  });

  it('sends the same events for the same seed', async () => {
    const first = await startReceiver();
    const second = await startReceiver();
    cleanups.push(first.close, second.close);
    for (const receiver of [first, second]) {
      const sandbox = await sandboxWith(receiver.url);
      sandbox.flexfactor.churn({ count: 15, newOrders: 3, seed: 11 });
      await sandbox.flexfactor.webhooks.settled();
    }
    const strip = (received: Received[]) =>
      received.map(({ payload }) => [payload.event, payload.orderId]);
    expect(strip(first.received).length).toBeGreaterThan(0);
    expect(strip(second.received)).toEqual(strip(first.received));
  });

  it('retries a delivery the receiver refused, marked as resent', async () => {
    const receiver = await startReceiver((index) => (index === 0 ? 503 : 200));
    cleanups.push(receiver.close);
    const sandbox = await sandboxWith(receiver.url);
    sandbox.flexfactor.churn({ count: 10, seed: 5 });
    await sandbox.flexfactor.webhooks.settled();
    const [firstDelivery] = sandbox.flexfactor.webhooks.deliveries();
    expect(firstDelivery).toMatchObject({ attempts: 2, outcome: 'delivered', lastStatus: 200 });
    expect(receiver.received[0]?.payload.isResent).toBe(true);
    expect(receiver.received[0]?.payload.orderId).toBe(firstDelivery?.orderId);
  });

  it('sends nothing without a subscription, and nothing to a merchant filter that does not match', async () => {
    const receiver = await startReceiver();
    cleanups.push(receiver.close);
    const sandbox = await sandboxWith();
    sandbox.flexfactor.churn({ count: 10, seed: 5 });
    sandbox.flexfactor.webhooks.subscribe({ url: receiver.url, merchantId: 'no-such-merchant' });
    sandbox.flexfactor.churn({ count: 10, seed: 6 });
    await sandbox.flexfactor.webhooks.settled();
    expect(receiver.requests()).toBe(0);
    expect(sandbox.flexfactor.webhooks.deliveries()).toEqual([]);
  });

  it('announces direct writes too: an order patched to Completed, an order inserted awaiting capture', async () => {
    const receiver = await startReceiver();
    cleanups.push(receiver.close);
    const sandbox = await sandboxWith(receiver.url);
    const client = connectSandbox(sandbox.url);
    const processing = [...sandbox.flexfactor.exportOrders()].find((row) => row.status === 4);
    expect(processing).toBeDefined();
    await client.flexfactor.update(processing?.id ?? '', { status: 7 });
    const inserted = await client.flexfactor.insert({ status: 5 });
    // A write with no documented event (a note-like field) sends nothing.
    await client.flexfactor.update(inserted.id, { descriptor: 'changed' });
    await sandbox.flexfactor.webhooks.settled();
    expect(receiver.received.map(({ payload }) => [payload.event, payload.orderId])).toEqual([
      ['order.completed', processing?.id],
      ['order.capturerequired', inserted.id],
    ]);
  });

  it('manages subscriptions through the control endpoint and the typed client', async () => {
    const receiver = await startReceiver();
    cleanups.push(receiver.close);
    const sandbox = await sandboxWith();
    const client = connectSandbox(sandbox.url);
    const subscription = await client.flexfactor.webhooks.subscribe({ url: receiver.url });
    expect(subscription).toEqual({ id: 'ffwh_1', url: receiver.url });
    expect(await client.flexfactor.webhooks.list()).toEqual([subscription]);

    await client.flexfactor.churn({ count: 10, seed: 5 });
    await sandbox.flexfactor.webhooks.settled();
    const deliveries = await client.flexfactor.webhooks.deliveries();
    expect(deliveries.length).toBe(receiver.received.length);
    expect(deliveries.length).toBeGreaterThan(0);

    const refused = await client.flexfactor.webhooks
      .subscribe({ url: 'not a url' })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(SandboxControlError);
    expect((refused as SandboxControlError).status).toBe(400);
    expect((refused as SandboxControlError).message).toMatch(
      /url: must be an absolute http\(s\) URL/,
    );
    expect(await client.flexfactor.webhooks.unsubscribe('ffwh_404')).toBe(false);
    expect(await client.flexfactor.webhooks.unsubscribe(subscription.id)).toBe(true);
    expect(await client.flexfactor.webhooks.list()).toEqual([]);
  });
});
