import {
  AuthenticationError,
  createHttpClient,
  ProviderResponseError,
  ProviderUnavailableError,
} from '@orderbridge/core';
import { describe, expect, it } from 'vitest';
import { describeFlexFactorError } from './flexfactor-error.js';
import { FlexFactorTokenManager } from './flexfactor-token.js';
import { fakeFetch, json, tokenBody } from './test-support/fake-fetch.js';
import { readFixture } from './test-support/read-fixture.js';

const SECRET = 'fake-app-secret-do-not-leak';

function manager(
  handler: Parameters<typeof fakeFetch>[0],
  clock: { now: number } = { now: Date.now() },
) {
  const fake = fakeFetch(handler);
  const http = createHttpClient({
    provider: 'flexfactor',
    baseUrl: 'https://flexfactor.test/v1/',
    userAgent: 'test',
    fetch: fake.fetch,
    retry: false,
    describeError: describeFlexFactorError,
  });
  const tokens = new FlexFactorTokenManager({
    provider: 'flexfactor',
    http,
    appKey: 'fake-app-key',
    appSecret: SECRET,
    now: () => clock.now,
  });
  return { tokens, fake, clock };
}

describe('FlexFactorTokenManager', () => {
  it('posts { AppKey, AppSecret } to oauth2/token without an Authorization header', async () => {
    const { tokens, fake } = manager(() => json(200, readFixture('token-response.json')));
    expect(await tokens.accessToken()).toBe('fake-header.fake-payload.fake-signature');
    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request?.method).toBe('POST');
    expect(request?.url.href).toBe('https://flexfactor.test/v1/oauth2/token');
    expect(request?.body).toEqual({ AppKey: 'fake-app-key', AppSecret: SECRET });
    expect(request?.headers.get('authorization')).toBeNull();
  });

  it('reuses the token, and 100 concurrent callers share one token request', async () => {
    let issued = 0;
    const { tokens, fake } = manager(async () => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      issued += 1;
      return json(200, tokenBody(`token-${issued}`));
    });
    const results = await Promise.all(Array.from({ length: 100 }, () => tokens.accessToken()));
    expect(new Set(results)).toEqual(new Set(['token-1']));
    expect(await tokens.accessToken()).toBe('token-1');
    expect(fake.requests).toHaveLength(1);
    expect(tokens.tokensIssued).toBe(1);
  });

  it('renews 60 s before expiry, measured on the server clock of the Date header', async () => {
    const serverNow = Date.parse('2025-01-01T12:00:00Z');
    // The local clock is two hours ahead of the server's: `expires` must not look long past.
    const clock = { now: serverNow + 2 * 3_600_000 };
    let issued = 0;
    const { tokens, fake } = manager(() => {
      issued += 1;
      return json(200, tokenBody(`token-${issued}`, 600_000, serverNow), {
        date: new Date(serverNow).toUTCString(),
      });
    }, clock);
    expect(await tokens.accessToken()).toBe('token-1');
    clock.now += 539_000;
    expect(await tokens.accessToken()).toBe('token-1');
    clock.now += 2_000; // 541 s: inside the 60 s margin
    expect(await tokens.accessToken()).toBe('token-2');
    expect(fake.requests).toHaveLength(2);
  });

  it('renews a short-lived token at 90% of its lifetime', async () => {
    const clock = { now: Date.now() };
    let issued = 0;
    const { tokens } = manager(() => {
      issued += 1;
      return json(200, tokenBody(`token-${issued}`, 2_000, clock.now));
    }, clock);
    await tokens.accessToken();
    clock.now += 1_700;
    expect(await tokens.accessToken()).toBe('token-1');
    clock.now += 200;
    expect(await tokens.accessToken()).toBe('token-2');
  });

  it('tolerates expires in epoch seconds, expiresIn, or no expiry at all', async () => {
    const clock = { now: Date.now() };
    for (const body of [
      { accessToken: 'a-token', expires: Math.floor(clock.now / 1000) + 600 },
      { accessToken: 'a-token', expiresIn: 600 },
      { accessToken: 'a-token' },
    ]) {
      let calls = 0;
      const { tokens } = manager(() => {
        calls += 1;
        return json(200, body);
      }, clock);
      await tokens.accessToken();
      clock.now += 500_000;
      await tokens.accessToken();
      expect(calls).toBe(1);
      clock.now += 50_000;
      await tokens.accessToken();
      expect(calls).toBe(2);
      clock.now -= 550_000;
    }
  });

  it('invalidates only the token it is told about', async () => {
    let issued = 0;
    const { tokens } = manager(() => {
      issued += 1;
      return json(200, tokenBody(`token-${issued}`));
    });
    const first = await tokens.accessToken();
    tokens.invalidate('some-older-token');
    expect(await tokens.accessToken()).toBe(first);
    tokens.invalidate(first);
    expect(await tokens.accessToken()).toBe('token-2');
  });

  it.each([
    [
      'a 400 envelope',
      () =>
        json(400, {
          success: false,
          status: 'FAILED',
          errors: [
            {
              item1: 'Invalid AppKey or AppSecret',
              item2: '400001',
              item3: 'INVALID_CREDENTIALS',
              item4: false,
            },
          ],
        }),
      400,
      'Invalid AppKey or AppSecret',
    ],
    ['a bare 401', () => new Response(null, { status: 401 }), 401, ''],
    [
      'a 400 ProblemDetails',
      () => json(400, readFixture('error-problem-details.json')),
      400,
      'Transaction.Id: The Id field is required.',
    ],
    [
      'an HTTP 200 with success:false',
      () =>
        json(200, {
          success: false,
          errors: [{ item1: 'Bad credentials', item2: '401001', item3: 'x', item4: false }],
        }),
      200,
      'Bad credentials',
    ],
  ])(
    'turns %s into an AuthenticationError naming the app key/secret',
    async (_name, respond, status, said) => {
      const { tokens } = manager(respond);
      const error = await tokens.accessToken().catch((caught: unknown) => caught);
      expect(AuthenticationError.isInstance(error)).toBe(true);
      const authentication = error as AuthenticationError;
      expect(authentication.status).toBe(status);
      expect(authentication.isRetryable).toBe(false);
      expect(authentication.message).toContain(
        `FlexFactor rejected the app key/secret (HTTP ${status})`,
      );
      expect(authentication.message).toContain(said);
      for (const text of [authentication.message, JSON.stringify(authentication)]) {
        expect(text).not.toContain(SECRET);
      }
    },
  );

  it('passes other token endpoint failures through as typed errors', async () => {
    const { tokens } = manager(() => json(503, { title: 'Service Unavailable', status: 503 }));
    const error = await tokens.accessToken().catch((caught: unknown) => caught);
    expect(ProviderUnavailableError.isInstance(error)).toBe(true);
  });

  it('rejects a token response without accessToken as a ProviderResponseError', async () => {
    const { tokens } = manager(() => json(200, { success: true, errors: [] }));
    const error = await tokens.accessToken().catch((caught: unknown) => caught);
    expect(ProviderResponseError.isInstance(error)).toBe(true);
    expect((error as ProviderResponseError).path).toBe('accessToken');
  });

  it('lets one caller stop waiting without failing the others', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { tokens } = manager(async () => {
      await gate;
      return json(200, tokenBody('shared'));
    });
    const controller = new AbortController();
    const aborted = tokens.accessToken(controller.signal);
    const patient = tokens.accessToken();
    controller.abort(new Error('caller gave up'));
    await expect(aborted).rejects.toThrow('caller gave up');
    release();
    expect(await patient).toBe('shared');
  });
});
