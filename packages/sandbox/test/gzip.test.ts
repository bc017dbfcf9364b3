import { request as httpRequest } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptsGzip } from '../src/http/sandbox-server.js';
import { type Sandbox, startSandbox } from '../src/index.js';
import { flexPortalHeaders } from './support/sandbox-http.js';

/** A raw answer: node:http does not decode bodies, so what went over the wire is seen. */
async function raw(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const sent = httpRequest(url, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks),
        }),
      );
      response.on('error', reject);
    });
    sent.on('error', reject);
    sent.end();
  });
}

describe('acceptsGzip', () => {
  it.each([
    ['gzip', true],
    ['gzip, deflate', true],
    ['deflate, GZIP;q=0.5', true],
    ['x-gzip', true],
    ['*', true],
    ['br, *;q=0.1', true],
    ['gzip;q=0', false],
    ['gzip;q=0, *', false],
    ['*;q=0', false],
    ['deflate, br', false],
    ['identity', false],
    ['', false],
  ])('%j → %s', (header, expected) => {
    expect(acceptsGzip(header)).toBe(expected);
  });

  it('is false without the header', () => {
    expect(acceptsGzip(undefined)).toBe(false);
  });
});

describe('gzip', () => {
  let plain: Sandbox;
  let gzipping: Sandbox;
  beforeAll(async () => {
    [plain, gzipping] = await Promise.all([
      startSandbox({ orders: 30 }),
      startSandbox({ orders: 30, gzip: true }),
    ]);
  });
  afterAll(() => Promise.all([plain.close(), gzipping.close()]));
  const list = (sandbox: Sandbox) => `${sandbox.flexportal.baseUrl}/v1/orders?limit=10`;

  it('gzips a provider answer for a client that accepts it, and says so', async () => {
    const answer = await raw(list(gzipping), {
      ...flexPortalHeaders(gzipping),
      'accept-encoding': 'gzip, deflate',
    });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-encoding']).toBe('gzip');
    expect(answer.headers.vary).toBe('accept-encoding');
    expect(Number(answer.headers['content-length'])).toBe(answer.body.length);
    const identity = await raw(list(gzipping), flexPortalHeaders(gzipping));
    expect(identity.headers['content-encoding']).toBeUndefined();
    expect(gunzipSync(answer.body).toString('utf8')).toBe(identity.body.toString('utf8'));
    expect(
      (JSON.parse(identity.body.toString('utf8')) as { orders: unknown[] }).orders,
    ).toHaveLength(10);
  });

  it('gzips error answers too, and never for a client that refuses gzip', async () => {
    const unauthorised = await raw(list(gzipping), { 'accept-encoding': 'gzip' });
    expect(unauthorised.status).toBe(401);
    expect(unauthorised.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(unauthorised.body).toString('utf8'))).toHaveProperty('error');
    const refused = await raw(list(gzipping), {
      ...flexPortalHeaders(gzipping),
      'accept-encoding': 'gzip;q=0, br',
    });
    expect(refused.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(refused.body.toString('utf8'))).toHaveProperty('orders');
  });

  it('leaves the control endpoint and a sandbox without the option uncompressed', async () => {
    const stats = await raw(`${gzipping.url}/_sandbox/stats`, { 'accept-encoding': 'gzip' });
    expect(stats.status).toBe(200);
    expect(stats.headers['content-encoding']).toBeUndefined();
    const off = await raw(list(plain), { ...flexPortalHeaders(plain), 'accept-encoding': 'gzip' });
    expect(off.status).toBe(200);
    expect(off.headers['content-encoding']).toBeUndefined();
  });
});
