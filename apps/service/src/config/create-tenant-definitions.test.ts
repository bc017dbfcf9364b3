import { parseTenants } from '@orderbridge/config';
import { ConfigurationError, redactSecrets } from '@orderbridge/core';
import { describe, expect, it } from 'vitest';
import { hashHookSecret } from '../hooks/hook-secret.js';
import { createTenantDefinitions } from './create-tenant-definitions.js';

/** Obviously fake values. */
const HOOK_SECRET = 'test_definitions_hook_secret_00000000000000';
const tenants = (secret: unknown) =>
  parseTenants(
    {
      tenants: [
        {
          id: 'acme',
          apiKeys: [{ id: 'k', sha256: 'a'.repeat(64) }],
          providers: [{ type: 'flexfactor', id: 'ff-eu', appKey: 'k', appSecret: 's' }],
          incomingWebhooks: { flexfactor: { secret } },
        },
      ],
    },
    'tenants.json',
  );

function configurationError(run: () => Promise<unknown>): Promise<ConfigurationError> {
  return run().then(
    () => {
      throw new Error('expected a ConfigurationError');
    },
    (error: unknown) => {
      expect(ConfigurationError.isInstance(error)).toBe(true);
      return error as ConfigurationError;
    },
  );
}

describe('createTenantDefinitions: incoming webhooks', () => {
  it('reads the secret from the environment, keeps only its hash and masks it in logs', async () => {
    const [definition] = await createTenantDefinitions(tenants({ env: 'ACME_HOOK' }), {
      env: { ACME_HOOK: HOOK_SECRET },
    });
    expect(definition?.incomingWebhooks).toEqual({
      flexfactor: { secretHash: hashHookSecret(HOOK_SECRET), provider: 'ff-eu' },
    });
    expect(JSON.stringify(definition?.incomingWebhooks)).not.toContain(HOOK_SECRET);
    expect(redactSecrets(`path /hooks/flexfactor/acme/${HOOK_SECRET}`)).not.toContain(HOOK_SECRET);
  });

  it('names the setting and the variable when the variable is unset', async () => {
    const error = await configurationError(() =>
      createTenantDefinitions(tenants({ env: 'ACME_HOOK_UNSET' }), { env: {} }),
    );
    expect(error.environmentVariable).toBe('ACME_HOOK_UNSET');
    expect(error.message).toContain('tenants.acme.incomingWebhooks.flexfactor.secret');
  });

  it('refuses a secret from the environment that is too short to be unguessable', async () => {
    const error = await configurationError(() =>
      createTenantDefinitions(tenants({ env: 'ACME_HOOK' }), { env: { ACME_HOOK: 'short' } }),
    );
    expect(error.message).toMatch(/must be 32-256 letters, digits/);
  });
});
