import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSandbox, type Sandbox, SandboxControlError, startSandbox } from '../src/index.js';
import { flexFactorGet, flexFactorToken, flexPortalGet, request } from './support/sandbox-http.js';

describe('control endpoint /_sandbox', () => {
  let sandbox: Sandbox;
  const control = (path: string, init: RequestInit = {}) =>
    request<Record<string, unknown>>(`${sandbox.url}/_sandbox${path}`, init);
  const json = (method: string, body: unknown): RequestInit => ({
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

  beforeAll(async () => {
    sandbox = await startSandbox({ orders: 20 });
  });
  afterAll(() => sandbox.close());

  it('GET /_sandbox returns the connection settings and env vars', async () => {
    const result = await control('');
    expect(result.status).toBe(200);
    expect(result.json).toEqual(sandbox.settings());
    expect(result.json).toMatchObject({
      url: sandbox.url,
      flexportal: {
        baseUrl: `${sandbox.url}/flexportal`,
        apiKey: 'fp_test_sandbox_key_tenant_a',
        tenantId: 'bu_sandbox_a',
      },
      flexfactor: {
        baseUrl: `${sandbox.url}/flexfactor/v1/`,
        appKey: 'ff_sandbox_app_key',
        appSecret: 'ff_sandbox_app_secret',
        tokenTtlMs: 600000,
      },
      env: {
        FLEXPORTAL_BASE_URL: `${sandbox.url}/flexportal`,
        FLEXPORTAL_API_KEY: 'fp_test_sandbox_key_tenant_a',
        FLEXPORTAL_TENANT_ID: 'bu_sandbox_a',
        FLEXFACTOR_BASE_URL: `${sandbox.url}/flexfactor/v1/`,
        FLEXFACTOR_APP_KEY: 'ff_sandbox_app_key',
        FLEXFACTOR_APP_SECRET: 'ff_sandbox_app_secret',
      },
    });
  });

  it('PUT /_sandbox/faults/{provider} validates and switches faults; DELETE clears them', async () => {
    const bad = await control(
      '/faults/flexportal',
      json('PUT', { failNext: { count: 'two', status: 503 } }),
    );
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json)).toContain('failNext.count');
    expect((await control('/faults/nowhere', json('PUT', {}))).status).toBe(404);
    expect((await control('/faults/flexportal', { method: 'PUT', body: '{' })).status).toBe(400);

    const ok = await control(
      '/faults/flexportal',
      json('PUT', { failNext: { count: 1, status: 500 } }),
    );
    expect(ok.status).toBe(200);
    expect((await flexPortalGet(sandbox, '/v1/orders')).status).toBe(500);
    await control('/faults/flexportal', json('PUT', { failNext: { count: 1, status: 500 } }));
    expect((await control('/faults/flexportal', { method: 'DELETE' })).status).toBe(204);
    expect((await flexPortalGet(sandbox, '/v1/orders')).status).toBe(200);
    await control('/faults/flexfactor', json('PUT', { resetNext: 3 }));
    expect((await control('/faults', { method: 'DELETE' })).status).toBe(204);
    expect((await control('/faults')).json).toEqual({ flexportal: {}, flexfactor: {} });
  });

  it('inserts, reads, patches and deletes orders of either provider', async () => {
    const created = await control(
      '/flexportal/orders',
      json('POST', { status: 'pending', notes: 'via control' }),
    );
    expect(created.status).toBe(201);
    const order = (created.json.orders as { orderId: string; status: string; notes: string }[])[0];
    expect(order).toMatchObject({ status: 'pending', notes: 'via control' });
    const id = order?.orderId as string;
    expect((await flexPortalGet(sandbox, `/v1/orders/${id}`)).status).toBe(200);

    const patched = await control(
      `/flexportal/orders/${id}`,
      json('PATCH', { status: 'confirmed', $unset: ['notes'] }),
    );
    expect(patched.json).toMatchObject({ status: 'confirmed' });
    expect(patched.json).not.toHaveProperty('notes');
    expect((await control(`/flexportal/orders/${id}`)).json).toEqual(patched.json);
    expect((await control(`/flexportal/orders/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await control(`/flexportal/orders/${id}`)).status).toBe(404);
    expect((await control(`/flexportal/orders/${id}`, { method: 'DELETE' })).status).toBe(404);

    const many = await control(
      '/flexfactor/orders',
      json('POST', { count: 3, order: { status: 2 } }),
    );
    expect(many.status).toBe(201);
    expect(many.json.count).toBe(3);
    expect((many.json.orders as { status: number }[]).map((row) => row.status)).toEqual([2, 2, 2]);
    expect((await control('/flexfactor/count')).json).toEqual({ count: 23 });
  });

  it('addresses another FlexPortal tenant with ?tenantId=', async () => {
    const result = await control('/flexportal/orders?tenantId=bu_sandbox_b', json('POST', {}));
    expect(result.status).toBe(201);
    expect((result.json.orders as { tenantId: string }[])[0]?.tenantId).toBe('bu_sandbox_b');
    expect(sandbox.flexportal.store.count('bu_sandbox_b')).toBe(26);
    expect((await control('/flexportal/count?tenantId=bu_nobody')).status).toBe(404);
  });

  it('expires FlexFactor tokens and sets their TTL', async () => {
    const token = await flexFactorToken(sandbox);
    expect((await control('/flexfactor/tokens/expire', { method: 'POST' })).status).toBe(204);
    expect((await flexFactorGet(sandbox, 'orders', token)).status).toBe(401);
    expect((await control('/flexfactor/tokens/ttl', json('POST', { ms: -1 }))).status).toBe(400);
    expect((await control('/flexfactor/tokens/ttl', json('POST', { ms: 1234 }))).status).toBe(204);
    expect(sandbox.settings().flexfactor.tokenTtlMs).toBe(1234);
    sandbox.flexfactor.setTokenTtl(600_000);
  });

  it('reports and resets stats', async () => {
    await control('/stats/reset', { method: 'POST' });
    const token = await flexFactorToken(sandbox);
    await flexFactorGet(sandbox, 'orders', token);
    await flexFactorGet(sandbox, 'orders/unknown-id', token);
    await flexPortalGet(sandbox, '/v1/orders');
    await flexPortalGet(sandbox, '/v1/orders', {});
    const stats = (await control('/stats')).json as unknown as ReturnType<Sandbox['stats']>;
    expect(stats.flexfactor.routes).toEqual({ listOrders: 1, getOrder: 1, token: 1, other: 0 });
    expect(stats.flexfactor.statusCodes).toEqual({ '200': 2, '404': 1 });
    expect(stats.flexfactor.tokensIssued).toBe(1);
    expect(stats.flexportal.requests).toBe(2);
    expect(stats.flexportal.statusCodes).toEqual({ '200': 1, '401': 1 });
    expect(stats.control).toBeGreaterThan(0);
    expect(sandbox.stats().flexportal.requests).toBe(2);
  });

  it('answers unknown control routes with 404', async () => {
    expect((await control('/nothing')).status).toBe(404);
    expect((await request(`${sandbox.url}/elsewhere`)).status).toBe(404);
  });
});

describe('connectSandbox', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ orders: 15 });
  });
  afterAll(() => sandbox.close());

  it('drives a sandbox over HTTP with the same operations as the in-process handle', async () => {
    const client = connectSandbox(`${sandbox.url}/`);
    expect(await client.settings()).toEqual(sandbox.settings());

    const inserted = await client.flexportal.insert({ status: 'fulfilled', notes: 'remote' });
    expect(sandbox.flexportal.store.get(inserted.orderId)).toEqual(inserted);
    expect(inserted.rentalProgress.rentedDevices).toBe(inserted.rentalProgress.totalDevices);
    const updated = await client.flexportal.update(inserted.orderId, { notes: undefined });
    expect(updated).not.toHaveProperty('notes');
    expect(await client.flexportal.get(inserted.orderId)).toEqual(updated);
    expect(await client.flexportal.delete(inserted.orderId)).toBe(true);
    expect(await client.flexportal.delete(inserted.orderId)).toBe(false);
    expect(await client.flexportal.get(inserted.orderId)).toBeUndefined();
    expect(await client.flexportal.update('ord_missing', {})).toBeUndefined();
    expect(await client.flexportal.count()).toBe(15);
    const tenantB = client.flexportal.tenant('bu_sandbox_b');
    expect(await tenantB.count()).toBe(25);
    expect((await tenantB.insertMany(2)).map((order) => order.tenantId)).toEqual([
      'bu_sandbox_b',
      'bu_sandbox_b',
    ]);

    const rows = await client.flexfactor.insertMany(2, { isMIT: true });
    expect(rows.map((row) => row.isMIT)).toEqual([true, true]);
    expect(await client.flexfactor.count()).toBe(17);

    await client.faults.set('flexfactor', { failNext: { count: 1, status: 504 } });
    expect((await client.faults.current()).flexfactor.failNext).toEqual({ count: 1, status: 504 });
    const token = await flexFactorToken(sandbox);
    expect((await flexFactorGet(sandbox, 'orders', token)).status).toBe(504);
    await client.faults.clear();

    await client.flexfactor.expireTokens();
    expect((await flexFactorGet(sandbox, 'orders', token)).status).toBe(401);
    await client.flexfactor.setTokenTtl(5000);
    expect(sandbox.settings().flexfactor.tokenTtlMs).toBe(5000);

    await client.resetStats();
    await flexPortalGet(sandbox, '/v1/orders');
    expect((await client.stats()).flexportal.routes.listOrders).toBe(1);

    await expect(client.faults.set('flexportal', { resetNext: -1 })).rejects.toBeInstanceOf(
      SandboxControlError,
    );
  });
});
