import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createOrderStore, type OrderStore } from '@orderbridge/store';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../app.js';
import { hashApiKey } from '../auth/api-key.js';
import { createLogger } from '../observability/logger.js';
import { CURSOR_SECRET, KEYS } from '../test-support/test-app.js';
import { createTestProvider, makeOrders } from '../test-support/test-provider.js';
import { hashHookSecret } from './hook-secret.js';
import { MAX_WEBHOOK_BYTES } from './incoming-webhook-routes.js';
import { createOrderRefresher, type OrderRefresher } from './order-refresher.js';

/** An obviously fake hook secret. */
const SECRET = 'test_hook_secret_acme_000000000000000000';
const folder = mkdtempSync(join(tmpdir(), 'orderbridge-hooks-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
let databases = 0;
let store: OrderStore;
beforeEach(async () => {
  store = await createOrderStore({ url: `sqlite:${join(folder, `store-${++databases}.db`)}` });
  return () => store.close();
});

function setUp(options: { withStore?: boolean } = {}) {
  const lines: string[] = [];
  const logger = createLogger({
    destination: new Writable({
      write(chunk, _encoding, callback) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        callback();
      },
    }),
  });
  const provider = createTestProvider('flexfactor', makeOrders('flexfactor', 4));
  const withStore = options.withStore ?? true;
  const refresher: OrderRefresher | undefined = withStore
    ? createOrderRefresher({ store, logger })
    : undefined;
  const app = createApp({
    cursorSecret: CURSOR_SECRET,
    logger,
    ...(withStore ? { store, orderRefresher: refresher } : {}),
    tenants: [
      {
        id: 'acme',
        apiKeys: [{ id: 'acme-ci', sha256: hashApiKey(KEYS.acme) }],
        providers: [provider],
        storeScope: 'acme-scope',
        incomingWebhooks: {
          flexfactor: { secretHash: hashHookSecret(SECRET), provider: 'flexfactor' },
        },
      },
      {
        id: 'globex',
        apiKeys: [{ id: 'globex-ci', sha256: hashApiKey(KEYS.globex) }],
        providers: [createTestProvider('flexfactor', [])],
      },
    ],
  });
  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    app.request(path, { method: 'POST', body, headers });
  return { app, post, lines, provider, refresher };
}

const hookPath = `/hooks/flexfactor/acme/${SECRET}`;
const completed = (orderId: string) =>
  JSON.stringify({
    event: 'order.completed',
    timeStamp: '2026-01-01T00:00:00Z',
    externalOrderId: 'ref',
    orderId,
    isTestMode: true,
    isResent: false,
  });

describe('POST /hooks/flexfactor/{tenantId}/{secret}', () => {
  it.each([
    ['text/plain (as FlexFactor sends it)', { 'content-type': 'text/plain' }],
    ['application/json', { 'content-type': 'application/json; charset=utf-8' }],
    ['no content type', {}],
    ['an unrelated content type', { 'content-type': 'application/x-www-form-urlencoded' }],
  ])(
    'accepts %s, re-fetches the order into the tenant scope, and logs one change',
    async (_name, headers) => {
      const { post, refresher, provider } = setUp();
      const response = await post(hookPath, completed('fl_0001'), headers);
      expect(response.status).toBe(202);
      expect(await response.json()).toEqual({
        action: 'refresh',
        order: 'flexfactor:fl_0001',
        coalesced: false,
      });
      await refresher?.idle();
      expect(provider.lookups).toEqual(['fl_0001']);
      expect((await store.getOrder('flexfactor:fl_0001', 'acme-scope'))?.order.status).toBe(
        'completed',
      );
      expect(await store.getOrder('flexfactor:fl_0001')).toBeNull();
      const changes = await store.listChanges({ scope: 'acme-scope' });
      expect(changes.map((change) => [change.kind, change.key])).toEqual([
        ['created', 'flexfactor:fl_0001'],
      ]);
    },
  );

  it('never takes order data from the payload: the stored order is the provider’s', async () => {
    const { post, refresher } = setUp();
    const forged = JSON.stringify({
      event: 'order.refunded',
      orderId: 'fl_0000',
      status: 6,
      amount: 999999,
      eventData: { status: 'completed', refundsAmount: 999999 },
    });
    expect((await post(hookPath, forged)).status).toBe(202);
    await refresher?.idle();
    const stored = await store.getOrder('flexfactor:fl_0000', 'acme-scope');
    expect(stored?.order.status).toBe('pending');
    expect(stored?.order.totals.total.amountMinor).toBe(100);
  });

  it('answers an unknown tenant, a tenant without the hook and a wrong secret with the same 404', async () => {
    const { post, provider, lines } = setUp();
    const answers = [];
    for (const path of [
      `/hooks/flexfactor/nobody/${SECRET}`,
      `/hooks/flexfactor/globex/${SECRET}`,
      `/hooks/flexfactor/acme/${SECRET.slice(0, -1)}x`,
      '/hooks/flexfactor/acme/short',
    ]) {
      const response = await post(path, completed('fl_0001'), { 'content-type': 'text/plain' });
      const body = (await response.json()) as Record<string, unknown>;
      answers.push({ status: response.status, type: body.type, detail: body.detail });
    }
    expect(new Set(answers.map((answer) => JSON.stringify(answer))).size).toBe(1);
    expect(answers[0]).toMatchObject({ status: 404 });
    expect(provider.lookups).toEqual([]);
    // The request log names the route template, never the secret.
    expect(lines.join('\n')).not.toContain(SECRET);
    expect(lines.join('\n')).toContain('/hooks/flexfactor/{tenantId}/{secret}');
  });

  it('acknowledges an unknown event without reading anything', async () => {
    const { post, refresher, provider } = setUp();
    const response = await post(
      hookPath,
      JSON.stringify({ event: 'order.teleported', orderId: 'fl_0001' }),
    );
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ action: 'ignored' });
    await refresher?.idle();
    expect(provider.lookups).toEqual([]);
    expect(await store.listChanges({ scope: 'acme-scope' })).toEqual([]);
  });

  it('refuses a body that is not JSON, and an unusable order id, with 400 naming the field', async () => {
    const { post } = setUp();
    const notJson = await post(hookPath, 'hello');
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ errors: [{ field: 'body' }] });
    const badId = await post(hookPath, completed('../etc'));
    expect(badId.status).toBe(400);
    expect(await badId.json()).toMatchObject({ errors: [{ field: 'orderId' }] });
  });

  it('refuses a body larger than the limit with 413', async () => {
    const { post } = setUp();
    const response = await post(hookPath, 'x'.repeat(MAX_WEBHOOK_BYTES + 1));
    expect(response.status).toBe(413);
  });

  it('answers an authenticated webhook 500 when no order store is configured', async () => {
    const { post } = setUp({ withStore: false });
    const response = await post(hookPath, completed('fl_0001'));
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({
      detail: expect.stringMatching(/ORDERBRIDGE_DATABASE_URL/),
    });
  });

  it('needs no API key, and a /v1 key does not open it', async () => {
    const { post } = setUp();
    const response = await post(`/hooks/flexfactor/acme/${KEYS.acme}`, completed('fl_0001'), {
      authorization: `Bearer ${KEYS.acme}`,
    });
    expect(response.status).toBe(404);
  });
});
