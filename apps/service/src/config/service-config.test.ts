import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { restrictedEnvironment } from '@orderbridge/config';
import { describe, expect, it } from 'vitest';
import { hashApiKey } from '../auth/api-key.js';
import { loadServiceConfig } from './service-config.js';

const SECRET = 'a-cursor-secret-of-at-least-32-bytes!!';

function tenantsFile(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'service-config-')), 'tenants.json');
  writeFileSync(
    path,
    JSON.stringify({
      tenants: [
        {
          id: 'acme',
          apiKeys: [{ id: 'k', sha256: hashApiKey('key') }],
          providers: [{ type: 'flexportal', apiKey: 'fp_x', tenantId: 'bu' }],
        },
      ],
    }),
  );
  return path;
}

describe('loadServiceConfig', () => {
  it('runs the demo with no tenants file, with defaults', async () => {
    expect(await loadServiceConfig({})).toMatchObject({
      mode: 'demo',
      port: 8080,
      host: '127.0.0.1',
      logLevel: 'info',
      redact: false,
      cursorSecret: undefined,
    });
  });

  it('reads production settings from the environment; the command line wins', async () => {
    const path = tenantsFile();
    const config = await loadServiceConfig(
      {
        ORDERBRIDGE_TENANTS_FILE: path,
        ORDERBRIDGE_CURSOR_SECRET: SECRET,
        PORT: '9000',
        HOST: '0.0.0.0',
        LOG_LEVEL: 'debug',
        ORDERBRIDGE_REDACT: 'true',
        ORDERBRIDGE_DEFAULT_SOURCE: 'store',
      },
      { port: 9100 },
    );
    expect(config).toMatchObject({
      mode: 'production',
      tenantsFile: path,
      port: 9100,
      host: '0.0.0.0',
      logLevel: 'debug',
      redact: true,
      cursorSecret: SECRET,
      defaultSource: 'store',
    });
  });

  it('names every invalid variable', async () => {
    await expect(
      loadServiceConfig({
        PORT: '99999',
        LOG_LEVEL: 'loud',
        ORDERBRIDGE_REDACT: 'yes',
        ORDERBRIDGE_DEFAULT_SOURCE: 'disk',
      }),
    ).rejects.toThrow(
      /PORT must be at most 65535[\s\S]*LOG_LEVEL must be one of[\s\S]*ORDERBRIDGE_REDACT[\s\S]*ORDERBRIDGE_DEFAULT_SOURCE must be live or store/,
    );
  });

  it('runs the sync worker role only on a PostgreSQL store', async () => {
    await expect(
      loadServiceConfig({ ORDERBRIDGE_WORKER: 'on', ORDERBRIDGE_DATABASE_URL: 'sqlite:./x.db' }),
    ).rejects.toThrow(/ORDERBRIDGE_WORKER=on needs a PostgreSQL ORDERBRIDGE_DATABASE_URL/);
    await expect(loadServiceConfig({ ORDERBRIDGE_WORKER: 'maybe' })).rejects.toThrow(
      /ORDERBRIDGE_WORKER must be on or off/,
    );
    const config = await loadServiceConfig({
      ORDERBRIDGE_WORKER: 'on',
      ORDERBRIDGE_DATABASE_URL: 'postgres://orderbridge@127.0.0.1/orders',
      ORDERBRIDGE_WORKER_INTERVAL_MS: '60000',
    });
    expect(config.worker).toEqual({ intervalMs: 60_000, concurrency: 1, leaseTimeoutMs: 30_000 });
    expect((await loadServiceConfig({})).worker).toBeUndefined();
  });

  it('requires a long enough cursor secret with a tenants file', async () => {
    await expect(loadServiceConfig({}, { tenantsFile: tenantsFile() })).rejects.toThrow(
      /ORDERBRIDGE_CURSOR_SECRET is not set/,
    );
    await expect(
      loadServiceConfig({ ORDERBRIDGE_CURSOR_SECRET: 'short' }, { tenantsFile: tenantsFile() }),
    ).rejects.toThrow(/at least 32 bytes/);
  });

  it('warns when a demo on a PostgreSQL store (one of several replicas?) has no cursor secret', async () => {
    const postgres = 'postgres://orderbridge@127.0.0.1:5432/orders';
    const shared = await loadServiceConfig({ ORDERBRIDGE_DATABASE_URL: postgres });
    expect(shared.warnings).toEqual([
      expect.stringMatching(/ORDERBRIDGE_CURSOR_SECRET is not set/),
    ]);
    expect(
      (
        await loadServiceConfig({
          ORDERBRIDGE_DATABASE_URL: postgres,
          ORDERBRIDGE_CURSOR_SECRET: SECRET,
        })
      ).warnings,
    ).toEqual([]);
    expect(
      (await loadServiceConfig({ ORDERBRIDGE_DATABASE_URL: 'sqlite:./orders.db' })).warnings,
    ).toEqual([]);
  });

  it('reads ORDERBRIDGE_TRUSTED_PROXIES as a list, and refuses an entry that is no address', async () => {
    expect(
      (await loadServiceConfig({ ORDERBRIDGE_TRUSTED_PROXIES: 'loopback, 10.0.0.0/8' }))
        .trustedProxies,
    ).toEqual(['loopback', '10.0.0.0/8']);
    await expect(
      loadServiceConfig({ ORDERBRIDGE_TRUSTED_PROXIES: 'loopback,my-balancer' }),
    ).rejects.toThrow(/ORDERBRIDGE_TRUSTED_PROXIES: .*my-balancer/);
  });

  it('reads REDIS_URL and refuses anything but a redis URL without repeating it', async () => {
    expect(
      (await loadServiceConfig({ REDIS_URL: 'redis://:fake-password@127.0.0.1:6379/0' })).redisUrl,
    ).toBe('redis://:fake-password@127.0.0.1:6379/0');
    const refused = loadServiceConfig({ REDIS_URL: 'http://user:fake-password@127.0.0.1' });
    await expect(refused).rejects.toThrow(/REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/);
    await expect(refused).rejects.not.toThrow(/fake-password/);
  });
});

describe('webhook settings', () => {
  it('deliver https-only by default, and read the ORDERBRIDGE_WEBHOOK_* variables', async () => {
    expect((await loadServiceConfig({})).webhooks).toMatchObject({
      deliver: true,
      allowHttpLoopback: false,
      timeoutMs: undefined,
    });
    const config = await loadServiceConfig({
      ORDERBRIDGE_WEBHOOK_DELIVERY: 'false',
      ORDERBRIDGE_WEBHOOK_ALLOW_HTTP_LOOPBACK: 'true',
      ORDERBRIDGE_WEBHOOK_TIMEOUT_MS: '2000',
      ORDERBRIDGE_WEBHOOK_RETRY_INITIAL_DELAY_MS: '100',
      ORDERBRIDGE_WEBHOOK_RETRY_WINDOW_MS: '60000',
    });
    expect(config.webhooks).toEqual({
      deliver: false,
      allowHttpLoopback: true,
      timeoutMs: 2000,
      leaseMs: undefined,
      pollIntervalMs: undefined,
      retrySchedule: { initialDelayMs: 100, retryWindowMs: 60_000 },
    });
  });

  it('refuses a lease that does not outlast the timeout, and non-boolean switches', async () => {
    await expect(
      loadServiceConfig({
        ORDERBRIDGE_WEBHOOK_TIMEOUT_MS: '5000',
        ORDERBRIDGE_WEBHOOK_LEASE_MS: '5000',
      }),
    ).rejects.toThrow(/ORDERBRIDGE_WEBHOOK_LEASE_MS \(5000\) must exceed/);
    await expect(loadServiceConfig({ ORDERBRIDGE_WEBHOOK_DELIVERY: 'maybe' })).rejects.toThrow(
      /ORDERBRIDGE_WEBHOOK_DELIVERY must be true or false/,
    );
  });
});

describe('restrictedEnvironment', () => {
  it('passes on only the variables the entries reference', () => {
    const env = restrictedEnvironment(
      [
        { type: 'flexportal', apiKey: { env: 'ACME_FP_KEY' }, tenantId: { env: 'ACME_FP_TENANT' } },
        { type: 'flexfactor', appKey: 'inline', appSecret: { env: 'ACME_FF_SECRET' } },
        {
          type: 'module',
          id: 'custom',
          module: './x.js',
          settings: { token: { env: 'ACME_TOKEN' }, n: 1 },
        },
      ],
      {
        ACME_FP_KEY: 'k',
        ACME_FP_TENANT: 't',
        ACME_FF_SECRET: 's',
        ACME_TOKEN: 'tok',
        FLEXPORTAL_API_KEY: 'other-tenant',
        PATH: '/bin',
      },
    );
    expect(env).toEqual({
      ACME_FP_KEY: 'k',
      ACME_FP_TENANT: 't',
      ACME_FF_SECRET: 's',
      ACME_TOKEN: 'tok',
    });
  });
});
