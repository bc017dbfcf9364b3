import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { SandboxConnectionSettings } from '@orderbridge/sandbox';

/** A fresh random API key for the bench tenant (only its hash is ever written). */
export function newBenchApiKey(): string {
  return `obk_bench_${randomBytes(24).toString('hex')}`;
}

/** Which of the sandbox's providers the bench tenant reads. */
export type BenchProvider = 'flexportal' | 'flexfactor';

/**
 * Writes a tenants file with one tenant `bench` whose one key is `apiKey`, reading the sandbox's
 * `providers`. Its per-key limit is out of the way (1,000,000/min): the service's default limit must
 * not shape a measured load. `extra` adds tenant settings (`storeScope`, `source`).
 */
export function writeBenchTenantsFile(
  path: string,
  options: {
    apiKey: string;
    sandbox: SandboxConnectionSettings;
    providers: readonly BenchProvider[];
    extra?: Record<string, unknown>;
  },
): void {
  const { flexportal, flexfactor } = options.sandbox;
  const entries = {
    flexportal: {
      type: 'flexportal',
      apiKey: flexportal.apiKey,
      tenantId: flexportal.tenantId,
      baseUrl: flexportal.baseUrl,
    },
    flexfactor: {
      type: 'flexfactor',
      appKey: flexfactor.appKey,
      appSecret: flexfactor.appSecret,
      baseUrl: flexfactor.baseUrl,
    },
  };
  const tenant = {
    id: 'bench',
    ...options.extra,
    apiKeys: [{ id: 'bench', sha256: createHash('sha256').update(options.apiKey).digest('hex') }],
    providers: options.providers.map((provider) => entries[provider]),
    rateLimit: { requestsPerMinute: 1_000_000 },
  };
  writeFileSync(path, JSON.stringify({ tenants: [tenant] }));
}
