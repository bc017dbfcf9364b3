import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIo } from './cli-io.js';
import { EMBEDDED_SANDBOX_NOTICE } from './client/open-providers.js';
import { InterruptedError } from './errors/interrupted-error.js';
import { main } from './main.js';
import { MemoryStream } from './test-support/memory-stream.js';

/** Runs `main` in-process against the embedded sandbox (no credentials in `env`). */
async function run(
  args: readonly string[],
  options: { env?: Record<string, string>; tty?: boolean; interrupt?: AbortSignal } = {},
) {
  const stdout = new MemoryStream(options.tty ?? false);
  const stderr = new MemoryStream(options.tty ?? false);
  const io: CliIo = {
    stdout,
    stderr,
    env: options.env ?? {},
    cwd: await mkdtemp(join(tmpdir(), 'orderbridge-main-')),
    now: () => new Date('2026-06-01T00:00:00.000Z'),
    interrupt: options.interrupt ?? new AbortController().signal,
  };
  const code = await main(['node', 'orderbridge', '--sandbox-orders', '40', ...args], io);
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

describe('main (in-process, embedded sandbox)', () => {
  it('lists each flag of providers check once in its help', async () => {
    const help = await run(['providers', 'check', '--help']);
    expect(help.stdout.match(/^\s+--format <format>/gm)).toHaveLength(1);
  });

  it('prints a completion script, and refuses a shell it does not know', async () => {
    const bash = await run(['completion', 'bash']);
    expect(bash.code).toBe(0);
    expect(bash.stdout).toContain('complete -F _orderbridge_completion orderbridge');
    const unknown = await run(['completion', 'powershell']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/bash, zsh, fish/);
  });

  it('prints a coloured table on a terminal, and the sandbox notice once on stderr', async () => {
    const result = await run(['orders', 'list', '--limit', '5'], { tty: true });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('\u001b[');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping ANSI colour codes
    expect(result.stdout.replace(/\u001b\[\d+m/g, '')).toMatch(/KEY\s+STATUS/);
    expect(result.stderr.split('\n')[0]).toBe(EMBEDDED_SANDBOX_NOTICE);
  });

  it('honours NO_COLOR and --no-color on a terminal', async () => {
    const cases: Array<{ env: Record<string, string>; args: string[] }> = [
      { env: { NO_COLOR: '1' }, args: [] },
      { env: {}, args: ['--no-color'] },
    ];
    for (const options of cases) {
      const result = await run([...options.args, 'orders', 'list', '--limit', '5'], {
        tty: true,
        env: options.env,
      });
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/KEY\s+STATUS/);
      expect(result.stdout + result.stderr).not.toContain('\u001b[');
    }
  });

  it('prints NDJSON in a pipe and nothing on stderr with --quiet but the cursor', async () => {
    const result = await run(['--quiet', 'orders', 'list', '--limit', '3']);
    expect(result.code).toBe(0);
    expect(
      result.stdout
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line).key),
    ).toHaveLength(3);
    expect(result.stderr).toMatch(/^next cursor: \S+\n$/);
  });

  it('prints the next cursor once, and not on stderr when the JSON body carries it', async () => {
    const ndjson = await run(['orders', 'list', '--limit', '3']);
    const cursor = /^next cursor: (\S+)$/m.exec(ndjson.stderr)?.[1];
    expect(cursor).toBeDefined();
    expect(ndjson.stderr.split(cursor!).length - 1).toBe(1);
    const json = await run(['--quiet', 'orders', 'list', '--limit', '3', '--format', 'json']);
    expect(JSON.parse(json.stdout).nextCursor).toEqual(expect.any(String));
    expect(json.stderr).toBe('');
  });

  it('reads ORDERBRIDGE_FORMAT, and --format wins over it', async () => {
    const fromEnvironment = await run(['orders', 'list', '--limit', '2'], {
      env: { ORDERBRIDGE_FORMAT: 'csv' },
    });
    expect(fromEnvironment.stdout.split('\r\n')[0]).toMatch(/^key,provider,id,/);
    const fromFlag = await run(['orders', 'list', '--limit', '2', '--format', 'json'], {
      env: { ORDERBRIDGE_FORMAT: 'csv' },
    });
    expect(JSON.parse(fromFlag.stdout).orders).toHaveLength(2);
    const bad = await run(['orders', 'list'], { env: { ORDERBRIDGE_FORMAT: 'xml' } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('ORDERBRIDGE_FORMAT: "xml" is not a supported format');
  });

  it('exits 2 on commander errors and 0 for --help', async () => {
    const unknown = await run(['orders', 'list', '--nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("orderbridge: unknown option '--nope'");
    const help = await run(['orders', 'export', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--checkpoint <file>');
  });

  it('worker refuses a SQLite store and bad flags with exit 2, before opening anything', async () => {
    const sqlite = await run(['worker', '--database', 'sqlite:./orders.db']);
    expect(sqlite.code).toBe(2);
    expect(sqlite.stderr).toContain('orderbridge worker needs a PostgreSQL store');
    expect(sqlite.stderr).toContain('orderbridge sync --watch');
    const byDefault = await run(['worker']);
    expect(byDefault.code).toBe(2);
    expect(byDefault.stderr).toContain('the configured store is not one');
    const concurrency = await run([
      'worker',
      '--database',
      'postgres://orderbridge@127.0.0.1/orders',
      '--concurrency',
      '0',
    ]);
    expect(concurrency.code).toBe(2);
    expect(concurrency.stderr).toContain('--concurrency: 0 is out of range');
  });

  it('exits 130 when interrupted', async () => {
    const controller = new AbortController();
    controller.abort(new InterruptedError('SIGTERM'));
    const result = await run(['orders', 'export'], { interrupt: controller.signal });
    expect(result.code).toBe(130);
    expect(result.stderr).toContain('orderbridge: interrupted: 0 orders written to stdout.');
  });
});
