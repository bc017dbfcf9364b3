import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError } from '@orderbridge/core';
import { describe, expect, it } from 'vitest';
import { maskSecret } from './mask-secret.js';
import { type ResolvedProvider, resolveConfig } from './resolve-config.js';
import { describeSource } from './setting-source.js';

async function workspace(config?: unknown, name = 'orderbridge.config.json'): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'orderbridge-config-'));
  if (config !== undefined) {
    await writeFile(
      join(directory, name),
      typeof config === 'string' ? config : JSON.stringify(config),
    );
  }
  return directory;
}

function sources(provider: ResolvedProvider | undefined): Record<string, string> {
  return Object.fromEntries(
    (provider?.settings ?? []).map((setting) => [
      setting.name,
      setting.source ? describeSource(setting.source) : 'unset',
    ]),
  );
}

const fakeEnv = {
  FLEXPORTAL_API_KEY: 'fp_test_env_key_0000',
  FLEXPORTAL_TENANT_ID: 'bu_env',
};

describe('resolveConfig', () => {
  it('uses the embedded sandbox when nothing is configured anywhere', async () => {
    const config = await resolveConfig({ env: {}, cwd: await workspace() });
    expect(config.sandbox).toBe('no-credentials');
    expect(config.providers).toEqual([]);
    expect(config.configFile).toBeUndefined();
  });

  it('uses the sandbox with --sandbox even when credentials exist', async () => {
    const config = await resolveConfig({ env: fakeEnv, cwd: await workspace(), sandboxFlag: true });
    expect(config.sandbox).toBe('flag');
  });

  it('configures providers from the environment, recording each variable', async () => {
    const config = await resolveConfig({
      env: {
        ...fakeEnv,
        FLEXPORTAL_REGION: 'eu',
        FLEXFACTOR_APP_KEY: 'ff_key_0001',
        FLEXFACTOR_APP_SECRET: 'ff_secret_0001',
      },
      cwd: await workspace(),
    });
    expect(config.sandbox).toBeUndefined();
    expect(config.providers.map((provider) => provider.id)).toEqual(['flexportal', 'flexfactor']);
    expect(config.providers[0]!.entry).toEqual({
      type: 'flexportal',
      apiKey: 'fp_test_env_key_0000',
      tenantId: 'bu_env',
      region: 'eu',
    });
    expect(sources(config.providers[0])).toEqual({
      id: 'default',
      apiKey: 'env FLEXPORTAL_API_KEY',
      tenantId: 'env FLEXPORTAL_TENANT_ID',
      region: 'env FLEXPORTAL_REGION',
      baseUrl: 'default',
      rateLimit: 'default',
      timeout: 'default',
    });
  });

  it('reads orderbridge.config.json from the working directory; the environment overrides it setting by setting', async () => {
    const cwd = await workspace({
      providers: [
        {
          type: 'flexportal',
          apiKey: 'fp_test_file_key_1111',
          tenantId: 'bu_file',
          region: 'us',
          timeout: 5000,
        },
        {
          type: 'flexportal',
          id: 'fp-eu',
          apiKey: { env: 'FP_EU_KEY' },
          tenantId: 'bu_eu',
          region: 'eu',
        },
      ],
      defaults: { limit: 20, redact: true },
    });
    const config = await resolveConfig({
      env: {
        FLEXPORTAL_API_KEY: 'fp_test_env_key_0000',
        FLEXPORTAL_BASE_URL: 'http://127.0.0.1:9/flexportal',
        FP_EU_KEY: 'fp_test_eu_key_2222',
      },
      cwd,
    });
    expect(config.configFile).toEqual({
      value: join(cwd, 'orderbridge.config.json'),
      source: { kind: 'default' },
    });
    const [main, europe] = config.providers;
    // apiKey and the endpoint come from the environment; the base URL replaces the file's region.
    expect(main!.entry).toEqual({
      type: 'flexportal',
      apiKey: 'fp_test_env_key_0000',
      tenantId: 'bu_file',
      baseUrl: 'http://127.0.0.1:9/flexportal',
      timeout: 5000,
    });
    expect(sources(main)).toEqual({
      id: 'default',
      apiKey: 'env FLEXPORTAL_API_KEY',
      tenantId: 'orderbridge.config.json providers[0].tenantId',
      region: 'default',
      baseUrl: 'env FLEXPORTAL_BASE_URL',
      rateLimit: 'default',
      timeout: 'orderbridge.config.json providers[0].timeout',
    });
    // Several accounts of one provider coexist under their own ids; { env } references resolve.
    expect(europe!.id).toBe('fp-eu');
    expect(sources(europe).apiKey).toBe(
      'orderbridge.config.json providers[1].apiKey (env FP_EU_KEY)',
    );
    expect(europe!.settings.find((setting) => setting.name === 'apiKey')?.value).toBe(
      'fp_test_eu_key_2222',
    );
    expect(config.defaults.limit).toEqual({
      value: 20,
      source: { kind: 'file', file: 'orderbridge.config.json', key: 'defaults.limit' },
    });
    expect(config.defaults.redact?.value).toBe(true);
  });

  it('takes --config over ORDERBRIDGE_CONFIG over the working directory', async () => {
    const cwd = await workspace({ providers: [{ type: 'flexfactor', id: 'from-cwd' }] });
    await mkdir(join(cwd, 'conf'));
    await writeFile(
      join(cwd, 'conf', 'env.json'),
      JSON.stringify({ providers: [{ type: 'flexfactor', id: 'from-env' }] }),
    );
    await writeFile(
      join(cwd, 'conf', 'flag.json'),
      JSON.stringify({ providers: [{ type: 'flexfactor', id: 'from-flag' }] }),
    );
    const env = { ORDERBRIDGE_CONFIG: 'conf/env.json' };
    expect((await resolveConfig({ env: {}, cwd })).providers[0]!.id).toBe('from-cwd');
    const fromEnvironment = await resolveConfig({ env, cwd });
    expect(fromEnvironment.providers[0]!.id).toBe('from-env');
    expect(describeSource(fromEnvironment.configFile!.source)).toBe('env ORDERBRIDGE_CONFIG');
    const fromFlag = await resolveConfig({ env, cwd, configFlag: 'conf/flag.json' });
    expect(fromFlag.providers[0]!.id).toBe('from-flag');
    expect(describeSource(fromFlag.configFile!.source)).toBe('flag --config');
  });

  it('takes ORDERBRIDGE_FORMAT over the file’s default format', async () => {
    const cwd = await workspace({ defaults: { format: 'csv' } });
    expect((await resolveConfig({ env: {}, cwd })).defaults.format?.value).toBe('csv');
    expect(
      (await resolveConfig({ env: { ORDERBRIDGE_FORMAT: 'json' }, cwd })).defaults.format,
    ).toEqual({
      value: 'json',
      source: { kind: 'env', variable: 'ORDERBRIDGE_FORMAT' },
    });
  });

  it('names the file, the key and the expectation for a bad config file', async () => {
    const cwd = await workspace({
      providers: [{ type: 'flexportal', region: 'mars', apiKey: '' }],
      defaults: { limit: 0 },
      colour: true,
    });
    const error = await resolveConfig({ env: {}, cwd }).catch((caught: unknown) => caught);
    expect(ConfigurationError.isInstance(error)).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain(`invalid configuration in ${join(cwd, 'orderbridge.config.json')}`);
    expect(message).toContain('providers[0].region: must be eu, us, qatar or test');
    expect(message).toContain('providers[0].apiKey: must not be empty');
    expect(message).toContain('defaults.limit: must be at least 1');
    expect(message).toContain('unknown key "colour"');
  });

  it('names the file for a missing --config file and for invalid JSON', async () => {
    const cwd = await workspace('{ "providers": [', 'broken.json');
    await expect(resolveConfig({ env: {}, cwd, configFlag: 'missing.json' })).rejects.toThrow(
      `configuration file ${join(cwd, 'missing.json')} does not exist`,
    );
    await expect(resolveConfig({ env: {}, cwd, configFlag: 'broken.json' })).rejects.toThrow(
      `configuration file ${join(cwd, 'broken.json')} is not valid JSON`,
    );
  });

  it('names the environment variable of a bad environment value', async () => {
    await expect(
      resolveConfig({ env: { ...fakeEnv, FLEXPORTAL_REGION: 'mars' }, cwd: await workspace() }),
    ).rejects.toThrow('environment variable FLEXPORTAL_REGION: must be eu, us, qatar or test');
  });
});

describe('maskSecret', () => {
  it('shows a recognisable prefix of long secrets only', () => {
    expect(maskSecret('fp_test_sandbox_key_tenant_a')).toBe('fp_t…(redacted)');
    expect(maskSecret('short')).toBe('set');
  });
});
