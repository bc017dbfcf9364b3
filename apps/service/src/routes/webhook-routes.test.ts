import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOrderStore, type OrderStore } from '@orderbridge/store';
import { makeOrder } from '@orderbridge/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '../test-support/expect-problem.js';
import { createTestApp, KEYS } from '../test-support/test-app.js';

const folder = mkdtempSync(join(tmpdir(), 'orderbridge-service-webhooks-'));
let store: OrderStore;
beforeAll(async () => {
  store = await createOrderStore({ url: `sqlite:${join(folder, 'store.db')}` });
});
afterAll(async () => {
  await store?.close();
  rmSync(folder, { recursive: true, force: true });
});

// Registration never connects anywhere: URLs are only validated. Nothing here delivers.
const RECEIVER = 'http://127.0.0.1:9/hooks';

describe('/v1/webhooks', () => {
  // Created per call: the store is opened in beforeAll, after this block is read.
  const call = (key: string, method: string, path: string, body?: unknown) =>
    createTestApp({ store, webhookAllowHttpLoopback: true }).app.request(path, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });

  it('registers an endpoint, shows its secret once, lists, gets and deletes it per tenant', async () => {
    const created = await call(KEYS.acme, 'POST', '/v1/webhooks', {
      url: RECEIVER,
      events: ['order.created', 'order.updated'],
      providers: ['alpha'],
    });
    expect(created.status).toBe(201);
    const endpoint = (await created.json()) as Record<string, unknown>;
    expect(endpoint).toMatchObject({
      url: RECEIVER,
      events: ['order.created', 'order.updated'],
      providers: ['alpha'],
      enabled: true,
      disabledReason: null,
    });
    expect(endpoint.secret).toMatch(/^whsec_/);
    expect(created.headers.get('location')).toBe(`/v1/webhooks/${endpoint.id}`);

    const listed = (await (await call(KEYS.acme, 'GET', '/v1/webhooks')).json()) as {
      webhooks: Array<Record<string, unknown>>;
    };
    expect(listed.webhooks.map((webhook) => webhook.id)).toContain(endpoint.id);
    expect(JSON.stringify(listed)).not.toContain(endpoint.secret as string);
    const one = await call(KEYS.acme, 'GET', `/v1/webhooks/${endpoint.id}`);
    expect(await one.json()).not.toHaveProperty('secret');

    // Another tenant sees nothing of it.
    await expectProblem(
      await call(KEYS.globex, 'GET', `/v1/webhooks/${endpoint.id}`),
      404,
      'not-found',
    );
    await expectProblem(
      await call(KEYS.globex, 'GET', `/v1/webhooks/${endpoint.id}/deliveries`),
      404,
      'not-found',
    );
    await expectProblem(
      await call(KEYS.globex, 'DELETE', `/v1/webhooks/${endpoint.id}`),
      404,
      'not-found',
    );
    expect(
      ((await (await call(KEYS.globex, 'GET', '/v1/webhooks')).json()) as { webhooks: unknown[] })
        .webhooks,
    ).toEqual([]);

    expect((await call(KEYS.acme, 'DELETE', `/v1/webhooks/${endpoint.id}`)).status).toBe(204);
    await expectProblem(
      await call(KEYS.acme, 'GET', `/v1/webhooks/${endpoint.id}`),
      404,
      'not-found',
    );
  });

  it('answers bad input with a problem naming the field', async () => {
    const refused = await expectProblem(
      await call(KEYS.acme, 'POST', '/v1/webhooks', {
        url: 'https://10.0.0.8/hooks',
        events: ['order.created'],
      }),
      400,
      'invalid-query',
    );
    expect(refused.errors).toEqual([
      { field: 'url', message: expect.stringContaining('non-public address') },
    ]);
    const badEvent = await expectProblem(
      await call(KEYS.acme, 'POST', '/v1/webhooks', { url: RECEIVER, events: ['order.paid'] }),
      400,
      'invalid-query',
    );
    expect(JSON.stringify(badEvent.errors)).toContain('events');
    await expectProblem(
      await call(KEYS.acme, 'POST', '/v1/webhooks', { url: RECEIVER, events: [], extra: 1 }),
      400,
      'invalid-query',
    );
  });

  it('refuses http to loopback unless the service allows it', async () => {
    const strict = createTestApp({ store }).app;
    const response = await strict.request('/v1/webhooks', {
      method: 'POST',
      headers: { authorization: `Bearer ${KEYS.acme}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: RECEIVER, events: ['order.created'] }),
    });
    const body = await expectProblem(response, 400, 'invalid-query');
    expect(JSON.stringify(body.errors)).toContain('must use https');
  });

  it('pages the delivery log with a keyset cursor', async () => {
    const created = (await (
      await call(KEYS.acme, 'POST', '/v1/webhooks', { url: RECEIVER, events: ['order.created'] })
    ).json()) as { id: string };
    await store.applyBatch({
      scope: 'acme',
      provider: 'alpha',
      runId: 'run-1',
      observedAt: new Date().toISOString(),
      orders: Array.from({ length: 5 }, (_, index) => makeOrder('alpha', `log-${index}`)),
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
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor === null ? '?limit=2' : `?limit=2&cursor=${cursor}`;
      const page = (await (
        await call(KEYS.acme, 'GET', `/v1/webhooks/${created.id}/deliveries${query}`)
      ).json()) as {
        deliveries: Array<{ orderKey: string; status: string; changeSeq: number }>;
        nextCursor: string | null;
      };
      expect(page.deliveries.length).toBeLessThanOrEqual(2);
      for (const delivery of page.deliveries) {
        expect(delivery.status).toBe('pending');
        seen.push(delivery.orderKey);
      }
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(seen.sort()).toEqual([0, 1, 2, 3, 4].map((index) => `alpha:log-${index}`));
    await expectProblem(
      await call(KEYS.acme, 'GET', `/v1/webhooks/${created.id}/deliveries?cursor=garbage`),
      400,
      'invalid-cursor',
    );
    await expectProblem(
      await call(KEYS.acme, 'GET', `/v1/webhooks/${created.id}/deliveries?limit=1000`),
      400,
      'invalid-query',
    );
  });

  it('re-enables an endpoint', async () => {
    const created = (await (
      await call(KEYS.acme, 'POST', '/v1/webhooks', { url: RECEIVER, events: ['order.vanished'] })
    ).json()) as { id: string };
    const enabled = await call(KEYS.acme, 'POST', `/v1/webhooks/${created.id}/enable`);
    expect(enabled.status).toBe(200);
    expect(await enabled.json()).toMatchObject({
      id: created.id,
      enabled: true,
      failingSince: null,
    });
  });

  it('is a configuration error without a store', async () => {
    const { app } = createTestApp();
    await expectProblem(
      await app.request('/v1/webhooks', { headers: { authorization: `Bearer ${KEYS.acme}` } }),
      500,
      'configuration-error',
    );
  });
});
