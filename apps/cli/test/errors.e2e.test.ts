import { existsSync } from 'node:fs';
import { readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  killStrayProcesses,
  parseNdjson,
  runCli,
  temporaryDirectory,
} from './support/cli-process.js';
import { type SandboxProcess, startSandboxProcess } from './support/sandbox-process.js';

let sandbox: SandboxProcess;
const run = (args: readonly string[], env: Record<string, string> = {}, cwd?: string) =>
  runCli(args, { env: { ...sandbox.env, ...env }, ...(cwd ? { cwd } : {}) });

beforeAll(async () => {
  sandbox = await startSandboxProcess(['--orders', '120']);
});
afterAll(async () => {
  killStrayProcesses();
  await sandbox?.stop();
});

/** No stack trace: no "    at file:line" frames. */
const noStack = (text: string) => expect(text).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);

// Read-only against the sandbox: the tests of this group run concurrently.
describe.concurrent('usage errors exit 2 with a message and a hint', () => {
  it('unknown command, with a suggestion', async ({ expect }) => {
    const result = await run(['orders', 'lst']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("orderbridge: unknown command 'lst'");
    expect(result.stderr).toContain('(Did you mean list?)');
    expect(result.stderr).toContain('Run "orderbridge orders --help" for usage.');
    expect(result.stdout).toBe('');
  });

  it('unknown flag, with a suggestion', async ({ expect }) => {
    const result = await run(['orders', 'list', '--stauts', 'pending']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("orderbridge: unknown option '--stauts'");
    expect(result.stderr).toContain('(Did you mean --status?)');
    expect(result.stderr).toContain('Run "orderbridge orders list --help" for usage.');
  });

  it('bad status value, listing the allowed values', async ({ expect }) => {
    const result = await run(['orders', 'list', '--status', 'shipped']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'orderbridge: --status: "shipped" is not a valid value. Allowed: draft, pending, on_hold, processing, completed, cancelled, failed, returned, unknown.',
    );
    expect(result.stdout).toBe('');
    noStack(result.stderr);
  });

  it('bad date', async ({ expect }) => {
    const result = await run(['orders', 'export', '--created-from', 'last tuesday']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--created-from: "last tuesday" is not a date');
    expect(result.stderr).toContain('30m, 12h, 7d, 2w');
  });

  it('bad combination', async ({ expect }) => {
    const result = await run(['orders', 'list', '--all', '--cursor', 'abc']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--cursor and --all cannot be combined');
  });

  it('a cursor from another query', async ({ expect }) => {
    const first = await run(['orders', 'list', '--limit', '5', '--status', 'completed']);
    const cursor = /^next cursor: (\S+)$/m.exec(first.stderr)![1]!;
    const result = await run([
      'orders',
      'list',
      '--limit',
      '5',
      '--status',
      'pending',
      '--cursor',
      cursor,
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('invalid query: cursor belongs to a different query');
  });

  it('bad config file key, naming the file and the key', async ({ expect }) => {
    const cwd = await temporaryDirectory();
    await writeFile(
      join(cwd, 'orderbridge.config.json'),
      JSON.stringify({
        providers: [
          { type: 'flexportal', apiKey: 'fp_test_x_123456', tenantId: 't', regoin: 'eu' },
        ],
      }),
    );
    const result = await runCli(['orders', 'list'], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `invalid configuration in ${join(cwd, 'orderbridge.config.json')}`,
    );
    expect(result.stderr).toContain('providers[0]: unknown key "regoin"');
    noStack(result.stderr);
  });

  it('a --config file that does not exist', async ({ expect }) => {
    const result = await runCli(['--config', 'nope.json', 'orders', 'list']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/configuration file .*nope\.json does not exist/);
  });

  it('an unknown --provider id', async ({ expect }) => {
    const result = await run(['orders', 'list', '--provider', 'flexportl']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      '--provider: "flexportl" is not a configured provider (did you mean "flexportal"?)',
    );
  });
});

// Read-only against the sandbox: the tests of this group run concurrently.
describe.concurrent('provider errors exit 1 with the typed error, no stack', () => {
  it('a rejected API key names the provider and the kind', async ({ expect }) => {
    const badKey = 'fp_test_wrong_key_987654';
    const result = await run(['orders', 'list', '--retries', '0'], { FLEXPORTAL_API_KEY: badKey });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^orderbridge: flexportal authentication error \((?:GET [^,]+, )?HTTP 401[^)]*\): /m,
    );
    expect(result.stderr).toContain('orderbridge providers check');
    noStack(result.stderr);
    expect(result.stderr).not.toContain(badKey);
  });

  it('--debug shows the request log and details, with secrets still redacted', async ({
    expect,
  }) => {
    const badKey = 'fp_test_wrong_key_987654';
    const result = await run(['--debug', 'orders', 'list', '--retries', '0'], {
      FLEXPORTAL_API_KEY: badKey,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /debug: flexportal → GET http:\/\/127\.0\.0\.1:\d+\/flexportal\/v1\/orders/,
    );
    expect(result.stderr).toContain('"kind": "authentication"');
    expect(result.stderr).not.toContain(badKey);
    expect(result.stderr).not.toContain('ff_sandbox_app_secret');
  });
});

describe('a provider that is down', () => {
  it('fails with exit 1 by default, and with --allow-partial outputs the others and exits 3', async () => {
    await sandbox.control.faults.set('flexfactor', { failNext: { count: 10_000, status: 503 } });
    try {
      const failed = await run(['orders', 'list', '--retries', '0']);
      expect(failed.code).toBe(1);
      expect(failed.stderr).toMatch(
        /^orderbridge: flexfactor unavailable error \((?:GET [^,]+, )?HTTP 503/m,
      );
      expect(failed.stdout).toBe('');

      const partial = await run([
        'orders',
        'list',
        '--retries',
        '0',
        '--allow-partial',
        '--limit',
        '10',
      ]);
      expect(partial.code).toBe(3);
      const orders = parseNdjson<{ provider: string }>(partial.stdout);
      expect(orders).toHaveLength(10);
      expect(orders.every((order) => order.provider === 'flexportal')).toBe(true);
      expect(partial.stderr).toContain(
        'orderbridge: partial result: 1 provider failed; their orders are missing:',
      );
      expect(partial.stderr).toMatch(
        / {2}- flexfactor unavailable error \((?:GET [^,]+, )?HTTP 503/,
      );

      const json = await run([
        'orders',
        'list',
        '--retries',
        '0',
        '--allow-partial',
        '--format',
        'json',
      ]);
      expect(json.code).toBe(3);
      expect(JSON.parse(json.stdout).errors).toEqual([
        expect.objectContaining({ provider: 'flexfactor', kind: 'unavailable', status: 503 }),
      ]);

      const exported = await run(['orders', 'export', '--retries', '0', '--allow-partial']);
      expect(exported.code).toBe(3);
      expect(parseNdjson(exported.stdout)).toHaveLength(120);
    } finally {
      await sandbox.control.faults.clear();
    }
  });
});

// Read-only against the sandbox: the tests of this group run concurrently.
describe.concurrent('help and version', () => {
  it('prints --version', async ({ expect }) => {
    const result = await runCli(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('prints help with examples for every command', async ({ expect }) => {
    const commands: string[][] = [
      [],
      ['orders'],
      ['orders', 'list'],
      ['orders', 'get'],
      ['orders', 'export'],
      ['providers'],
      ['providers', 'check'],
      ['sandbox'],
    ];
    const results = await Promise.all(commands.map((command) => runCli([...command, '--help'])));
    results.forEach((result, index) => {
      expect(result.code, commands[index]!.join(' ')).toBe(0);
      expect(result.stdout).toContain(`Usage: ${['orderbridge', ...commands[index]!].join(' ')}`);
      expect(result.stdout).toContain('Examples:');
    });
  });
});

// Read-only against the sandbox: the tests of this group run concurrently.
describe.concurrent('write failures: one line naming the path and the cause, exit 1', () => {
  it.skipIf(!existsSync('/dev/full'))(
    'stdout on a full device, for data, --help and --version alike',
    async ({ expect }) => {
      for (const args of [
        ['orders', 'list', '--limit', '3'],
        ['providers'],
        ['--help'],
        ['--version'],
      ]) {
        const result = await runCli(args, { env: sandbox.env, stdoutPath: '/dev/full' });
        expect(result.code, args.join(' ')).toBe(1);
        expect(result.stderr).toContain(
          'orderbridge: cannot write stdout: no space left on the device (ENOSPC)',
        );
        noStack(result.stderr);
      }
    },
  );

  it('an output folder that does not exist, and an output path that is a folder', async ({
    expect,
  }) => {
    const folder = await temporaryDirectory();
    const missing = await run(['orders', 'export', '-o', join(folder, 'nope', 'orders.ndjson')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(
      `cannot write ${join(folder, 'nope', 'orders.ndjson')}: its folder does not exist (ENOENT)`,
    );
    expect(missing.stderr).not.toContain('unexpected error');
    noStack(missing.stderr);
    const isFolder = await run(['orders', 'export', '-o', folder]);
    expect(isFolder.code).toBe(1);
    expect(isFolder.stderr).toContain(`cannot write ${folder}: it is a folder (EISDIR)`);
    noStack(isFolder.stderr);
  });

  it('refuses --output and --checkpoint naming one file, also through a relative path or a link', async ({
    expect,
  }) => {
    const folder = await temporaryDirectory();
    await writeFile(join(folder, 'orders.ndjson'), 'keep me\n');
    await symlink(join(folder, 'orders.ndjson'), join(folder, 'link.json'));
    for (const checkpoint of ['orders.ndjson', './orders.ndjson', join(folder, 'link.json')]) {
      const result = await run(
        ['orders', 'export', '-o', 'orders.ndjson', '--checkpoint', checkpoint],
        {},
        folder,
      );
      expect(result.code, checkpoint).toBe(2);
      expect(result.stderr).toContain('--output and --checkpoint name the same file');
    }
    expect(await readFile(join(folder, 'orders.ndjson'), 'utf8')).toBe('keep me\n');
  });

  it('refuses order ids that would change the request path, before any request', async ({
    expect,
  }) => {
    for (const key of ['flexportal:..', 'flexportal:.', 'flexfactor:a/b']) {
      const result = await run(['orders', 'get', key]);
      expect(result.code, key).toBe(2);
      expect(result.stderr).toContain('invalid query: key the order id must not');
    }
  });
});
