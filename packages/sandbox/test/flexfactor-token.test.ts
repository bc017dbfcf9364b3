import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  flexFactorEnvelopeFailureSchema,
  flexFactorProblemSchema,
  flexFactorTokenResponseSchema,
  type Sandbox,
  startSandbox,
} from '../src/index.js';
import { flexFactorGet, flexFactorToken, request } from './support/sandbox-http.js';

const tokenUrl = (sandbox: Sandbox) => `${sandbox.flexfactor.baseUrl}oauth2/token`;
const postJson = (url: string, body: unknown) =>
  request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

function claimsOf(token: string): Record<string, unknown> {
  const payload = token.split('.')[1] as string;
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

// docs/providers/flexfactor.md §2.3 (token request and recorded response), Ambiguities 21, 22, 24.
describe('FlexFactor POST /v1/oauth2/token', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ orders: 20 });
  });
  afterAll(() => sandbox.close());

  it('issues a token for { AppKey, AppSecret } in the recorded response shape', async () => {
    const before = Date.now();
    const result = await postJson(tokenUrl(sandbox), {
      AppKey: sandbox.flexfactor.appKey,
      AppSecret: sandbox.flexfactor.appSecret,
    });
    expect(result.status).toBe(200);
    expect(result.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(result.headers.get('apigw-requestid')).toBeTruthy();
    const body = flexFactorTokenResponseSchema.parse(result.json);
    expect(Object.keys(result.json as object)).toEqual([
      'accessToken',
      'refreshToken',
      'expires',
      'id',
      'session',
      'daysToEnforceMFA',
      'skipAvailable',
      'success',
      'result',
      'status',
      'statusCode',
      'errors',
      'customProperties',
    ]);
    expect(body).toMatchObject({
      session: null,
      daysToEnforceMFA: null,
      skipAvailable: null,
      success: true,
      result: null,
      status: null,
      statusCode: null,
      errors: [],
      customProperties: {},
    });
    // `expires` is epoch milliseconds, 10 minutes ahead by default.
    expect(body.expires).toBeGreaterThanOrEqual(before + 600_000);
    expect(body.expires).toBeLessThanOrEqual(Date.now() + 600_000);
    const claims = claimsOf(body.accessToken);
    expect(claims.sub).toBe(body.id);
    expect(claims.iss).toBe('Api-Client-Service');
    expect(claims.aud).toEqual([
      'payments',
      'orders',
      'merchants',
      'eligibility-sftp',
      'eligibility',
      'contact',
    ]);
    expect(typeof claims.iat).toBe('string');
    expect((claims.exp as number) - (claims.nbf as number)).toBe(600);
    expect(body.refreshToken.length).toBeGreaterThan(20);
  });

  it.each([
    ['camelCase (NODE)', (key: string, secret: string) => ({ appKey: key, appSecret: secret })],
    [
      'client_id/client_secret (docs axios)',
      (key: string, secret: string) => ({ client_id: key, client_secret: secret }),
    ],
    ['any case', (key: string, secret: string) => ({ APPKEY: key, appsecret: secret })],
  ])('accepts the %s body form', async (_name, body) => {
    const result = await postJson(
      tokenUrl(sandbox),
      body(sandbox.flexfactor.appKey, sandbox.flexfactor.appSecret),
    );
    expect(result.status).toBe(200);
  });

  it('accepts a form-encoded body', async () => {
    const result = await request(tokenUrl(sandbox), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: sandbox.flexfactor.appKey,
        client_secret: sandbox.flexfactor.appSecret,
      }).toString(),
    });
    expect(result.status).toBe(200);
  });

  it('answers bad credentials with 400 and the envelope failure', async () => {
    const result = await postJson(tokenUrl(sandbox), {
      AppKey: sandbox.flexfactor.appKey,
      AppSecret: 'wrong_secret',
    });
    expect(result.status).toBe(400);
    const body = flexFactorEnvelopeFailureSchema.parse(result.json);
    expect(body.errors?.[0]).toMatchObject({
      item2: '400001',
      item3: 'INVALID_CREDENTIALS',
      item4: false,
    });
  });

  it('answers missing fields with a 400 ProblemDetails naming them', async () => {
    const result = await postJson(tokenUrl(sandbox), { AppKey: sandbox.flexfactor.appKey });
    expect(result.status).toBe(400);
    expect(result.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const body = flexFactorProblemSchema.parse(result.json);
    expect(body.title).toBe('One or more validation errors occurred.');
    expect(body.status).toBe(400);
    expect(body.traceId).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
    expect(body.errors).toEqual({ AppSecret: ['The AppSecret field is required.'] });
  });

  it('answers a body that is not JSON with a 400 ProblemDetails', async () => {
    const result = await request(tokenUrl(sandbox), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(result.status).toBe(400);
    flexFactorProblemSchema.parse(result.json);
  });

  it('answers GET on the token path with 405', async () => {
    const result = await request(tokenUrl(sandbox));
    expect(result.status).toBe(405);
  });

  it('makes every issued token answer 401 after expireTokens()', async () => {
    const token = await flexFactorToken(sandbox);
    expect((await flexFactorGet(sandbox, 'orders', token)).status).toBe(200);
    sandbox.flexfactor.expireTokens();
    const result = await flexFactorGet(sandbox, 'orders', token);
    expect(result.status).toBe(401);
    expect(result.headers.get('www-authenticate')).toContain('expired');
    // A new token works again.
    expect((await flexFactorGet(sandbox, 'orders', await flexFactorToken(sandbox))).status).toBe(
      200,
    );
  });

  it('answers 401 with a bearer challenge and no body for a missing, unknown or tampered token', async () => {
    const missing = await request(`${sandbox.flexfactor.baseUrl}orders`);
    expect(missing.status).toBe(401);
    expect(missing.text).toBe('');
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    const unknown = await flexFactorGet(sandbox, 'orders', 'not.a.token');
    expect(unknown.status).toBe(401);
    expect(unknown.headers.get('www-authenticate')).toContain('invalid_token');
    const token = await flexFactorToken(sandbox);
    const tampered = `${token.slice(0, -4)}AAAA`;
    expect((await flexFactorGet(sandbox, 'orders', tampered)).status).toBe(401);
    const single = await flexFactorGet(sandbox, 'orders/abc', 'nope');
    expect(single.status).toBe(401);
  });
});

describe('FlexFactor token lifetime', () => {
  it('expires tokens after the configured TTL and follows setTokenTtl', async () => {
    const sandbox = await startSandbox({ orders: 5, flexfactor: { tokenTtlMs: 60 } });
    try {
      const token = await flexFactorToken(sandbox);
      expect((await flexFactorGet(sandbox, 'orders', token)).status).toBe(200);
      await sleep(120);
      const expired = await flexFactorGet(sandbox, 'orders', token);
      expect(expired.status).toBe(401);
      expect(expired.headers.get('www-authenticate')).toContain('expired');

      sandbox.flexfactor.setTokenTtl(600_000);
      const longLived = await flexFactorToken(sandbox);
      await sleep(120);
      expect((await flexFactorGet(sandbox, 'orders', longLived)).status).toBe(200);
      expect(() => sandbox.flexfactor.setTokenTtl(0)).toThrow(/positive/);
    } finally {
      await sandbox.close();
    }
  });

  it('accepts custom credentials', async () => {
    const sandbox = await startSandbox({
      orders: 1,
      flexfactor: { appKey: 'ff_custom_key', appSecret: 'ff_custom_secret' },
    });
    try {
      const ok = await postJson(tokenUrl(sandbox), {
        AppKey: 'ff_custom_key',
        AppSecret: 'ff_custom_secret',
      });
      expect(ok.status).toBe(200);
      const defaults = await postJson(tokenUrl(sandbox), {
        AppKey: 'ff_sandbox_app_key',
        AppSecret: 'ff_sandbox_app_secret',
      });
      expect(defaults.status).toBe(400);
    } finally {
      await sandbox.close();
    }
  });
});
