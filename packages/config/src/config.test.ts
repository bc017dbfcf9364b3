import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError, createOrderClient } from '@orderbridge/core';
import { type Sandbox, startSandbox } from '@orderbridge/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile, parseConfig, providersConfigSchema } from './config-file.js';
import { createProvider, resolveSecret } from './create-provider.js';
import { providerEntriesFromEnvironment } from './environment.js';
import { sandboxProviderEntries } from './sandbox-entries.js';

async function tempDir() {
  return mkdtemp(join(tmpdir(), 'orderbridge-config-'));
}

function configError(run: () => unknown): ConfigurationError {
  try {
    run();
  } catch (error) {
    if (ConfigurationError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a ConfigurationError');
}

describe('parseConfig', () => {
  it('accepts every entry type', () => {
    const config = parseConfig(
      providersConfigSchema,
      {
        providers: [
          {
            type: 'flexportal',
            id: 'fp-eu',
            apiKey: { env: 'FP_EU_KEY' },
            tenantId: 'bu_1',
            region: 'eu',
          },
          { type: 'flexportal', id: 'fp-us', region: 'us' },
          { type: 'flexfactor', environment: 'sandbox', appSecret: { env: 'FF_SECRET' } },
          {
            type: 'module',
            id: 'acme',
            module: './acme.js',
            settings: { apiKey: { env: 'ACME' } },
          },
        ],
      },
      'test.json',
    );
    expect(config.providers).toHaveLength(4);
  });

  it('names the source, each bad key and what was expected', () => {
    const error = configError(() =>
      parseConfig(
        providersConfigSchema,
        {
          providers: [
            { type: 'flexportal', region: 'mars', colour: 'red' },
            { type: 'paypal' },
            { type: 'flexfactor', baseUrl: 'ftp://x' },
          ],
        },
        '/tmp/orderbridge.config.json',
      ),
    );
    expect(error.message).toContain('/tmp/orderbridge.config.json');
    expect(error.message).toContain('providers[0]: unknown key "colour"');
    expect(error.message).toContain('providers[0].region: must be eu, us, qatar or test');
    expect(error.message).toMatch(/providers\[1\].*"type": "flexportal", "flexfactor" or "module"/);
    expect(error.message).toContain('providers[2].baseUrl: must be an absolute http(s) URL');
  });

  it('refuses two providers with the same id', () => {
    const error = configError(() =>
      parseConfig(
        providersConfigSchema,
        { providers: [{ type: 'flexportal' }, { type: 'flexportal' }] },
        'c.json',
      ),
    );
    expect(error.message).toContain(
      'providers[1].id: repeats the provider id "flexportal" of providers[0]',
    );
  });
});

describe('loadConfigFile', () => {
  it('reads a valid file and resolves its folder', async () => {
    const dir = await tempDir();
    const path = join(dir, 'orderbridge.config.json');
    await writeFile(path, JSON.stringify({ providers: [{ type: 'flexfactor' }] }));
    const loaded = await loadConfigFile(path, providersConfigSchema);
    expect(loaded.baseDir).toBe(dir);
    expect(loaded.config.providers).toEqual([{ type: 'flexfactor' }]);
  });

  it('says when the file is missing or not JSON', async () => {
    const dir = await tempDir();
    await expect(loadConfigFile(join(dir, 'nope.json'), providersConfigSchema)).rejects.toThrow(
      /does not exist/,
    );
    const path = join(dir, 'broken.json');
    await writeFile(path, '{ "providers": [ ');
    await expect(loadConfigFile(path, providersConfigSchema)).rejects.toThrow(
      /broken\.json is not valid JSON/,
    );
  });
});

describe('secrets and the environment', () => {
  it('resolves { env } references and names a missing variable', () => {
    expect(
      resolveSecret({ env: 'KEY' }, { env: { KEY: 'value-1' }, provider: 'p', setting: 'apiKey' }),
    ).toBe('value-1');
    expect(resolveSecret('inline', { env: {}, provider: 'p', setting: 'apiKey' })).toBe('inline');
    const error = configError(() =>
      resolveSecret({ env: 'MISSING_KEY' }, { env: {}, provider: 'fp', setting: 'apiKey' }),
    );
    expect(error.environmentVariable).toBe('MISSING_KEY');
    expect(error.message).toBe(
      'provider "fp": apiKey refers to the environment variable MISSING_KEY, which is not set',
    );
  });

  it('configures a provider from its environment variables, half-configured ones included', () => {
    expect(providerEntriesFromEnvironment({})).toEqual([]);
    expect(
      providerEntriesFromEnvironment({ FLEXPORTAL_API_KEY: 'k', FLEXFACTOR_APP_SECRET: 's' }),
    ).toEqual([{ type: 'flexportal' }, { type: 'flexfactor' }]);
    expect(providerEntriesFromEnvironment({ FLEXPORTAL_TENANT_ID: '' })).toEqual([]);
  });

  it('does not fall back to the process environment when an explicit env is given', async () => {
    await expect(createProvider({ type: 'flexportal' }, { env: {} })).rejects.toThrow(
      /FLEXPORTAL_API_KEY/,
    );
    await expect(createProvider({ type: 'flexfactor' }, { env: {} })).rejects.toThrow(
      /FLEXFACTOR_APP_KEY/,
    );
  });

  it('names the environment variable and the config key of a missing secret, not a library call', async () => {
    const error = await createProvider(
      { type: 'flexfactor', id: 'ff-eu', appKey: 'fake-app-key' },
      { env: {} },
    ).catch((caught: unknown) => caught);
    expect(ConfigurationError.isInstance(error)).toBe(true);
    const message = (error as Error).message;
    expect(message).toBe(
      'provider "ff-eu": appSecret is missing. Set FLEXFACTOR_APP_SECRET, or "appSecret" in the provider entry "ff-eu" of the config file (the value, or { "env": "NAME" }). Find it in the FlexFactor Merchant Portal → Developers → Api Keys.',
    );
    expect(message).not.toMatch(/createFlexFactor/);
    expect((error as ConfigurationError).environmentVariable).toBe('FLEXFACTOR_APP_SECRET');
  });
});

describe('createProvider', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ orders: 30 });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('builds both built-in providers from sandbox entries and they answer', async () => {
    const providers = await Promise.all(
      sandboxProviderEntries(sandbox).map((entry) => createProvider(entry, { env: {} })),
    );
    expect(providers.map((provider) => provider.id)).toEqual(['flexportal', 'flexfactor']);
    const page = await createOrderClient({ providers }).list({ limit: 80 });
    expect(new Set(page.orders.map((order) => order.provider))).toEqual(
      new Set(['flexportal', 'flexfactor']),
    );
  });

  it('passes transport hooks to the providers', async () => {
    const seen: string[] = [];
    const [entry] = sandboxProviderEntries(sandbox);
    const provider = await createProvider(entry!, {
      env: {},
      transport: {
        hooks: { onResponse: (event) => seen.push(`${event.provider} ${event.status}`) },
      },
    });
    await provider.listOrders({ limit: 1 });
    expect(seen).toEqual(['flexportal 200']);
  });

  it('loads a custom provider module relative to the configuration folder, resolving its secrets', async () => {
    const dir = await tempDir();
    await writeFile(
      join(dir, 'tiny.mjs'),
      `export default function createTiny(settings) {
        return {
          specificationVersion: 'v1', id: settings.id, capabilities: {}, statusMap: { provider: settings.id, entries: [] },
          token: settings.token,
          async listOrders() { return { orders: [], nextCursor: null, warnings: [] }; },
          async getOrder() { throw new Error('none'); },
        };
      }`,
    );
    const provider = await createProvider(
      {
        type: 'module',
        id: 'tiny',
        module: './tiny.mjs',
        settings: { token: { env: 'TINY_TOKEN' } },
      },
      { env: { TINY_TOKEN: 'tok-123' }, baseDir: dir },
    );
    expect(provider.id).toBe('tiny');
    expect((provider as unknown as { token: string }).token).toBe('tok-123');
  });

  it('explains a module that cannot be loaded or builds no provider', async () => {
    const dir = await tempDir();
    await expect(
      createProvider({ type: 'module', id: 'x', module: './missing.mjs' }, { baseDir: dir }),
    ).rejects.toThrow(/provider "x": cannot load module "\.\/missing\.mjs"/);
    await writeFile(join(dir, 'nothing.mjs'), 'export const value = 1;');
    await expect(
      createProvider({ type: 'module', id: 'x', module: './nothing.mjs' }, { baseDir: dir }),
    ).rejects.toThrow(/must export a factory/);
    await writeFile(
      join(dir, 'wrong.mjs'),
      'export default () => ({ specificationVersion: "v0" });',
    );
    await expect(
      createProvider({ type: 'module', id: 'x', module: './wrong.mjs' }, { baseDir: dir }),
    ).rejects.toThrow(/did not return an OrderProvider with specificationVersion "v1"/);
  });
});
