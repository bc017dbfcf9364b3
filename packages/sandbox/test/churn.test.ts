import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ChurnResult,
  connectSandbox,
  type FlexFactorRow,
  type FlexPortalOrder,
  type Sandbox,
  SandboxControlError,
  startSandbox,
} from '../src/index.js';
import { sortFlexFactor } from './support/flexfactor-walk.js';
import { sortFlexPortal, walkFlexPortal } from './support/flexportal-walk.js';
import {
  type FlexFactorPage,
  type FlexPortalPage,
  flexFactorGet,
  flexFactorToken,
  flexPortalGet,
  request,
} from './support/sandbox-http.js';

const post = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/** The value at a dotted path (`payment.status`, `items.0.rentalIds`). */
function valueAt(object: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (value, key) =>
        value === undefined || value === null ? undefined : (value as Record<string, unknown>)[key],
      object,
    );
}

/** A churn's changes without the fields that hold the time of the run. */
function withoutTimes(result: ChurnResult): unknown {
  return result.changed.map(({ id, changes }) => ({
    id,
    changes: Object.fromEntries(
      Object.entries(changes).filter(([path]) => path !== 'updatedAt' && path !== 'shippedAt'),
    ),
  }));
}

async function exportNdjson(sandbox: Sandbox, path: string) {
  const result = await request(`${sandbox.url}/_sandbox/${path}`);
  const lines = result.text.split('\n');
  expect(lines.at(-1)).toBe('');
  return {
    status: result.status,
    headers: result.headers,
    orders: lines.slice(0, -1).map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe('POST /_sandbox/flexportal/churn', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ orders: 1500, seed: 3 });
  });
  afterAll(() => sandbox.close());

  it('answers exactly what it changed and created, and the API then serves exactly that', async () => {
    const before = new Map(sandbox.flexportal.store.list().map((order) => [order.orderId, order]));
    const response = await request<ChurnResult>(
      `${sandbox.url}/_sandbox/flexportal/churn`,
      post({ count: 20, newOrders: 5, seed: 42 }),
    );
    expect(response.status).toBe(200);
    const result = response.json;
    expect(result).toMatchObject({ provider: 'flexportal', tenantId: 'bu_sandbox_a', seed: 42 });
    expect(result.changed).toHaveLength(20);
    expect(result.created).toHaveLength(5);
    expect(result.vanished).toEqual([]);
    expect(new Set(result.changed.map((change) => change.id)).size).toBe(20);
    const at = Date.parse(result.at);
    for (const { id, changes } of result.changed) {
      const previous = before.get(id) as FlexPortalOrder;
      const served = await flexPortalGet<FlexPortalOrder>(sandbox, `/v1/orders/${id}`);
      expect(served.status).toBe(200);
      // Every reported field has its `from` in the order before and its `to` in the order now.
      for (const [path, change] of Object.entries(changes)) {
        expect(valueAt(previous, path)).toEqual(change.from);
        expect(valueAt(served.json, path)).toEqual(change.to);
      }
      expect(changes.status ?? changes['payment.status']).toBeDefined();
      const updated = changes.updatedAt as { from: string; to: string };
      expect(Date.parse(updated.to)).toBeGreaterThan(Date.parse(updated.from));
      expect(Date.parse(updated.to)).toBeGreaterThanOrEqual(at);
      expect(changes.createdAt).toBeUndefined();
      // Nothing else moved: the order now is the order before with the reported fields applied.
      const { updatedAt: _after, ...restAfter } = served.json;
      const { updatedAt: _before, ...restBefore } = previous;
      if (!changes.status && !changes['rentalProgress.rentedDevices']) {
        expect(restAfter.items).toEqual(restBefore.items);
      }
    }
    for (const id of result.created) {
      const served = await flexPortalGet<FlexPortalOrder>(sandbox, `/v1/orders/${id}`);
      expect(served.json.createdAt).toBe(result.at);
      expect(served.json.updatedAt).toBe(result.at);
    }
    expect(sandbox.flexportal.store.count()).toBe(1505);

    // The newest by updatedAt are exactly the changed and the created orders.
    const byUpdate = await flexPortalGet<FlexPortalPage>(
      sandbox,
      '/v1/orders?sortBy=updatedAt&sortDir=desc&limit=25',
    );
    expect(new Set(byUpdate.json.orders.map((order) => order.orderId))).toEqual(
      new Set([...result.changed.map((change) => change.id), ...result.created]),
    );
    // The newest by createdAt are the created ones.
    const byCreation = await flexPortalGet<FlexPortalPage>(sandbox, '/v1/orders?limit=5');
    expect(new Set(byCreation.json.orders.map((order) => order.orderId))).toEqual(
      new Set(result.created),
    );
  });

  it('is deterministic from the seed', async () => {
    const twin = await startSandbox({ orders: 600, seed: 3 });
    const other = await startSandbox({ orders: 600, seed: 3 });
    try {
      const first = twin.flexportal.churn({ fraction: 0.05, newOrders: 3, seed: 9 });
      const second = other.flexportal.churn({ fraction: 0.05, newOrders: 3, seed: 9 });
      expect(first.changed).toHaveLength(30);
      expect(withoutTimes(second)).toEqual(withoutTimes(first));
      expect(second.created).toEqual(first.created);
      // Without a seed, the n-th churn of a dataset gets the same derived seed.
      const derived = twin.flexportal.churn({ count: 5 });
      expect(other.flexportal.churn({ count: 5 })).toMatchObject({ seed: derived.seed });
      const differentSeed = other.flexportal.churn({ count: 30, seed: 10 });
      expect(differentSeed.changed.map((change) => change.id)).not.toEqual(
        first.changed.map((change) => change.id),
      );
    } finally {
      await Promise.all([twin.close(), other.close()]);
    }
  });

  it('moves updatedAt strictly forward, churn after churn, even past a future updatedAt', async () => {
    const small = await startSandbox({
      seed: 4,
      tenants: [
        { tenantId: 'bu_many', apiKey: 'fp_test_key_many', orders: 400 },
        { tenantId: 'bu_empty', apiKey: 'fp_test_key_empty', orders: 0 },
      ],
    });
    try {
      const lastUpdate = new Map<string, number>();
      let previousAt = Number.NEGATIVE_INFINITY;
      let repeated = 0;
      for (let round = 0; round < 8; round++) {
        const result = small.flexportal.churn({ count: 10, seed: round % 2 });
        expect(Date.parse(result.at)).toBeGreaterThan(previousAt);
        previousAt = Date.parse(result.at);
        for (const { id, changes } of result.changed) {
          const updated = Date.parse((changes.updatedAt as { to: string }).to);
          if (lastUpdate.has(id)) repeated++;
          expect(updated).toBeGreaterThan(lastUpdate.get(id) ?? Number.NEGATIVE_INFINITY);
          lastUpdate.set(id, updated);
        }
      }
      // Reusing seeds walks the same orders first, so orders were changed more than once.
      expect(repeated).toBeGreaterThan(0);

      const future = small.flexportal.store.insert(
        { status: 'pending', createdAt: '2099-01-01T00:00:00.000Z' },
        'bu_empty',
      );
      expect(future.updatedAt).toBe('2099-01-01T00:00:00.000Z');
      const moved = small.flexportal.churn({ count: 1, tenantId: 'bu_empty' });
      expect(moved.changed[0]?.id).toBe(future.orderId);
      expect(moved.changed[0]?.changes.updatedAt?.to).toBe('2099-01-01T00:00:00.001Z');
      // The clock moved past it: the next churn is later still.
      expect(Date.parse(small.flexportal.churn({ count: 1 }).at)).toBeGreaterThan(
        Date.parse('2099-01-01T00:00:00.001Z'),
      );
    } finally {
      await small.close();
    }
  });

  it('never puts a change or a new order below data dated ahead of the machine clock', async () => {
    const ahead = await startSandbox({ orders: 200, seed: 8 });
    try {
      const future = ahead.flexportal.store.insert({
        status: 'fulfilled',
        createdAt: '2099-05-01T00:00:00.000Z',
      });
      const portal = ahead.flexportal.churn({ count: 5, newOrders: 2, seed: 1 });
      expect(Date.parse(portal.at)).toBeGreaterThan(Date.parse(future.updatedAt));
      const byUpdate = await flexPortalGet<FlexPortalPage>(
        ahead,
        '/v1/orders?sortBy=updatedAt&sortDir=desc&limit=7',
      );
      expect(new Set(byUpdate.json.orders.map((order) => order.orderId))).toEqual(
        new Set([...portal.changed.map((change) => change.id), ...portal.created]),
      );
      const futureRow = ahead.flexfactor.store.insert({ createdOn: '2099-05-01T00:00:00.000000Z' });
      const factor = ahead.flexfactor.churn({ newOrders: 2 });
      expect(factor.at > futureRow.createdOn).toBe(true);
      const token = await flexFactorToken(ahead);
      const newest = await flexFactorGet<FlexFactorPage>(ahead, 'orders?pageSize=2', token);
      expect(new Set(newest.json.orders.rows.map((row) => row.id))).toEqual(
        new Set(factor.created),
      );
    } finally {
      await ahead.close();
    }
  });

  it('keeps cursors exact for untouched orders while churn happens between pages', async () => {
    // Direction matters only for orders whose sort key moved: to the top (already passed) for
    // updatedAt desc, nowhere for createdAt; under status they may move further down and show twice.
    for (const [query, touchedAtMost] of [
      ['sortBy=updatedAt&sortDir=desc&limit=40', 1],
      ['limit=40', 1],
      ['sortBy=status&limit=40', 2],
    ] as const) {
      const untouched = new Set(sandbox.flexportal.store.list().map((order) => order.orderId));
      const pages = await walkFlexPortal(sandbox, query, (_page, index) => {
        if (index % 3 === 0) {
          const result = sandbox.flexportal.churn({ count: 8, newOrders: 2, vanish: 2 });
          for (const change of result.changed) untouched.delete(change.id);
          for (const id of result.vanished) untouched.delete(id);
        }
      });
      const seen = new Map<string, number>();
      for (const page of pages) {
        for (const { orderId } of page.orders) seen.set(orderId, (seen.get(orderId) ?? 0) + 1);
      }
      for (const id of untouched) expect(seen.get(id)).toBe(1);
      for (const [id, times] of seen) {
        if (!untouched.has(id)) expect(times).toBeLessThanOrEqual(touchedAtMost);
      }
    }
  });

  it('keeps every sort exactly right after churns, deletions and inserts', async () => {
    sandbox.flexportal.churn({ fraction: 0.05, newOrders: 30, vanish: 12, seed: 77 });
    const truth = sandbox.flexportal.store.list();
    for (const [sortBy, sortDir] of [
      ['updatedAt', 'desc'],
      ['updatedAt', 'asc'],
      ['createdAt', 'desc'],
      ['status', 'asc'],
      ['totals.total', 'desc'],
    ] as const) {
      const pages = await walkFlexPortal(sandbox, `sortBy=${sortBy}&sortDir=${sortDir}&limit=100`);
      expect(pages.flatMap((page) => page.orders.map((order) => order.orderId))).toEqual(
        sortFlexPortal(truth, sortBy, sortDir).map((order) => order.orderId),
      );
    }
  });

  it('churns another tenant through ?tenantId= or the body, and refuses bad requests', async () => {
    const control = (path: string, init: RequestInit) =>
      request<{ error: { code: string; message: string } } & ChurnResult>(
        `${sandbox.url}/_sandbox/${path}`,
        init,
      );
    const other = await control('flexportal/churn?tenantId=bu_sandbox_b', post({ count: 2 }));
    expect(other.json.tenantId).toBe('bu_sandbox_b');
    for (const { id } of other.json.changed) {
      expect(sandbox.flexportal.store.get(id, 'bu_sandbox_b')).toBeDefined();
      expect(sandbox.flexportal.store.get(id)).toBeUndefined();
    }
    const body = await control('flexportal/churn', post({ count: 1, tenantId: 'bu_sandbox_b' }));
    expect(body.json.tenantId).toBe('bu_sandbox_b');

    const count = sandbox.flexportal.store.count();
    const refusals: Array<[string, RequestInit, number, string]> = [
      ['flexportal/churn', post({ count: 1, fraction: 0.5 }), 400, 'fraction or count'],
      ['flexportal/churn', post({}), 400, 'at least one'],
      ['flexportal/churn', post({ fraction: 2 }), 400, 'fraction'],
      ['flexportal/churn', post({ count: 1, color: 'red' }), 400, 'color'],
      ['flexportal/churn', { method: 'POST', body: '{' }, 400, 'not valid JSON'],
      ['flexportal/churn', post({ count: 1, tenantId: 'bu_nobody' }), 404, 'bu_nobody'],
      [
        'flexportal/churn?tenantId=bu_sandbox_a',
        post({ count: 1, tenantId: 'bu_sandbox_b' }),
        400,
        'differs',
      ],
      ['flexportal/churn', post({ count: count + 1 }), 409, `${count} orders`],
      ['flexportal/churn', post({ count: count - 1 }), 409, 'can still change'],
      ['flexfactor/churn', post({ count: 1, tenantId: 'bu_sandbox_a' }), 400, 'no tenants'],
      ['flexportal/churn', { method: 'GET' }, 405, 'POST'],
      ['flexportal/export', { method: 'POST' }, 405, 'GET'],
    ];
    for (const [path, init, status, text] of refusals) {
      const answer = await control(path, init);
      expect({ path, status: answer.status }).toEqual({ path, status });
      expect(answer.json.error.message).toContain(text);
    }
    // A refused churn changed nothing.
    expect(sandbox.flexportal.store.count()).toBe(count);
  });
});

describe('POST /_sandbox/flexfactor/churn', () => {
  let sandbox: Sandbox;
  let token: string;
  beforeAll(async () => {
    sandbox = await startSandbox({ orders: 500, seed: 6 });
    token = await flexFactorToken(sandbox);
  });
  afterAll(() => sandbox.close());

  it('changes statuses and refunds without a change time, and lists new orders first', async () => {
    const before = new Map(sandbox.flexfactor.store.list().map((row) => [row.id, row]));
    const result = await connectSandbox(sandbox.url).flexfactor.churn({
      count: 40,
      newOrders: 4,
      seed: 5,
    });
    expect(result).toMatchObject({ provider: 'flexfactor', seed: 5 });
    expect(result.tenantId).toBeUndefined();
    expect(result.at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
    expect(result.changed).toHaveLength(40);
    const rows = new Map(sandbox.flexfactor.store.list().map((row) => [row.id, row]));
    for (const { id, changes } of result.changed) {
      const previous = before.get(id) as FlexFactorRow;
      const now = rows.get(id) as FlexFactorRow;
      expect(changes.status ?? changes.refundsAmount).toBeDefined();
      for (const [path, change] of Object.entries(changes)) {
        expect(valueAt(previous, path)).toEqual(change.from);
        expect(valueAt(now, path)).toEqual(change.to);
      }
      // No change time: the row's times are the same as before.
      expect(now.createdOn).toBe(previous.createdOn);
      expect(now.orderPlacedDate).toBe(previous.orderPlacedDate);
      if (now.status === 6) expect(now.refundsAmount).toBe(now.amount);
    }
    // The API serves the new state (a page of the changed statuses, read by id).
    const page = await flexFactorGet<FlexFactorPage>(sandbox, 'orders?pageSize=1000', token);
    const served = new Map(page.json.orders.rows.map((row) => [row.id, row]));
    for (const { id } of result.changed) {
      expect(served.get(id)).toEqual(rows.get(id));
    }
    // New orders are the newest by createdOn, stamped with the churn's time.
    expect(
      page.json.orders.rows
        .slice(0, 4)
        .map((row) => row.id)
        .sort(),
    ).toEqual([...result.created].sort());
    for (const id of result.created) expect(rows.get(id)?.createdOn).toBe(result.at);
    expect(page.json.orders.rows.map((row) => row.id)).toEqual(
      sortFlexFactor([...rows.values()], 'createdOn', 'desc').map((row) => row.id),
    );
  });
});

describe('churn of recent orders only (createdSince)', () => {
  it('changes only orders created since the bound, which a lookback read then sees', async () => {
    const sandbox = await startSandbox({ orders: 400, seed: 12 });
    try {
      const arrivals = sandbox.flexfactor.churn({ newOrders: 40, seed: 1 });
      const recent = new Set(arrivals.created);
      const moved = sandbox.flexfactor.churn({
        fraction: 0.5,
        vanish: 2,
        createdSince: arrivals.at,
        seed: 2,
      });
      expect(moved.changed).toHaveLength(20);
      for (const { id } of [...moved.changed, ...moved.vanished.map((id) => ({ id }))]) {
        expect(recent.has(id)).toBe(true);
      }
      // A lookback read (createdOn from the bound) sees every change.
      const token = await flexFactorToken(sandbox);
      const window = await flexFactorGet<FlexFactorPage>(
        sandbox,
        `orders?from=${encodeURIComponent(arrivals.at)}&pageSize=100`,
        token,
      );
      expect(window.json.orders.totalItemCount).toBe(38);
      const rows = new Map(window.json.orders.rows.map((row) => [row.id, row]));
      for (const { id, changes } of moved.changed) {
        for (const [path, change] of Object.entries(changes)) {
          expect(valueAt(rows.get(id), path)).toEqual(change.to);
        }
      }
      const portalArrivals = sandbox.flexportal.churn({ newOrders: 30 });
      const portalMoved = sandbox.flexportal.churn({ count: 5, createdSince: portalArrivals.at });
      for (const { id } of portalMoved.changed) expect(portalArrivals.created).toContain(id);

      const tooMany = await request<{ error: { message: string } }>(
        `${sandbox.url}/_sandbox/flexfactor/churn`,
        post({ count: 39, createdSince: arrivals.at }),
      );
      expect(tooMany.status).toBe(409);
      expect(tooMany.json.error.message).toContain(`created since ${arrivals.at}`);
      const badBound = await request(
        `${sandbox.url}/_sandbox/flexfactor/churn`,
        post({ count: 1, createdSince: 'yesterday' }),
      );
      expect(badBound.status).toBe(400);
      expect(badBound.text).toContain('createdSince');
    } finally {
      await sandbox.close();
    }
  });
});

describe('vanish and export', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ orders: 300, seed: 11 });
  });
  afterAll(() => sandbox.close());

  it('POST /_sandbox/{provider}/vanish deletes orders in bulk and names the missing ones', async () => {
    const [first, second] = sandbox.flexportal.store.list();
    const ids = [first?.orderId as string, second?.orderId as string];
    const answer = await request<{ vanished: string[]; missing: string[] }>(
      `${sandbox.url}/_sandbox/flexportal/vanish`,
      post({ ids: [...ids, 'ord_nothere00'] }),
    );
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ vanished: ids, missing: ['ord_nothere00'] });
    expect((await flexPortalGet(sandbox, `/v1/orders/${ids[0]}`)).status).toBe(404);
    expect(sandbox.flexportal.store.count()).toBe(298);
    const remote = connectSandbox(sandbox.url);
    const row = sandbox.flexfactor.store.list()[10] as FlexFactorRow;
    expect(await remote.flexfactor.vanish([row.id])).toEqual({ vanished: [row.id], missing: [] });
    expect(sandbox.flexfactor.store.get(row.id)).toBeUndefined();
    const bad = await request(`${sandbox.url}/_sandbox/flexportal/vanish`, post({ ids: [] }));
    expect(bad.status).toBe(400);
  });

  it('churn can vanish orders too, never ones it changed', () => {
    const result = sandbox.flexfactor.churn({ count: 10, vanish: 5, seed: 2 });
    expect(result.vanished).toHaveLength(5);
    const changed = new Set(result.changed.map((change) => change.id));
    for (const id of result.vanished) {
      expect(changed.has(id)).toBe(false);
      expect(sandbox.flexfactor.store.get(id)).toBeUndefined();
    }
  });

  it('GET /_sandbox/{provider}/export streams every order once, in the wire format', async () => {
    sandbox.flexportal.churn({ count: 10, newOrders: 3 });
    const portal = await exportNdjson(sandbox, 'flexportal/export');
    expect(portal.status).toBe(200);
    expect(portal.headers.get('content-type')).toContain('application/x-ndjson');
    const truth = sandbox.flexportal.store.list();
    expect(portal.headers.get('x-sandbox-order-count')).toBe(String(truth.length));
    expect(portal.orders).toEqual(truth);

    const factor = await exportNdjson(sandbox, 'flexfactor/export');
    expect(factor.orders).toEqual(sandbox.flexfactor.store.list());

    const tenant = await exportNdjson(sandbox, 'flexportal/export?tenantId=bu_sandbox_b');
    expect(tenant.orders).toEqual(sandbox.flexportal.store.list('bu_sandbox_b'));
    expect((await request(`${sandbox.url}/_sandbox/flexportal/export?tenantId=bu_x`)).status).toBe(
      404,
    );

    const remote = connectSandbox(sandbox.url);
    const streamed: FlexPortalOrder[] = [];
    for await (const order of remote.flexportal.exportOrders()) streamed.push(order);
    expect(streamed).toEqual(truth);
    expect([...sandbox.flexportal.exportOrders()]).toEqual(truth);
    await expect(async () => {
      for await (const _ of remote.flexportal.tenant('bu_x').exportOrders()) break;
    }).rejects.toThrow(SandboxControlError);
  });

  it('stops streaming when the client goes away, and keeps serving', async () => {
    const big = await startSandbox({ orders: 20_000, seed: 2 });
    try {
      const controller = new AbortController();
      const response = await fetch(`${big.url}/_sandbox/flexportal/export`, {
        signal: controller.signal,
      });
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      const first = await reader.read();
      expect(first.done).toBe(false);
      controller.abort();
      await expect(reader.read()).rejects.toThrow();
      const count = await request<{ count: number }>(`${big.url}/_sandbox/flexportal/count`);
      expect(count.json.count).toBe(20_000);
    } finally {
      await big.close();
    }
  });

  it('an export is a snapshot: writes made while it streams do not show in it', () => {
    const iterator = sandbox.flexportal.exportOrders();
    const first = iterator.next().value as FlexPortalOrder;
    const expected = sandbox.flexportal.store.list().map((order) => order.orderId);
    sandbox.flexportal.churn({ count: 20, newOrders: 5, vanish: 5 });
    const rest = [...iterator].map((order) => order.orderId);
    expect([first.orderId, ...rest]).toEqual(expected);
  });
});
