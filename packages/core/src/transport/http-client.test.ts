import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { AuthenticationError } from '../errors/authentication-error.js';
import { NotFoundError } from '../errors/not-found-error.js';
import { PermissionError } from '../errors/permission-error.js';
import { ProviderApiError } from '../errors/provider-api-error.js';
import { ProviderResponseError } from '../errors/provider-response-error.js';
import { ProviderUnavailableError } from '../errors/provider-unavailable-error.js';
import { RateLimitError } from '../errors/rate-limit-error.js';
import { registerSecret } from '../errors/redact.js';
import { TimeoutError } from '../errors/timeout-error.js';
import { TransportError } from '../errors/transport-error.js';
import { sendJson, startTestServer, type TestServer } from '../test-support/test-server.js';
import { createHttpClient, type HttpClientSettings } from './http-client.js';
import { RateLimiter } from './rate-limiter.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function client(overrides: Partial<HttpClientSettings> = {}) {
  return createHttpClient({
    provider: 'testprov',
    baseUrl: server!.url,
    userAgent: '@orderbridge/test-provider/9.9.9',
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
    ...overrides,
  });
}

describe('createHttpClient', () => {
  it('waits for Retry-After: 1 after a 429, then succeeds', async () => {
    server = await startTestServer((_request, response, index) => {
      if (index === 0) sendJson(response, 429, { error: 'slow down' }, { 'retry-after': '1' });
      else sendJson(response, 200, { ok: true });
    });
    const started = Date.now();
    const result = await client().request({ path: 'v1/orders' });
    const elapsed = Date.now() - started;
    expect(result.body).toEqual({ ok: true });
    expect(server.requests).toHaveLength(2);
    expect(elapsed).toBeGreaterThanOrEqual(950);
  });

  it('accepts an HTTP-date Retry-After', async () => {
    server = await startTestServer((_request, response, index) => {
      if (index === 0)
        sendJson(response, 503, {}, { 'retry-after': new Date(Date.now() + 1000).toUTCString() });
      else sendJson(response, 200, { ok: 1 });
    });
    const result = await client().request({ path: 'x' });
    expect(result.body).toEqual({ ok: 1 });
    expect(server.requests).toHaveLength(2);
  });

  it('succeeds on the third attempt after two 503s', async () => {
    server = await startTestServer((_request, response, index) => {
      if (index < 2) sendJson(response, 503, { message: 'busy' });
      else sendJson(response, 200, { page: 1 });
    });
    const retries: number[] = [];
    const result = await client({
      hooks: { onRetry: (event) => retries.push(event.attempt) },
    }).request({ path: 'v1/orders' });
    expect(result.body).toEqual({ page: 1 });
    expect(server.requests).toHaveLength(3);
    expect(retries).toEqual([2, 3]);
  });

  it('gives up after maxRetries with ProviderUnavailableError', async () => {
    server = await startTestServer((_request, response) =>
      sendJson(response, 500, { message: 'boom' }),
    );
    const error = await client({ retry: { maxRetries: 2, baseDelayMs: 1 } })
      .request({ path: 'a' })
      .catch((caught) => caught);
    expect(ProviderUnavailableError.isInstance(error)).toBe(true);
    expect(error.status).toBe(500);
    expect(error.isRetryable).toBe(true);
    expect(server.requests).toHaveLength(3);
  });

  it.each([
    [400, ProviderApiError, 'bad_request'],
    [401, AuthenticationError, 'authentication'],
    [403, PermissionError, 'permission'],
    [404, NotFoundError, 'not_found'],
  ] as const)(
    'never retries HTTP %i and throws the typed error',
    async (status, errorClass, kind) => {
      server = await startTestServer((_request, response) =>
        sendJson(response, status, { message: `status ${status}` }, { 'x-request-id': 'req-123' }),
      );
      const error = await client({
        describeError: (body) => ({
          message: (body as { message: string }).message,
          providerCode: 'CODE_X',
        }),
      })
        .request({ path: 'v1/orders/1' })
        .catch((caught) => caught);
      expect(server.requests).toHaveLength(1);
      expect(errorClass.isInstance(error)).toBe(true);
      expect(error.kind).toBe(kind);
      expect(error.status).toBe(status);
      expect(error.requestId).toBe('req-123');
      expect(error.providerCode).toBe('CODE_X');
      expect(error.provider).toBe('testprov');
      expect(error.message).toContain(`status ${status}`);
      expect(error.isRetryable).toBe(false);
    },
  );

  it('fails a Retry-After beyond the maximum at once with retryAfterMs', async () => {
    server = await startTestServer((_request, response) =>
      sendJson(response, 429, {}, { 'retry-after': '120' }),
    );
    const started = Date.now();
    const error = await client({ retry: { maxRetryAfterMs: 5_000 } })
      .request({ path: 'x' })
      .catch((caught) => caught);
    expect(RateLimitError.isInstance(error)).toBe(true);
    expect(error.retryAfterMs).toBe(120_000);
    expect(server.requests).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('keeps the Retry-After of a 503 on ProviderUnavailableError', async () => {
    server = await startTestServer((_request, response) =>
      sendJson(response, 503, {}, { 'retry-after': '120' }),
    );
    const error = await client({ retry: { maxRetryAfterMs: 5_000 } })
      .request({ path: 'x' })
      .catch((caught) => caught);
    expect(ProviderUnavailableError.isInstance(error)).toBe(true);
    expect(error.retryAfterMs).toBe(120_000);
    expect(server.requests).toHaveLength(1);
  });

  it('times out a hung server with TimeoutError', async () => {
    server = await startTestServer(() => {
      // never answers
    });
    const error = await client({ timeoutMs: 100, retry: false })
      .request({ path: 'slow' })
      .catch((caught) => caught);
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect(TransportError.isInstance(error)).toBe(true);
    expect(error.scope).toBe('attempt');
    expect(error.timeoutMs).toBe(100);
  });

  it('stops at the overall deadline even while retrying timeouts', async () => {
    server = await startTestServer(() => {});
    const error = await client({
      timeoutMs: 80,
      deadlineMs: 250,
      retry: { maxRetries: 10, baseDelayMs: 1 },
    })
      .request({ path: 'slow' })
      .catch((caught) => caught);
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect(server.requests.length).toBeGreaterThanOrEqual(2);
    expect(server.requests.length).toBeLessThan(10);
  });

  it('stops at once on an aborted signal and does not retry', async () => {
    server = await startTestServer(() => {});
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await client({ timeoutMs: 10_000 })
      .request({ path: 'slow', signal: controller.signal })
      .catch((caught) => caught);
    expect(error).toBe(controller.signal.reason);
    expect((error as Error).name).toBe('AbortError');
    expect(server.requests).toHaveLength(1);
  });

  it('rejects with the reason at once when the signal is already aborted', async () => {
    server = await startTestServer((_request, response) => sendJson(response, 200, {}));
    const controller = new AbortController();
    controller.abort(new Error('caller gave up'));
    const error = await client()
      .request({ path: 'x', signal: controller.signal })
      .catch((caught) => caught);
    expect((error as Error).message).toBe('caller gave up');
    expect(server.requests).toHaveLength(0);
  });

  it('retries a malformed JSON body, then succeeds', async () => {
    server = await startTestServer((_request, response, index) => {
      if (index === 0) {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{"orders": [');
      } else sendJson(response, 200, { orders: [] });
    });
    const result = await client().request({ path: 'x' });
    expect(result.body).toEqual({ orders: [] });
    expect(server.requests).toHaveLength(2);
  });

  it('reports a body that stays malformed as a retryable ProviderResponseError', async () => {
    server = await startTestServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('<html>gateway</html>');
    });
    const error = await client({ retry: { maxRetries: 1, baseDelayMs: 1 } })
      .request({ path: 'x' })
      .catch((caught) => caught);
    expect(ProviderResponseError.isInstance(error)).toBe(true);
    expect(error.isRetryable).toBe(true);
    expect(error.message).toMatch(/not valid JSON/);
    expect(server.requests).toHaveLength(2);
  });

  it('sends the first attempt and its retry alike, and numbers them in every hook', async () => {
    // The first attempt of a call is made without ky, a retry by ky: both must send the same
    // request and tell the hooks the same.
    server = await startTestServer((_request, response, index) => {
      if (index === 0) sendJson(response, 503, { error: 'busy' });
      else sendJson(response, 200, { ok: true });
    });
    const requests: Array<{ attempt: number; url: string; headers: Record<string, string> }> = [];
    const responses: Array<{ attempt: number; status: number; url: string }> = [];
    const retries: Array<{ attempt: number; reason: string; url: string }> = [];
    const result = await client({
      baseUrl: `${server.url}/api/`,
      headers: () => ({ authorization: 'Bearer fake-token-for-tests' }),
      hooks: {
        onRequest: ({ attempt, url, headers }) => requests.push({ attempt, url, headers }),
        onResponse: ({ attempt, status, url }) => responses.push({ attempt, status, url }),
        onRetry: ({ attempt, reason, url }) => retries.push({ attempt, reason, url }),
      },
    }).request({
      path: '/v1/orders',
      searchParams: { limit: 100, status: undefined, search: 'a b&c', deep: true },
    });
    expect(result.body).toEqual({ ok: true });
    const path = '/api/v1/orders?limit=100&search=a+b%26c&deep=true';
    expect(server.requests.map((request) => request.url)).toEqual([path, path]);
    const [first, retry] = server.requests;
    for (const name of ['accept', 'user-agent', 'authorization']) {
      expect(retry?.headers[name], name).toBe(first?.headers[name]);
    }
    const url = `${server.url}${path}`;
    expect(requests.map((event) => event.attempt)).toEqual([1, 2]);
    expect(requests.map((event) => event.url)).toEqual([url, url]);
    expect(requests[0]?.headers).toEqual(requests[1]?.headers);
    expect(requests[0]?.headers.authorization).not.toContain('fake-token-for-tests');
    expect(responses).toEqual([
      { attempt: 1, status: 503, url },
      { attempt: 2, status: 200, url },
    ]);
    expect(retries).toEqual([{ attempt: 2, reason: 'HTTP 503', url }]);
  });

  it('adds search parameters to a query the path already has', async () => {
    server = await startTestServer((_request, response) => sendJson(response, 200, { ok: true }));
    await client().request({ path: 'v1/orders?fixed=1', searchParams: { limit: 2, next: 'a/b' } });
    await client().request({
      path: 'v1/orders',
      searchParams: new URLSearchParams([
        ['status', 'paid'],
        ['status', 'open'],
      ]),
    });
    expect(server.requests.map((request) => request.url)).toEqual([
      '/v1/orders?fixed=1&limit=2&next=a%2Fb',
      '/v1/orders?status=paid&status=open',
    ]);
  });

  it('reads a body in several chunks and with a byte order mark as Response#text() does', async () => {
    const text = JSON.stringify({ name: 'Zoë Ångström 日本', orders: [1, 2, 3] });
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
    // Split inside the multi-byte characters, so a chunk ends in the middle of one.
    const cuts = [2, 14, 15, 22, bytes.length];
    server = await startTestServer(async (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      let from = 0;
      for (const cut of cuts) {
        response.write(bytes.subarray(from, cut));
        from = cut;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      response.end();
    });
    const result = await client().request({ path: 'x' });
    expect(result.body).toEqual(JSON.parse(await new Response(bytes).text()));
    expect(result.body).toEqual({ name: 'Zoë Ångström 日本', orders: [1, 2, 3] });
  });

  it('reports a malformed-body retry to onRetry and parses the retried body once', async () => {
    server = await startTestServer((_request, response, index) => {
      if (index === 0) {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{"orders": [');
      } else sendJson(response, 200, { orders: [1, 2] });
    });
    const retries: string[] = [];
    const responses: number[] = [];
    const result = await client({
      hooks: {
        onRetry: (event) => retries.push(event.reason),
        onResponse: (event) => responses.push(event.status),
      },
    }).request({ path: 'x' });
    expect(result.body).toEqual({ orders: [1, 2] });
    expect(retries).toEqual(['malformed body']);
    expect(responses).toEqual([200, 200]);
  });

  it('does not retry a malformed body of a non-idempotent POST', async () => {
    server = await startTestServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"token": ');
    });
    const error = await client()
      .request({ method: 'POST', path: 'x', json: {} })
      .catch((caught) => caught);
    expect(ProviderResponseError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/not valid JSON/);
    expect(server.requests).toHaveLength(1);
  });

  it('reads an empty successful body as undefined', async () => {
    server = await startTestServer((_request, response) => {
      response.writeHead(204);
      response.end();
    });
    const result = await client().request({ path: 'x' });
    expect(result.status).toBe(204);
    expect(result.body).toBeUndefined();
  });

  it('retries a body that stalls after the headers, within the attempt timeout', async () => {
    server = await startTestServer((_request, response, index) => {
      if (index === 0) {
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': 100 });
        response.write('{"orders": ['); // and nothing more
      } else sendJson(response, 200, { orders: [] });
    });
    const result = await client({ timeoutMs: 200 }).request({ path: 'x' });
    expect(result.body).toEqual({ orders: [] });
    expect(server.requests).toHaveLength(2);
  });

  it('retries a truncated body', async () => {
    server = await startTestServer((_request, response, index) => {
      const text = JSON.stringify({ orders: Array.from({ length: 50 }, (_, i) => ({ id: i })) });
      if (index === 0) {
        response.writeHead(200, {
          'content-type': 'application/json',
          'content-length': text.length,
        });
        response.write(text.slice(0, 40));
        setTimeout(() => response.socket?.destroy(), 10);
      } else sendJson(response, 200, JSON.parse(text));
    });
    const result = await client().request({ path: 'x' });
    expect((result.body as { orders: unknown[] }).orders).toHaveLength(50);
    expect(server.requests).toHaveLength(2);
  });

  it('retries connection resets and then reports a TransportError', async () => {
    server = await startTestServer((request) => {
      request.socket.destroy();
    });
    const error = await client({ retry: { maxRetries: 2, baseDelayMs: 1 } })
      .request({ path: 'x' })
      .catch((caught) => caught);
    expect(TransportError.isInstance(error)).toBe(true);
    expect(error.isRetryable).toBe(true);
    expect(server.requests).toHaveLength(3);
  });

  it('does not retry a non-idempotent POST', async () => {
    server = await startTestServer((_request, response) => sendJson(response, 503, {}));
    const error = await client()
      .request({ method: 'POST', path: 'x', json: {} })
      .catch((caught) => caught);
    expect(ProviderUnavailableError.isInstance(error)).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  it('retries a POST marked idempotent', async () => {
    server = await startTestServer((_request, response, index) =>
      index === 0 ? sendJson(response, 503, {}) : sendJson(response, 200, { token: 'x' }),
    );
    const result = await client().request({
      method: 'POST',
      path: 'x',
      json: {},
      idempotent: true,
    });
    expect(result.body).toEqual({ token: 'x' });
    expect(server.requests).toHaveLength(2);
  });

  it('waiting for a rate-limit slot is not a timeout and causes no retry', async () => {
    server = await startTestServer((_request, response) => sendJson(response, 200, { ok: true }));
    const retries: unknown[] = [];
    // One request per 300 ms window; each attempt may take only 100 ms.
    const http = client({
      rateLimiter: new RateLimiter(1, 300),
      timeoutMs: 100,
      hooks: { onRetry: (event) => retries.push(event) },
    });
    await http.request({ path: 'a' });
    const started = Date.now();
    const second = await http.request({ path: 'b' });
    expect(second.body).toEqual({ ok: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250); // it did wait for the window...
    expect(retries).toEqual([]); // ...without the wait counting as a timed-out attempt
    expect(server.requests).toHaveLength(2);
  });

  it('gives up waiting for a rate-limit slot at the deadline', async () => {
    server = await startTestServer((_request, response) => sendJson(response, 200, {}));
    const http = client({ rateLimiter: new RateLimiter(1, 60_000), deadlineMs: 150 });
    await http.request({ path: 'a' });
    const error = await http.request({ path: 'b' }).catch((caught) => caught);
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect(error.scope).toBe('deadline');
    expect(server.requests).toHaveLength(1);
  });

  it('sends a User-Agent naming the provider package, core and node', async () => {
    server = await startTestServer((_request, response) => sendJson(response, 200, {}));
    await client().request({ path: 'x' });
    const agent = server.requests[0]?.headers['user-agent'];
    expect(agent).toMatch(
      /^@orderbridge\/test-provider\/9\.9\.9 @orderbridge\/core\/\d+\.\d+\.\d+\S* node\/\d+/,
    );
  });

  it('keeps a canary API key out of every error, serialisation and hook payload', async () => {
    const canary = 'canary-secret-key-1234567890';
    registerSecret(canary);
    server = await startTestServer((request, response) =>
      // A hostile server echoing the credential back in its error body and a header.
      sendJson(
        response,
        401,
        { message: `bad key ${request.headers.authorization}` },
        { 'x-echo': String(request.headers.authorization) },
      ),
    );
    const seen: unknown[] = [];
    const error = await client({
      headers: () => ({ authorization: `Bearer ${canary}` }),
      describeError: (body) => ({ message: (body as { message: string }).message }),
      hooks: {
        onRequest: (event) => seen.push(event),
        onResponse: (event) => seen.push(event),
        onRetry: (event) => seen.push(event),
        onError: (event) => seen.push({ ...event, error: event.error.toJSON() }),
      },
    })
      .request({ path: `v1/orders?token=${canary}` })
      .catch((caught) => caught);
    expect(AuthenticationError.isInstance(error)).toBe(true);
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${canary}`);
    const surfaces = [
      error.message,
      String(error.stack),
      JSON.stringify(error),
      inspect(error, { depth: 10, showHidden: true }),
      JSON.stringify(seen),
      inspect(seen, { depth: 10 }),
    ];
    for (const surface of surfaces) expect(surface).not.toContain(canary);
    expect(seen.length).toBeGreaterThanOrEqual(3);
  });
});
