import { type Money, type Order, toDecimalString } from '@orderbridge/core';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { killStrayProcesses, parseNdjson, runCli } from './support/cli-process.js';
import { type SandboxProcess, startSandboxProcess } from './support/sandbox-process.js';

let sandbox: SandboxProcess;
const run = (args: readonly string[], env: Record<string, string> = {}) =>
  runCli(args, { env: { ...sandbox.env, ...env } });

beforeAll(async () => {
  sandbox = await startSandboxProcess(['--orders', '300', '--seed', '7']);
});
afterAll(async () => {
  killStrayProcesses();
  await sandbox?.stop();
});

const providersOf = (orders: readonly Order[]) =>
  [...new Set(orders.map((order) => order.provider))].sort();

// Read-only against the sandbox: the tests of this group run concurrently.
describe.concurrent('orders list', () => {
  it('prints NDJSON in a pipe, one page merged across both providers, newest first, and the next cursor on stderr', async ({
    expect,
  }) => {
    const result = await run(['orders', 'list', '--limit', '20']);
    expect(result.code).toBe(0);
    const orders = parseNdjson<Order>(result.stdout);
    expect(orders).toHaveLength(20);
    expect(providersOf(orders)).toEqual(['flexfactor', 'flexportal']);
    const created = orders.map((order) => order.createdAt);
    expect(created).toEqual([...created].sort().reverse());
    expect(result.stderr).toMatch(/^next cursor: \S+$/m);
    expect(result.stderr).toContain('for the next page: it carries the filters');
    expect(result.stderr).not.toContain('embedded sandbox');
  });

  it('pages with the cursor alone (it carries the filters) without a duplicate or a gap', async ({
    expect,
  }) => {
    const all = parseNdjson<Order>(
      (await run(['orders', 'list', '--all', '--status', 'completed'])).stdout,
    );
    expect(all.length).toBeGreaterThan(30);
    const seen: Order[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 100; page++) {
      // The first page names the filter; every later one passes only its cursor.
      const result = await run([
        'orders',
        'list',
        '--limit',
        '70',
        ...(cursor ? ['--cursor', cursor] : ['--status', 'completed']),
      ]);
      expect(result.code).toBe(0);
      seen.push(...parseNdjson<Order>(result.stdout));
      cursor = /^next cursor: (\S+)$/m.exec(result.stderr)?.[1];
      if (!cursor) break;
    }
    expect(seen.map((order) => order.key)).toEqual(all.map((order) => order.key));
    expect(all.every((order) => order.status === 'completed')).toBe(true);
  });

  it('applies every filter flag and sort', async ({ expect }) => {
    const result = await run([
      'orders',
      'list',
      '--all',
      '--status',
      'processing,completed',
      '--status',
      'pending',
      '--created-from',
      '2000-01-01',
      '--created-to',
      '2100-12-31',
      '--currency',
      'usd',
      '--sort',
      'total:asc',
      '--provider',
      'flexfactor',
    ]);
    expect(result.code).toBe(0);
    const orders = parseNdjson<Order>(result.stdout);
    expect(orders.length).toBeGreaterThan(0);
    expect(providersOf(orders)).toEqual(['flexfactor']);
    expect(
      orders.every((order) => ['processing', 'completed', 'pending'].includes(order.status)),
    ).toBe(true);
    expect(orders.every((order) => order.totals.total.currency === 'USD')).toBe(true);
    const merchant = orders[0]!.merchant!.id!;
    const byMerchant = parseNdjson<Order>(
      (await run(['orders', 'list', '--all', '--merchant', merchant, '--provider', 'flexfactor']))
        .stdout,
    );
    expect(byMerchant.length).toBeGreaterThan(0);
    expect(byMerchant.every((order) => order.merchant?.id === merchant)).toBe(true);
    const customerOrder = parseNdjson<Order>(
      (await run(['orders', 'list', '--provider', 'flexportal', '--limit', '1'])).stdout,
    )[0]!;
    const byCustomer = parseNdjson<Order>(
      (
        await run([
          'orders',
          'list',
          '--all',
          '--customer',
          customerOrder.customer!.id!,
          '--provider',
          'flexportal',
        ])
      ).stdout,
    );
    expect(byCustomer.map((order) => order.key)).toContain(customerOrder.key);
    expect(byCustomer.every((order) => order.customer?.id === customerOrder.customer!.id)).toBe(
      true,
    );
    const name = customerOrder.customer!.name!.split(' ')[0]!;
    const bySearch = parseNdjson<Order>(
      (await run(['orders', 'list', '--all', '--search', name])).stdout,
    );
    expect(bySearch.map((order) => order.key)).toContain(customerOrder.key);
  });

  it('prints { orders, nextCursor, warnings, errors } with --format json', async ({ expect }) => {
    const result = await run([
      'orders',
      'list',
      '--limit',
      '5',
      '--format',
      'json',
      '--merchant',
      'none',
    ]);
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout) as {
      orders: Order[];
      nextCursor: string | null;
      warnings: unknown[];
      errors: unknown[];
    };
    expect(Object.keys(document)).toEqual(['orders', 'nextCursor', 'warnings', 'errors']);
    expect(document.errors).toEqual([]);
    // FlexPortal orders have no merchant: the CLI says so (FlexPortal is not asked) on stderr and in
    // the document.
    expect(document.warnings).toContainEqual(
      expect.objectContaining({ code: 'filter-never-matches', provider: 'flexportal' }),
    );
    expect(result.stderr).toMatch(/orderbridge: warning: flexportal: .*\(filter-never-matches\)/);
  });

  it('prints a table with --format table, without colour outside a terminal', async ({
    expect,
  }) => {
    const result = await run(['orders', 'list', '--limit', '3', '--format', 'table']);
    expect(result.code).toBe(0);
    const [header, ...rows] = result.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^KEY\s+STATUS\s+PAYMENT\s+CUSTOMER\s+TOTAL\s+CREATED$/);
    expect(rows).toHaveLength(3);
    expect(result.stdout).not.toContain('\u001b[');
  });

  it('selects fields with --fields and masks with --redact', async ({ expect }) => {
    const result = await run([
      'orders',
      'list',
      '--limit',
      '10',
      '--fields',
      'key,customer.email,extensions',
      '--redact',
    ]);
    expect(result.code).toBe(0);
    const orders = parseNdjson<Record<string, unknown>>(result.stdout);
    for (const order of orders)
      expect(Object.keys(order)).toEqual(['key', 'customer', 'extensions']);
    expect(result.stdout).not.toMatch(/"[^"*]+@example\.(org|net|com)"/);
    expect(result.stdout).toMatch(/"\w\*\*\*@example\./);
    expect(result.stdout).not.toMatch(/"paymentInstrumentToken":"token\d+"/);
    expect(result.stdout).toMatch(/"paymentInstrumentToken":"tok…\d{4}"/);
  });
});

// Read-only against the sandbox: the tests of this group run concurrently.
describe.concurrent('orders get', () => {
  it('gets an order of each provider by key, in JSON, NDJSON, CSV and table', async ({
    expect,
  }) => {
    const listed = parseNdjson<Order>((await run(['orders', 'list', '--limit', '40'])).stdout);
    for (const provider of ['flexportal', 'flexfactor']) {
      const wanted = listed.find((order) => order.provider === provider)!;
      // A single order may carry more than its listing row (FlexFactor's detail endpoint does).
      const [json, ndjson, csv, table] = await Promise.all([
        run(['orders', 'get', wanted.key, '--format', 'json']),
        run(['orders', 'get', wanted.key]),
        run(['orders', 'get', wanted.key, '--format', 'csv']),
        run(['orders', 'get', wanted.key, '--format', 'table']),
      ]);
      expect(json.code).toBe(0);
      const fetched = JSON.parse(json.stdout) as Order;
      expect(fetched).toMatchObject({
        key: wanted.key,
        status: wanted.status,
        totals: wanted.totals,
        createdAt: wanted.createdAt,
      });
      expect(json.stdout).toContain('\n  "provider"');
      expect(parseNdjson(ndjson.stdout)).toEqual([fetched]);
      expect((parse(csv.stdout, { columns: true }) as Array<Record<string, string>>)[0]!.key).toBe(
        wanted.key,
      );
      expect(table.stdout).toMatch(new RegExp(`^key:\\s+${wanted.key}$`, 'm'));
    }
  });

  it('fails with exit 1 naming the provider and kind for an unknown id', async ({ expect }) => {
    const result = await run(['orders', 'get', 'flexportal:ord_doesnotexist']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^orderbridge: flexportal not found error \(GET \/v1\/orders\/ord_doesnotexist, HTTP 404, code NOT_FOUND, request id [^)]+\): Order not found$/m,
    );
    // Said once: the status, the code and the provider appear once on the line.
    const line = result.stderr.split('\n').find((text) => text.includes('not found error')) ?? '';
    expect(line.split('404').length - 1).toBe(1);
    expect(line.split('NOT_FOUND').length - 1).toBe(1);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('fails with exit 2 for a malformed key', async ({ expect }) => {
    const result = await run(['orders', 'get', 'no-colon']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('"no-colon" is not an order key; use <provider>:<id>');
  });
});

// Read-only against the sandbox: the tests of this group run concurrently.
describe.concurrent('CSV export', () => {
  it('reads back with csv-parse to the same values as the NDJSON of the same export', async ({
    expect,
  }) => {
    const [ndjson, csv] = await Promise.all([
      run(['orders', 'export']),
      run(['orders', 'export', '--format', 'csv']),
    ]);
    expect(ndjson.code).toBe(0);
    expect(csv.code).toBe(0);
    const orders = parseNdjson<Order>(ndjson.stdout);
    const rows = parse(csv.stdout, { columns: true }) as Array<Record<string, string>>;
    expect(orders.length).toBe(600);
    expect(rows.length).toBe(orders.length);
    const text = (value: string | number | null | undefined) =>
      value === null || value === undefined ? '' : String(value);
    const money = (order: Order, value: Money | null) =>
      value === null
        ? ''
        : value.currency === order.totals.total.currency
          ? toDecimalString(value)
          : `${toDecimalString(value)} ${value.currency}`;
    rows.forEach((row, index) => {
      const order = orders[index]!;
      expect(row).toEqual({
        key: order.key,
        provider: order.provider,
        id: order.id,
        status: order.status,
        payment_status: text(order.paymentStatus),
        fulfillment_status: text(order.fulfillmentStatus),
        provider_status_code: text(order.providerStatus.code),
        provider_status_label: text(order.providerStatus.label),
        type: text(order.type),
        reference: text(order.reference),
        customer_id: text(order.customer?.id),
        customer_name: text(order.customer?.name),
        customer_email: text(order.customer?.email),
        customer_company: text(order.customer?.company),
        merchant_id: text(order.merchant?.id),
        merchant_name: text(order.merchant?.name),
        store_id: text(order.merchant?.storeId),
        store_name: text(order.merchant?.storeName),
        total: toDecimalString(order.totals.total),
        currency: order.totals.total.currency,
        subtotal: money(order, order.totals.subtotal),
        tax: money(order, order.totals.tax),
        refunded: money(order, order.totals.refunded),
        item_count: String(order.items.length),
        fulfillment_done: text(order.fulfillment?.done),
        fulfillment_total: text(order.fulfillment?.total),
        created_at: order.createdAt,
        updated_at: text(order.updatedAt),
        placed_at: text(order.placedAt),
      });
    });
  });

  it('writes one JSON array with --format json', async ({ expect }) => {
    const json = await run(['orders', 'export', '--format', 'json', '--provider', 'flexportal']);
    expect(json.code).toBe(0);
    const orders = JSON.parse(json.stdout) as Order[];
    expect(orders).toHaveLength(300);
    expect(providersOf(orders)).toEqual(['flexportal']);
  });
});
