import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Order } from '@orderbridge/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  finished,
  killStrayProcesses,
  parseNdjson,
  runCli,
  spawnCli,
  temporaryDirectory,
} from './support/cli-process.js';
import { type SandboxProcess, startSandboxProcess } from './support/sandbox-process.js';

let sandbox: SandboxProcess;

beforeAll(async () => {
  sandbox = await startSandboxProcess(['--orders', '50']);
});
afterAll(async () => {
  killStrayProcesses();
  await sandbox?.stop();
});

interface ProvidersDocument {
  configFile: { path: string; source: string } | null;
  sandbox: string | null;
  providers: Array<{
    id: string;
    type: string;
    settings: Array<{ name: string; value: unknown; source: string | null }>;
    capabilities: {
      filters: string[];
      sorts: string[];
      maxPageSize: number;
      pageNumbers: boolean;
    } | null;
  }>;
}

const settingsOf = (document: ProvidersDocument, id: string) =>
  Object.fromEntries(
    document.providers
      .find((provider) => provider.id === id)!
      .settings.map((setting) => [setting.name, setting]),
  );

// Read-only against the sandbox: the tests of this group run concurrently.
describe.concurrent('orderbridge providers', () => {
  it('lists each provider with its capabilities and where each setting came from, secrets masked', async ({
    expect,
  }) => {
    const cwd = await temporaryDirectory();
    await writeFile(
      join(cwd, 'orderbridge.config.json'),
      JSON.stringify({
        providers: [
          { type: 'flexportal', tenantId: 'bu_sandbox_a', apiKey: 'fp_test_file_key_000000' },
          {
            type: 'flexportal',
            id: 'fp-b',
            tenantId: 'bu_sandbox_b',
            apiKey: { env: 'FP_B_KEY' },
            baseUrl: sandbox.settings.flexportal.baseUrl,
          },
        ],
      }),
    );
    const env = {
      FLEXPORTAL_API_KEY: sandbox.env.FLEXPORTAL_API_KEY!,
      FLEXPORTAL_BASE_URL: sandbox.env.FLEXPORTAL_BASE_URL!,
      FP_B_KEY: sandbox.settings.flexportal.tenants[1]!.apiKey,
    };
    const result = await runCli(['providers', '--format', 'json'], { env, cwd });
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout) as ProvidersDocument;
    expect(document.configFile).toEqual({
      path: join(cwd, 'orderbridge.config.json'),
      source: 'default',
    });
    expect(document.providers.map((provider) => provider.id)).toEqual(['flexportal', 'fp-b']);
    const main = settingsOf(document, 'flexportal');
    expect(main.apiKey).toEqual({
      name: 'apiKey',
      value: 'fp_t…(redacted)',
      source: 'env FLEXPORTAL_API_KEY',
    });
    expect(main.tenantId).toEqual({
      name: 'tenantId',
      value: 'bu_sandbox_a',
      source: 'orderbridge.config.json providers[0].tenantId',
    });
    expect(main.baseUrl!.source).toBe('env FLEXPORTAL_BASE_URL');
    const second = settingsOf(document, 'fp-b');
    expect(second.apiKey!.source).toBe(
      'orderbridge.config.json providers[1].apiKey (env FP_B_KEY)',
    );
    expect(second.id!.source).toBe('orderbridge.config.json providers[1].id');
    expect(result.stdout).not.toContain(env.FLEXPORTAL_API_KEY);
    expect(result.stdout).not.toContain(env.FP_B_KEY);
    expect(document.providers[0]!.capabilities).toMatchObject({
      maxPageSize: 100,
      pageNumbers: false,
    });

    // Both accounts work side by side under their own ids.
    const listed = parseNdjson<Order>(
      (await runCli(['orders', 'list', '--limit', '100'], { env, cwd })).stdout,
    );
    expect(new Set(listed.map((order) => order.provider))).toEqual(new Set(['flexportal', 'fp-b']));
  });

  it('prints a readable text view', async ({ expect }) => {
    const result = await runCli(['providers', '--format', 'table'], { env: sandbox.env });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Config file: none');
    expect(result.stdout).toMatch(/^ {2}apiKey\s+fp_t…\(redacted\)\s+env FLEXPORTAL_API_KEY$/m);
    expect(result.stdout).toMatch(/page-number fetching \(parallel pages\): yes/);
  });

  it('providers check: ok for each provider, exit 0', async ({ expect }) => {
    const result = await runCli(['providers', 'check', '--format', 'json'], { env: sandbox.env });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      ok: true,
      providers: [
        { provider: 'flexportal', ok: true, error: null },
        { provider: 'flexfactor', ok: true, error: null },
      ],
    });
  });

  it('providers check: a bad key fails that provider only, exit 1', async ({ expect }) => {
    const result = await runCli(['providers', 'check', '--format', 'ndjson', '--retries', '0'], {
      env: { ...sandbox.env, FLEXFACTOR_APP_SECRET: 'ff_wrong_secret_000' },
    });
    expect(result.code).toBe(1);
    const lines = parseNdjson<{ provider: string; ok: boolean; error: string | null }>(
      result.stdout,
    );
    expect(lines[0]).toMatchObject({ provider: 'flexportal', ok: true });
    expect(lines[1]).toMatchObject({ provider: 'flexfactor', ok: false });
    expect(lines[1]!.error).toMatch(/^flexfactor authentication error \(HTTP 400/);
    expect(result.stdout).not.toContain('ff_wrong_secret_000');
  });
});

// Read-only against the sandbox: the tests of this group run concurrently.
describe.concurrent('with no credentials at all', () => {
  it('runs against the embedded sandbox, says so in one line, and lists orders from both providers', async ({
    expect,
  }) => {
    const result = await runCli(['orders', 'list', '--limit', '20']);
    expect(result.code).toBe(0);
    expect(result.stderr.split('\n')[0]).toBe(
      'orderbridge: no provider credentials configured — using the embedded sandbox (FlexPortal + FlexFactor simulators). See "orderbridge providers --help".',
    );
    const orders = parseNdjson<Order>(result.stdout);
    expect(orders).toHaveLength(20);
    expect(new Set(orders.map((order) => order.provider))).toEqual(
      new Set(['flexportal', 'flexfactor']),
    );
  });

  it('stays quiet about it with --quiet, and --sandbox forces it over configured credentials', async ({
    expect,
  }) => {
    const quiet = await runCli(['--quiet', 'orders', 'list', '--limit', '1']);
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).not.toContain('embedded sandbox');
    const forced = await runCli(['--sandbox', 'providers', '--format', 'json'], {
      env: { FLEXPORTAL_API_KEY: 'fp_test_real_looking_key_1', FLEXPORTAL_TENANT_ID: 'bu_x' },
    });
    expect(forced.code).toBe(0);
    expect(forced.stderr).toContain('using the embedded sandbox (--sandbox)');
    const document = JSON.parse(forced.stdout) as ProvidersDocument;
    expect(document.sandbox).toBe('flag');
    expect(settingsOf(document, 'flexportal').apiKey!.source).toBe('sandbox');
  });
});

describe('orderbridge sandbox', () => {
  it('runs in the foreground, prints how to connect, serves the CLI, and stops on Ctrl-C with exit 0', async () => {
    const child = await spawnCli(['sandbox', '--port', '0', '--orders', '30']);
    const done = finished(child);
    const lines: string[] = [];
    const reader = createInterface({ input: child.stdout! });
    await new Promise<void>((resolve) => {
      reader.on('line', (line) => {
        lines.push(line);
        if (line.startsWith('Press Ctrl-C')) resolve();
      });
    });
    const text = lines.join('\n');
    expect(text).toMatch(/^OrderBridge sandbox listening on http:\/\/127\.0\.0\.1:\d+$/m);
    expect(text).toContain('orderbridge orders list');
    const env = Object.fromEntries(
      [...text.matchAll(/^ {2}export (\w+)=(\S+)$/gm)].map((match) => [
        match[1]!,
        match[2]!.replace(/^'|'$/g, ''),
      ]),
    );
    expect(Object.keys(env)).toEqual(
      expect.arrayContaining([
        'FLEXPORTAL_BASE_URL',
        'FLEXPORTAL_API_KEY',
        'FLEXFACTOR_APP_SECRET',
      ]),
    );
    const listed = await runCli(['orders', 'list', '--all'], { env });
    expect(listed.code).toBe(0);
    expect(parseNdjson(listed.stdout)).toHaveLength(60);
    child.kill('SIGINT');
    const exit = await done;
    expect(exit.code).toBe(0);
  });
});
