import { createHash } from 'node:crypto';
import { ConfigurationError } from '@orderbridge/core';
import { describe, expect, it } from 'vitest';
import { parseTenants } from './tenants-file.js';

const hashApiKey = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex');

const provider = { type: 'flexportal', apiKey: { env: 'ACME_FP_KEY' }, tenantId: 'bu_1' };
const tenant = (id: string, key: string) => ({
  id,
  apiKeys: [{ id: 'k', sha256: hashApiKey(key) }],
  providers: [provider],
});

function message(value: unknown): string {
  try {
    parseTenants(value, 'tenants.json');
  } catch (error) {
    expect(ConfigurationError.isInstance(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigurationError');
}

describe('parseTenants', () => {
  it('accepts tenants with hashed keys, providers and limits', () => {
    const tenants = parseTenants(
      { tenants: [{ ...tenant('acme', 'a'), rateLimit: { requestsPerMinute: 60 }, redact: true }] },
      'tenants.json',
    );
    expect(tenants[0]).toMatchObject({
      id: 'acme',
      rateLimit: { requestsPerMinute: 60 },
      redact: true,
    });
  });

  it('reads a default source of live or store, and refuses any other', () => {
    const tenants = parseTenants(
      { tenants: [{ ...tenant('acme', 'a'), source: 'store' }, tenant('globex', 'b')] },
      'tenants.json',
    );
    expect(tenants.map((entry) => entry.source)).toEqual(['store', undefined]);
    expect(message({ tenants: [{ ...tenant('acme', 'a'), source: 'disk' }] })).toContain(
      'tenants[0].source: must be "live" or "store"',
    );
  });

  it('names the file and each bad key', () => {
    const text = message({
      tenants: [
        { ...tenant('Acme', 'a'), apiKeys: [{ id: 'k', sha256: 'plain-text-key' }], extra: 1 },
        { ...tenant('globex', 'b'), providers: [] },
      ],
    });
    expect(text).toContain('tenants.json');
    expect(text).toContain('tenants[0].id');
    expect(text).toContain('tenants[0].apiKeys[0].sha256');
    expect(text).toContain('"extra"');
    expect(text).toContain('tenants[1].providers: must list at least one provider');
  });

  it('refuses repeated tenant ids and a key shared by two tenants', () => {
    expect(message({ tenants: [tenant('acme', 'a'), tenant('acme', 'b')] })).toContain(
      'repeats the tenant id "acme"',
    );
    expect(message({ tenants: [tenant('acme', 'same'), tenant('globex', 'same')] })).toContain(
      'a key belongs to exactly one tenant',
    );
  });

  it('refuses a base URL that is not http(s)', () => {
    const text = message({
      tenants: [
        { ...tenant('acme', 'a'), providers: [{ ...provider, baseUrl: 'file:///etc/passwd' }] },
      ],
    });
    expect(text).toContain('tenants[0].providers[0].baseUrl');
  });

  describe('incomingWebhooks.flexfactor', () => {
    const flexfactor = { type: 'flexfactor', appKey: 'k', appSecret: { env: 'FF_SECRET' } };
    const withHook = (providers: unknown[], hook: Record<string, unknown>) => ({
      tenants: [{ ...tenant('acme', 'a'), providers, incomingWebhooks: { flexfactor: hook } }],
    });

    it('accepts a secret reference, and finds the one FlexFactor provider by itself', () => {
      const [parsed] = parseTenants(
        withHook([provider, flexfactor], { secret: { env: 'ACME_HOOK_SECRET' } }),
        'tenants.json',
      );
      expect(parsed?.incomingWebhooks?.flexfactor).toEqual({ secret: { env: 'ACME_HOOK_SECRET' } });
    });

    it('refuses a short inline secret, and a tenant without exactly one FlexFactor provider', () => {
      expect(message(withHook([flexfactor], { secret: 'short' }))).toMatch(
        /incomingWebhooks\.flexfactor\.secret: must be 32-256 letters/,
      );
      expect(message(withHook([provider], { secret: { env: 'S' } }))).toMatch(
        /has no FlexFactor provider to refresh/,
      );
      expect(
        message(withHook([flexfactor, { ...flexfactor, id: 'ff-eu' }], { secret: { env: 'S' } })),
      ).toMatch(/several FlexFactor providers \(flexfactor, ff-eu\); say which one/);
      expect(
        message(withHook([flexfactor], { secret: { env: 'S' }, provider: 'flexportal' })),
      ).toMatch(/names "flexportal", which is not a FlexFactor provider/);
    });
  });
});
