import { brotliCompressSync, deflateRawSync, deflateSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { sendJson, startTestServer, type TestServer } from '../test-support/test-server.js';
import {
  dispatchRequest,
  gunzipMember,
  type SharedDispatcher,
  sharedDispatcher,
} from './dispatcher-request.js';
import { createHttpClient } from './http-client.js';

let server: TestServer | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await server?.close();
  server = undefined;
});

let dispatcher: SharedDispatcher;
beforeAll(async () => {
  // Node creates its global dispatcher with the process's first fetch.
  const warmUp = await startTestServer((_request, response) => sendJson(response, 200, {}));
  await (await fetch(warmUp.url)).text();
  await warmUp.close();
  dispatcher = sharedDispatcher()!;
});

const ORDERS = { orders: [{ id: 'ord_1', city: 'München' }], nextCursor: null };
const JSON_TEXT = JSON.stringify(ORDERS);

function send(init: Partial<{ method: string; headers: Record<string, string> }> = {}) {
  return dispatchRequest(dispatcher, `${server!.url}/v1/orders?limit=1`, {
    method: 'GET',
    headers: {},
    signal: new AbortController().signal,
    ...init,
  });
}

describe('dispatchRequest', () => {
  it('is what Node fetch sends through once the process fetched', () => {
    expect(typeof dispatcher.request).toBe('function');
  });

  it('asks for gzip and deflate as fetch does, and sends the given headers and path', async () => {
    server = await startTestServer((_request, response) => sendJson(response, 200, ORDERS));
    const answer = await send({ headers: { authorization: 'Bearer test-not-a-secret' } });
    expect(new TextDecoder().decode(await answer!.bytes())).toBe(JSON_TEXT);
    expect(server.requests[0]).toMatchObject({
      url: '/v1/orders?limit=1',
      headers: { 'accept-encoding': 'gzip, deflate', authorization: 'Bearer test-not-a-secret' },
    });
  });

  it.each([
    ['gzip', gzipSync],
    ['x-gzip', gzipSync],
    ['deflate', deflateSync],
    ['deflate', deflateRawSync],
    ['br', brotliCompressSync],
    ['gzip, br', (bytes: Buffer) => brotliCompressSync(gzipSync(bytes))],
  ])('decodes a %s body like fetch (%#)', async (coding, encode) => {
    server = await startTestServer((_request, response) => {
      const body = encode(Buffer.from(JSON_TEXT));
      response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': coding });
      response.end(body);
    });
    const answer = await send();
    expect(new TextDecoder().decode(await answer!.bytes())).toBe(JSON_TEXT);
    // fetch reads the same body the same way.
    expect(await (await fetch(`${server.url}/`)).text()).toBe(JSON_TEXT);
  });

  it('decodes a gzip body of several members whole, as fetch does', async () => {
    const halves = [JSON_TEXT.slice(0, 20), JSON_TEXT.slice(20)];
    server = await startTestServer((_request, response) => {
      response.writeHead(200, { 'content-encoding': 'gzip' });
      response.end(Buffer.concat(halves.map((half) => gzipSync(Buffer.from(half)))));
    });
    const answer = await send();
    expect(new TextDecoder().decode(await answer!.bytes())).toBe(JSON_TEXT);
    expect(await (await fetch(`${server.url}/`)).text()).toBe(JSON_TEXT);
  });

  it('rejects a gzip body whose data does not match its checksum', async () => {
    const corrupt = gzipSync(Buffer.from(JSON_TEXT), { level: 0 });
    // A stored block: flipping a byte of the text keeps the stream valid, only the CRC catches it.
    corrupt[corrupt.length - 8 - 5]! ^= 0x01;
    server = await startTestServer((_request, response) => {
      response.writeHead(200, { 'content-encoding': 'gzip' });
      response.end(corrupt);
    });
    const answer = await send();
    await expect(answer!.bytes()).rejects.toThrow();
  });

  it('rejects a body that is not what its content-encoding says', async () => {
    server = await startTestServer((_request, response) => {
      response.writeHead(200, { 'content-encoding': 'gzip' });
      response.end('not gzip at all');
    });
    const answer = await send();
    await expect(answer!.bytes()).rejects.toThrow();
  });

  it('leaves a redirect to fetch (undefined), having read nothing of it', async () => {
    server = await startTestServer((_request, response) => {
      response.writeHead(302, { location: '/elsewhere' });
      response.end('moved');
    });
    expect(await send()).toBeUndefined();
  });

  it('fails like fetch when nothing answers: TypeError "fetch failed" with the cause', async () => {
    server = await startTestServer((request) => {
      request.socket.destroy();
    });
    const error = await send().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).message).toBe('fetch failed');
    expect((error as TypeError).cause).toBeInstanceOf(Error);
  });

  it('rejects with the reason of a signal that aborts before the answer', async () => {
    server = await startTestServer(() => {});
    const controller = new AbortController();
    const sent = dispatchRequest(dispatcher, `${server.url}/`, {
      method: 'GET',
      headers: {},
      signal: controller.signal,
    });
    const reason = new Error('caller went away');
    controller.abort(reason);
    await expect(sent).rejects.toBe(reason);
  });

  it('turns an error answer into the Response ky goes on from (status, text, headers, body)', async () => {
    server = await startTestServer((_request, response) =>
      sendJson(response, 503, { message: 'down' }, { 'retry-after': '1' }),
    );
    const response = await (await send())!.toResponse();
    expect(response.status).toBe(503);
    expect(response.statusText).toBe('Service Unavailable');
    expect(response.headers.get('retry-after')).toBe('1');
    expect(await response.json()).toEqual({ message: 'down' });
  });
});

describe('gunzipMember', () => {
  const text = JSON.stringify(
    Array.from({ length: 400 }, (_, index) => ({ id: `ord_${index}`, city: 'Zürich', n: index })),
  );
  const body = gzipSync(Buffer.from(text));

  it('decodes one gzip member to the bytes node:zlib gives', () => {
    const decoded = gunzipMember(body);
    expect(decoded).toBeDefined();
    expect(Buffer.from(decoded!).equals(gunzipSync(body))).toBe(true);
    expect(new TextDecoder().decode(decoded)).toBe(text);
  });

  it('decodes a member that lies inside a larger buffer', () => {
    const padded = Buffer.concat([Buffer.from('xxxx'), body, Buffer.from('yy')]);
    const view = new Uint8Array(padded.buffer, padded.byteOffset + 4, body.length);
    expect(new TextDecoder().decode(gunzipMember(view))).toBe(text);
  });

  it('decodes an empty member', () => {
    expect(gunzipMember(gzipSync(Buffer.alloc(0)))).toEqual(new Uint8Array(0));
  });

  it('leaves to node:zlib what it cannot verify as one whole member', () => {
    const twoMembers = Buffer.concat([body, gzipSync(Buffer.from('[]'))]);
    const stored = gzipSync(Buffer.from(text), { level: 0 });
    const flipped = Buffer.from(stored);
    flipped[flipped.length - 8 - 100]! ^= 0x20;
    const wrongLength = Buffer.from(body);
    wrongLength.writeUInt32LE(text.length + 1, wrongLength.length - 4);
    const impossibleLength = Buffer.from(body);
    impossibleLength.writeUInt32LE(0xffffffff, impossibleLength.length - 4);
    const trailing = Buffer.concat([body, Buffer.from('garbage!')]);
    for (const input of [
      twoMembers,
      flipped,
      wrongLength,
      impossibleLength,
      trailing,
      body.subarray(0, body.length - 1),
      body.subarray(0, 30),
      Buffer.from('not gzip at all, not at all'),
    ]) {
      expect(gunzipMember(input)).toBeUndefined();
    }
    // The stored form itself is fine: only the flipped byte is refused.
    expect(new TextDecoder().decode(gunzipMember(stored))).toBe(text);
  });
});

describe('createHttpClient through the dispatcher', () => {
  function client() {
    return createHttpClient({
      provider: 'testprov',
      baseUrl: server!.url,
      userAgent: '@orderbridge/test-provider/9.9.9',
      retry: { baseDelayMs: 5, maxDelayMs: 20 },
    });
  }

  it('sends a first attempt through the dispatcher, not fetch, and parses its gzip body', async () => {
    server = await startTestServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      response.end(gzipSync(Buffer.from(JSON_TEXT)));
    });
    const dispatched = vi.spyOn(dispatcher, 'request');
    const response = await client().request({ path: 'v1/orders' });
    expect(response.body).toEqual(ORDERS);
    expect(dispatched).toHaveBeenCalledOnce();
    // fetch sends accept-language; the dispatcher path sends only what the transport sets.
    expect(server.requests[0]?.headers['accept-language']).toBeUndefined();
  });

  it("leaves every request to a fetch put in place of Node's (a test double, an interceptor)", async () => {
    server = await startTestServer((_request, response) => sendJson(response, 200, ORDERS));
    const dispatched = vi.spyOn(dispatcher, 'request');
    const original = globalThis.fetch;
    const intercepted: string[] = [];
    globalThis.fetch = (async (input: string | URL | Request) => {
      intercepted.push(String(input instanceof Request ? input.url : input));
      return Response.json({ orders: [], nextCursor: null });
    }) as typeof fetch;
    try {
      const response = await client().request({ path: 'v1/orders' });
      expect(response.body).toEqual({ orders: [], nextCursor: null });
    } finally {
      globalThis.fetch = original;
    }
    expect(intercepted).toEqual([`${server.url}/v1/orders`]);
    expect(dispatched).not.toHaveBeenCalled();
    expect(server.requests).toHaveLength(0);
  });

  it('follows a redirect through fetch, and the answer is the target', async () => {
    server = await startTestServer((request, response) => {
      if (request.url === '/v1/orders') {
        response.writeHead(307, { location: '/v2/orders' });
        response.end();
        return;
      }
      sendJson(response, 200, ORDERS);
    });
    const response = await client().request({ path: 'v1/orders' });
    expect(response.body).toEqual(ORDERS);
    expect(server.requests.map((request) => request.url)).toEqual([
      '/v1/orders',
      '/v1/orders',
      '/v2/orders',
    ]);
  });

  it('hands a 429 from the dispatcher to the retry policy with its Retry-After', async () => {
    server = await startTestServer((_request, response, index) =>
      index === 0
        ? sendJson(response, 429, { message: 'slow down' }, { 'retry-after': '0' })
        : sendJson(response, 200, ORDERS),
    );
    const retries: number[] = [];
    const response = await createHttpClient({
      provider: 'testprov',
      baseUrl: server.url,
      userAgent: '@orderbridge/test-provider/9.9.9',
      retry: { baseDelayMs: 5, maxDelayMs: 20 },
      hooks: { onRetry: (event) => retries.push(event.attempt) },
    }).request({ path: 'v1/orders' });
    expect(response.body).toEqual(ORDERS);
    expect(retries).toEqual([2]);
    expect(server.requests).toHaveLength(2);
  });
});
