import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_NODE_FLAGS } from '../src/runtime/service-heap.js';
import {
  runService,
  type SandboxProcess,
  SERVICE_BIN,
  startSandboxProcess,
  startServiceProcess,
  waitForLine,
  writeTenantsFile,
} from './support/processes.js';
import { E2E_CURSOR_SECRET, E2E_KEYS, e2eTenants } from './support/tenants.js';

let sandbox: SandboxProcess;

/** Polls `condition` every 20 ms for up to 10 s. */
async function waitUntil(condition: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 500; attempt++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('condition not reached within 10 s');
}

beforeAll(async () => {
  sandbox = await startSandboxProcess(['--orders', '60']);
}, 30_000);

afterAll(async () => {
  await sandbox?.stop();
});

describe('graceful shutdown', () => {
  it('finishes a request in flight after SIGTERM, refuses new connections and exits 0', async () => {
    const tenants = e2eTenants(sandbox.settings);
    const service = await startServiceProcess(['--tenants', writeTenantsFile(tenants.file)], {
      ...tenants.env,
      ORDERBRIDGE_CURSOR_SECRET: E2E_CURSOR_SECRET,
    });
    // The start-up readiness checks also list orders: let them finish before counting.
    await waitUntil(async () => (await fetch(`${service.url}/readyz`)).status === 200);
    await sandbox.control.resetStats();
    await sandbox.control.faults.set('flexportal', { latencyMs: 1500 });
    try {
      const inFlight = fetch(`${service.url}/v1/orders?provider=flexportal&limit=3`, {
        headers: { authorization: `Bearer ${E2E_KEYS.tenantA}` },
      });
      // Stop the service only once its upstream request is in progress.
      await waitUntil(async () => (await sandbox.control.stats()).flexportal.routes.listOrders > 0);
      service.process.kill('SIGTERM');
      await waitForLine(service, 'stdout', (line) => line.includes('shutting down'));
      // A new connection is refused while the one in flight is still being served.
      await expect(fetch(`${service.url}/healthz`)).rejects.toThrow();
      const response = await inFlight;
      expect(response.status).toBe(200);
      expect(((await response.json()) as { orders: unknown[] }).orders).toHaveLength(3);
      expect(await service.exited).toBe(0);
      expect(service.stdout.some((line) => line.includes('"shut down"'))).toBe(true);
    } finally {
      await sandbox.control.faults.clear();
      await service.stop('SIGKILL');
    }
  }, 30_000);
});

/** Records every module a service process loads (see the preload). */
const MODULE_LOG_PRELOAD = fileURLToPath(
  new URL('./support/module-log-preload.ts', import.meta.url),
);

/** A fresh module log, and the environment that makes a service process write it. */
function moduleLogging(): { log: string; env: Record<string, string> } {
  const log = join(mkdtempSync(join(tmpdir(), 'orderbridge-service-modules-')), 'modules.log');
  return { log, env: { NODE_OPTIONS: `--import=${MODULE_LOG_PRELOAD}`, MODULE_LOG: log } };
}

/** The module URLs the preload logged, by process image (before and after the restart). */
function modulesByImage(log: string): { first: string[]; relaunched: string[] } {
  const loaded = { first: [] as string[], relaunched: [] as string[] };
  for (const line of readFileSync(log, 'utf8').split('\n')) {
    const [image, url] = line.split('\t');
    if (url !== undefined) loaded[image as keyof typeof loaded].push(url);
  }
  return loaded;
}

/** A module only serving needs: the server and routes, core, zod, hono, the sandbox. */
function isServerModule(url: string): boolean {
  return (
    /\/apps\/service\/dist\/(server|app|cli\/serve)\.js$/.test(url) ||
    /\/(packages\/(core|sandbox|store|flexportal|flexfactor)|node_modules\/(zod|hono|@hono\/[^/]+))\//.test(
      url,
    ) ||
    /\/node_modules\/\.pnpm\/(zod|hono|@hono)[@+]/.test(url)
  );
}

/** Node's command line of a running process (Linux). */
function commandLineOf(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
}

describe.runIf(process.platform === 'linux' && typeof process.execve === 'function')(
  'heap settings',
  () => {
    it('serves from its own process (same pid) restarted with the service heap flags', async () => {
      const tenants = e2eTenants(sandbox.settings);
      const file = writeTenantsFile(tenants.file);
      const service = await startServiceProcess(['--tenants', file], {
        ...tenants.env,
        ORDERBRIDGE_CURSOR_SECRET: E2E_CURSOR_SECRET,
      });
      try {
        const commandLine = commandLineOf(service.process.pid!);
        expect(commandLine).toEqual(expect.arrayContaining([...SERVICE_NODE_FLAGS]));
        expect(commandLine.slice(commandLine.indexOf(SERVICE_BIN))).toEqual([
          SERVICE_BIN,
          '--port',
          '0',
          '--tenants',
          file,
        ]);
        const response = await fetch(`${service.url}/v1/orders?provider=flexportal&limit=2`, {
          headers: { authorization: `Bearer ${E2E_KEYS.tenantA}` },
        });
        expect(response.status).toBe(200);
      } finally {
        await service.stop('SIGTERM');
      }
    }, 30_000);

    it('keeps the heap a user sized through NODE_OPTIONS, in the process it started in', async () => {
      const tenants = e2eTenants(sandbox.settings);
      const service = await startServiceProcess(['--tenants', writeTenantsFile(tenants.file)], {
        ...tenants.env,
        ORDERBRIDGE_CURSOR_SECRET: E2E_CURSOR_SECRET,
        NODE_OPTIONS: '--max-old-space-size=256',
      });
      try {
        const commandLine = commandLineOf(service.process.pid!);
        for (const flag of SERVICE_NODE_FLAGS) expect(commandLine).not.toContain(flag);
      } finally {
        await service.stop('SIGTERM');
      }
    }, 30_000);

    it('loads the server once: the process it restarts from loads none of the server, core or hono', async () => {
      const { log, env } = moduleLogging();
      const tenants = e2eTenants(sandbox.settings);
      const service = await startServiceProcess(['--tenants', writeTenantsFile(tenants.file)], {
        ...tenants.env,
        ORDERBRIDGE_CURSOR_SECRET: E2E_CURSOR_SECRET,
        ...env,
      });
      try {
        const loaded = modulesByImage(log);
        expect(loaded.first.some((url) => url.endsWith('/apps/service/dist/bin.js'))).toBe(true);
        expect(loaded.first.filter(isServerModule)).toEqual([]);
        expect(loaded.relaunched.filter((url) => url.endsWith('/dist/server.js'))).toHaveLength(1);
        expect(loaded.relaunched.some((url) => url.includes('/packages/core/'))).toBe(true);
      } finally {
        await service.stop('SIGTERM');
      }
    }, 30_000);
  },
);

describe('start-up footprint', () => {
  it.each([['--version'], ['--help'], ['new-key']])(
    '%s loads none of the server, core, zod or hono',
    async (command) => {
      const { log, env } = moduleLogging();
      const result = await runService([command], env);
      expect(result.code).toBe(0);
      const { first, relaunched } = modulesByImage(log);
      expect(first.some((url) => url.endsWith('/apps/service/dist/bin.js'))).toBe(true);
      expect(first.filter(isServerModule)).toEqual([]);
      expect(relaunched).toEqual([]);
    },
  );
});

describe('readiness', () => {
  it('is 503 naming the provider whose check fails, and the request fails without leaking its key', async () => {
    const canary = 'fp_canary_wrong_key_0f9e8d7c6b5a';
    const file = {
      tenants: [
        {
          id: 'broken',
          apiKeys: [
            { id: 'k', sha256: createHash('sha256').update(E2E_KEYS.tenantA).digest('hex') },
          ],
          providers: [
            {
              type: 'flexportal',
              apiKey: canary,
              tenantId: 'bu_sandbox_a',
              baseUrl: sandbox.settings.flexportal.baseUrl,
            },
          ],
        },
      ],
    };
    const service = await startServiceProcess(['--tenants', writeTenantsFile(file)], {
      ORDERBRIDGE_CURSOR_SECRET: E2E_CURSOR_SECRET,
      LOG_LEVEL: 'debug',
    });
    try {
      let body: Record<string, unknown> = {};
      for (let attempt = 0; attempt < 100; attempt++) {
        // The checks are for the tenant's keys only; without one /readyz says just ready or not.
        const response = await fetch(`${service.url}/readyz`, {
          headers: { authorization: `Bearer ${E2E_KEYS.tenantA}` },
        });
        body = (await response.json()) as Record<string, unknown>;
        const checks = body.checks as Array<{ status: string }>;
        if (checks.every((check) => check.status !== 'pending')) {
          expect(response.status).toBe(503);
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(body.type).toBe('https://orderbridge.dev/problems/not-ready');
      expect(body.checks).toEqual([
        expect.objectContaining({ tenant: 'broken', provider: 'flexportal', status: 'failed' }),
      ]);
      const failed = await fetch(`${service.url}/v1/orders`, {
        headers: { authorization: `Bearer ${E2E_KEYS.tenantA}` },
      });
      const problem = (await failed.json()) as Record<string, unknown>;
      expect(failed.status).toBe(502);
      expect(problem).toMatchObject({
        provider: 'flexportal',
        kind: 'authentication',
        providerStatus: 401,
      });
      const output = [
        ...service.stdout,
        ...service.stderr,
        JSON.stringify(body),
        JSON.stringify(problem),
      ].join('\n');
      expect(output).not.toContain(canary);
    } finally {
      await service.stop();
    }
  }, 30_000);
});

describe('configuration errors', () => {
  const validFile = () => e2eTenants(sandbox.settings);

  it('exits 2 naming the file and the key of an invalid tenants file', async () => {
    const { file } = validFile();
    const broken = structuredClone(file) as {
      tenants: Array<{ apiKeys: Array<{ sha256: string }> }>;
    };
    broken.tenants[1]!.apiKeys[0]!.sha256 = 'not-a-hash';
    const path = writeTenantsFile(broken);
    const result = await runService(['--tenants', path, '--port', '0'], {
      ORDERBRIDGE_CURSOR_SECRET: E2E_CURSOR_SECRET,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(path);
    expect(result.stderr).toContain('tenants[1].apiKeys[0].sha256');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 2 when the cursor secret is missing or short', async () => {
    const path = writeTenantsFile(validFile().file);
    const missing = await runService(['--tenants', path, '--port', '0']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('ORDERBRIDGE_CURSOR_SECRET');
    const short = await runService(['--port', '0'], {
      ORDERBRIDGE_TENANTS_FILE: path,
      ORDERBRIDGE_CURSOR_SECRET: 'too-short',
    });
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('at least 32 bytes');
  });

  it("exits 2 when a tenant's credential variable is unset, never falling back to the provider's own variable", async () => {
    const { file, env } = validFile();
    const result = await runService(['--tenants', writeTenantsFile(file), '--port', '0'], {
      ORDERBRIDGE_CURSOR_SECRET: E2E_CURSOR_SECRET,
      TENANT_A_FLEXFACTOR_SECRET: env.TENANT_A_FLEXFACTOR_SECRET,
      FLEXPORTAL_API_KEY: env.TENANT_A_FLEXPORTAL_KEY,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('tenant "tenant-a"');
    expect(result.stderr).toContain('TENANT_A_FLEXPORTAL_KEY');
    const withoutKey = structuredClone(file) as {
      tenants: Array<{ providers: Array<Record<string, unknown>> }>;
    };
    delete withoutKey.tenants[1]!.providers[0]!.apiKey;
    const fallback = await runService(['--tenants', writeTenantsFile(withoutKey), '--port', '0'], {
      ...env,
      ORDERBRIDGE_CURSOR_SECRET: E2E_CURSOR_SECRET,
      FLEXPORTAL_API_KEY: env.TENANT_A_FLEXPORTAL_KEY,
    });
    expect(fallback.code).toBe(2);
    expect(fallback.stderr).toContain('tenant "tenant-b"');
    expect(fallback.stderr).not.toContain(env.TENANT_A_FLEXPORTAL_KEY);
  });

  it('exits 2 for a bad PORT and an unknown option', async () => {
    const badPort = await runService([], { PORT: 'eighty' });
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toContain('PORT');
    const unknown = await runService(['--colour']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--colour');
  });
});

describe('key commands', () => {
  it('new-key prints a key and its hash; hash-key hashes stdin', async () => {
    const created = await runService(['new-key', '--json']);
    expect(created.code).toBe(0);
    const { key, sha256 } = JSON.parse(created.stdout) as { key: string; sha256: string };
    expect(key).toMatch(/^obk_[A-Za-z0-9_-]{43}$/);
    const hashed = await runService(['hash-key'], {}, `${key}\n`);
    expect(hashed.code).toBe(0);
    expect(hashed.stdout.trim()).toBe(sha256);
    expect(sha256).toBe(createHash('sha256').update(key).digest('hex'));
    expect((await runService(['hash-key'], {}, '')).code).toBe(2);
  });
});

describe('demo mode', () => {
  it('with no configuration runs the embedded sandbox, prints a demo key and the docs URL, and stops on SIGINT', async () => {
    const service = await startServiceProcess([], {});
    try {
      const banner = await waitForLine(service, 'stderr', (line) => line.includes('demo API key'));
      const key = /demo API key\s+(\S+)/.exec(banner)![1]!;
      await waitForLine(service, 'stderr', (line) => line.includes(`${service.url}/docs`));
      const response = await fetch(`${service.url}/v1/orders?limit=20`, {
        headers: { authorization: `Bearer ${key}` },
      });
      const body = (await response.json()) as { orders: Array<{ provider: string }> };
      expect(response.status).toBe(200);
      expect(body.orders).toHaveLength(20);
      const providers = (await (
        await fetch(`${service.url}/v1/providers`, { headers: { authorization: `Bearer ${key}` } })
      ).json()) as { providers: Array<{ id: string }> };
      expect(providers.providers.map((provider) => provider.id)).toEqual([
        'flexportal',
        'flexfactor',
      ]);
      expect(await service.stop('SIGINT')).toBe(0);
    } finally {
      await service.stop('SIGKILL');
    }
  }, 30_000);
});
