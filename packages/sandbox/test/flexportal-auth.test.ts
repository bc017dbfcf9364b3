import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flexPortalErrorSchema, type Sandbox, startSandbox } from '../src/index.js';
import { flexPortalGet, request } from './support/sandbox-http.js';

// docs/providers/flexportal.md §1.2 (Authorization: Bearer <key> + Tenant-ID) and §1.9 (error codes).
describe('FlexPortal authentication', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ orders: 30 });
  });
  afterAll(() => sandbox.close());

  const expectError = (
    result: { status: number; json: unknown; headers: Headers },
    status: number,
    code: string,
  ) => {
    expect(result.status).toBe(status);
    expect(result.headers.get('content-type')).toMatch(/^application\/json/);
    expect(result.headers.get('x-request-id')).toMatch(/^req_/);
    const body = flexPortalErrorSchema.parse(result.json);
    expect(body.error.code).toBe(code);
    expect(body.error.message.length).toBeGreaterThan(0);
  };

  it('answers 401 AUTH_REQUIRED without an Authorization header', async () => {
    expectError(
      await flexPortalGet(sandbox, '/v1/orders', { 'tenant-id': sandbox.flexportal.tenantId }),
      401,
      'AUTH_REQUIRED',
    );
  });

  it('answers 401 AUTH_REQUIRED for an empty Authorization header', async () => {
    expectError(
      await flexPortalGet(sandbox, '/v1/orders', {
        authorization: '',
        'tenant-id': sandbox.flexportal.tenantId,
      }),
      401,
      'AUTH_REQUIRED',
    );
  });

  it('answers 401 INVALID_TOKEN for an unknown key, and for a non-bearer scheme', async () => {
    expectError(
      await flexPortalGet(sandbox, '/v1/orders', {
        authorization: 'Bearer fp_test_not_a_key',
        'tenant-id': sandbox.flexportal.tenantId,
      }),
      401,
      'INVALID_TOKEN',
    );
    expectError(
      await flexPortalGet(sandbox, '/v1/orders', {
        authorization: `Basic ${sandbox.flexportal.apiKey}`,
        'tenant-id': sandbox.flexportal.tenantId,
      }),
      401,
      'INVALID_TOKEN',
    );
  });

  it('answers 403 NO_TENANT_ACCESS without Tenant-ID', async () => {
    expectError(
      await flexPortalGet(sandbox, '/v1/orders', {
        authorization: `Bearer ${sandbox.flexportal.apiKey}`,
      }),
      403,
      'NO_TENANT_ACCESS',
    );
  });

  it("answers 403 NO_TENANT_ACCESS for another key's tenant and for an unknown tenant", async () => {
    const [, other] = sandbox.flexportal.tenants;
    expectError(
      await flexPortalGet(sandbox, '/v1/orders', {
        authorization: `Bearer ${sandbox.flexportal.apiKey}`,
        'tenant-id': other?.tenantId ?? '',
      }),
      403,
      'NO_TENANT_ACCESS',
    );
    expectError(
      await flexPortalGet(sandbox, '/v1/orders', {
        authorization: `Bearer ${sandbox.flexportal.apiKey}`,
        'tenant-id': 'bu_nobody',
      }),
      403,
      'NO_TENANT_ACCESS',
    );
  });

  it('accepts the bearer scheme in any case', async () => {
    const result = await flexPortalGet(sandbox, '/v1/orders?limit=1', {
      authorization: `bearer ${sandbox.flexportal.apiKey}`,
      'tenant-id': sandbox.flexportal.tenantId,
    });
    expect(result.status).toBe(200);
  });

  it('applies the same checks to GET /v1/orders/{orderId}', async () => {
    const id = sandbox.flexportal.store.list()[0]?.orderId as string;
    expectError(await flexPortalGet(sandbox, `/v1/orders/${id}`, {}), 401, 'AUTH_REQUIRED');
  });

  it('shows each key only its own tenant', async () => {
    const [first, second] = sandbox.flexportal.tenants as [
      { tenantId: string; apiKey: string },
      { tenantId: string; apiKey: string },
    ];
    const pageOf = async (tenant: { tenantId: string; apiKey: string }) =>
      (
        await flexPortalGet<{ orders: { orderId: string; tenantId: string }[] }>(
          sandbox,
          '/v1/orders?limit=100',
          { authorization: `Bearer ${tenant.apiKey}`, 'tenant-id': tenant.tenantId },
        )
      ).json.orders;
    const ordersA = await pageOf(first);
    const ordersB = await pageOf(second);
    expect(ordersA).toHaveLength(30);
    expect(ordersB).toHaveLength(25);
    expect(new Set(ordersA.map((order) => order.tenantId))).toEqual(new Set([first.tenantId]));
    expect(new Set(ordersB.map((order) => order.tenantId))).toEqual(new Set([second.tenantId]));
    // An order of tenant B is not visible through tenant A.
    const foreign = ordersB[0]?.orderId as string;
    const lookup = await flexPortalGet(sandbox, `/v1/orders/${foreign}`);
    expect(lookup.status).toBe(404);
  });

  it('answers unknown routes with 404 in the error envelope', async () => {
    const result = await request(`${sandbox.flexportal.baseUrl}/v1/nothing`, {
      headers: {
        authorization: `Bearer ${sandbox.flexportal.apiKey}`,
        'tenant-id': sandbox.flexportal.tenantId,
      },
    });
    expectError(result, 404, 'NOT_FOUND');
  });
});
