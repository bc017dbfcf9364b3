import { createHash } from 'node:crypto';
import type { SandboxConnectionSettings } from '@orderbridge/sandbox';

/** Obviously fake API keys of the end-to-end tenants. */
export const E2E_KEYS = {
  tenantA: 'obk_e2e_tenant_a_key_not_a_real_secret_000001',
  tenantB: 'obk_e2e_tenant_b_key_not_a_real_secret_000002',
} as const;

/** A fake cursor secret; also a canary that must never show up in a log line. */
export const E2E_CURSOR_SECRET = 'e2e-cursor-secret-canary-0123456789abcdef';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Tenant A: FlexPortal tenant `bu_sandbox_a` plus FlexFactor; tenant B: FlexPortal tenant
 * `bu_sandbox_b` only. A's FlexPortal key and FlexFactor secret come from the environment
 * (`{ "env": ... }`), the rest inline, so both forms are exercised.
 */
export function e2eTenants(settings: SandboxConnectionSettings) {
  const tenantOf = (id: string) => {
    const tenant = settings.flexportal.tenants.find((candidate) => candidate.tenantId === id);
    if (!tenant) throw new Error(`the sandbox has no FlexPortal tenant ${id}`);
    return tenant;
  };
  const a = tenantOf('bu_sandbox_a');
  const b = tenantOf('bu_sandbox_b');
  return {
    file: {
      tenants: [
        {
          id: 'tenant-a',
          apiKeys: [{ id: 'a-ci', sha256: sha256(E2E_KEYS.tenantA) }],
          providers: [
            {
              type: 'flexportal',
              apiKey: { env: 'TENANT_A_FLEXPORTAL_KEY' },
              tenantId: a.tenantId,
              baseUrl: settings.flexportal.baseUrl,
            },
            {
              type: 'flexfactor',
              appKey: settings.flexfactor.appKey,
              appSecret: { env: 'TENANT_A_FLEXFACTOR_SECRET' },
              baseUrl: settings.flexfactor.baseUrl,
            },
          ],
        },
        {
          id: 'tenant-b',
          apiKeys: [{ id: 'b-ci', sha256: sha256(E2E_KEYS.tenantB) }],
          providers: [
            {
              type: 'flexportal',
              apiKey: b.apiKey,
              tenantId: b.tenantId,
              baseUrl: settings.flexportal.baseUrl,
            },
          ],
        },
      ],
    },
    env: {
      TENANT_A_FLEXPORTAL_KEY: a.apiKey,
      TENANT_A_FLEXFACTOR_SECRET: settings.flexfactor.appSecret,
    },
    /** Secrets that must never appear in a log line. */
    canaries: [
      E2E_CURSOR_SECRET,
      E2E_KEYS.tenantA,
      E2E_KEYS.tenantB,
      a.apiKey,
      b.apiKey,
      settings.flexfactor.appSecret,
    ],
  };
}
