import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { SandboxConnectionSettings } from '../src/index.js';
import { request } from './support/sandbox-http.js';

const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

/** Runs the built bin; tests of the bin need `pnpm --filter @orderbridge/sandbox build` first. */
function run(args: string[]): ChildProcess {
  if (!existsSync(bin)) {
    throw new Error(
      `${bin} is missing: build the package first (pnpm --filter @orderbridge/sandbox build)`,
    );
  }
  return spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

async function firstLine(child: ChildProcess): Promise<string> {
  let buffered = '';
  for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
    buffered += chunk.toString('utf8');
    const newline = buffered.indexOf('\n');
    if (newline >= 0) return buffered.slice(0, newline);
  }
  throw new Error(`bin exited before printing: ${buffered}`);
}

async function output(
  child: ChildProcess,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

describe('orderbridge-sandbox bin', () => {
  it('prints the settings as one JSON line, serves requests, and exits 0 on SIGTERM', async () => {
    const child = run(['--port', '0', '--json', '--orders', '12', '--seed', '4']);
    try {
      const settings = JSON.parse(await firstLine(child)) as SandboxConnectionSettings;
      expect(settings.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const result = await request<{ count: number }>(`${settings.flexportal.baseUrl}/v1/orders`, {
        headers: {
          authorization: `Bearer ${settings.flexportal.apiKey}`,
          'tenant-id': settings.flexportal.tenantId,
        },
      });
      expect(result.status).toBe(200);
      expect(result.json.count).toBe(12);
      const exit = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = (await exit) as [number | null];
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('gzips answers with --gzip for a client that accepts it', async () => {
    const child = run(['--port', '0', '--json', '--orders', '3', '--gzip']);
    try {
      const settings = JSON.parse(await firstLine(child)) as SandboxConnectionSettings;
      const answer = await fetch(`${settings.flexportal.baseUrl}/v1/orders`, {
        headers: {
          authorization: `Bearer ${settings.flexportal.apiKey}`,
          'tenant-id': settings.flexportal.tenantId,
          'accept-encoding': 'gzip',
        },
      });
      // fetch decodes the body and keeps the header that says it was encoded.
      expect(answer.headers.get('content-encoding')).toBe('gzip');
      expect(((await answer.json()) as { count: number }).count).toBe(3);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('prints human-readable settings with the env exports by default', async () => {
    const child = run(['--port', '0', '--orders', '1', '--latency', '5', '--token-ttl', '1000']);
    try {
      let text = '';
      for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
        text += chunk.toString('utf8');
        if (text.includes('FLEXFACTOR_APP_SECRET')) break;
      }
      expect(text).toContain('export FLEXPORTAL_BASE_URL=http://127.0.0.1:');
      expect(text).toContain('export FLEXPORTAL_API_KEY=fp_test_sandbox_key_tenant_a');
      expect(text).toContain('export FLEXPORTAL_TENANT_ID=bu_sandbox_a');
      expect(text).toContain('export FLEXFACTOR_APP_KEY=ff_sandbox_app_key');
      expect(text).toContain('token TTL  1000 ms');
      const exit = once(child, 'exit');
      child.kill('SIGINT');
      expect(((await exit) as [number | null])[0]).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('subscribes --flexfactor-webhook URLs, and refuses one that is not a URL', async () => {
    const child = run([
      '--port',
      '0',
      '--json',
      '--orders',
      '3',
      '--flexfactor-webhook',
      'http://127.0.0.1:9/first',
      '--flexfactor-webhook',
      'http://127.0.0.1:9/second',
    ]);
    try {
      const settings = JSON.parse(await firstLine(child)) as SandboxConnectionSettings;
      const listed = await request<{ subscriptions: Array<{ url: string }> }>(
        `${settings.url}/_sandbox/flexfactor/webhooks`,
      );
      expect(listed.json.subscriptions.map((subscription) => subscription.url)).toEqual([
        'http://127.0.0.1:9/first',
        'http://127.0.0.1:9/second',
      ]);
    } finally {
      child.kill('SIGKILL');
    }
    const refused = await output(run(['--port', '0', '--flexfactor-webhook', 'nowhere']));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('flexfactor.webhooks.0.url');
  });

  it('exits 2 with a message on a bad flag or value', async () => {
    const unknown = await output(run(['--bogus']));
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('bogus');
    const badValue = await output(run(['--port', 'eighty']));
    expect(badValue.code).toBe(2);
    expect(badValue.stderr).toContain('--port must be an integer');
  });

  it('prints usage for --help', async () => {
    const help = await output(run(['--help']));
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: orderbridge-sandbox');
    expect(help.stdout).toContain('--flexfactor-orders');
  });
});
