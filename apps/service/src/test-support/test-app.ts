import type { OrderProvider } from '@orderbridge/core';
import { type AppOptions, createApp } from '../app.js';
import { hashApiKey } from '../auth/api-key.js';
import { createTestProvider, makeOrders } from './test-provider.js';

/** Obviously fake keys for the test tenants. */
export const KEYS = {
  acme: 'obk_test_acme_key_0000000000000000000000000',
  globex: 'obk_test_globex_key_000000000000000000000000',
  limited: 'obk_test_limited_key_00000000000000000000000',
} as const;

/** A fake 32-byte cursor secret. */
export const CURSOR_SECRET = 'test-cursor-secret-0123456789abcdef';

/** Builds an app with three tenants: acme (alpha + beta), globex (alpha, other data), limited. */
export function createTestApp(
  overrides: Partial<AppOptions> & {
    acmeProviders?: OrderProvider[];
    limitedRequestsPerMinute?: number;
    /** Requests per minute of acme's key (default: the service default). */
    acmeRequestsPerMinute?: number;
  } = {},
) {
  const acmeProviders = overrides.acmeProviders ?? [
    createTestProvider('alpha', makeOrders('alpha', 23)),
    createTestProvider('beta', makeOrders('beta', 17)),
  ];
  const globexProviders = [createTestProvider('alpha', makeOrders('alpha', 40).slice(30))];
  const app = createApp({
    cursorSecret: CURSOR_SECRET,
    ...overrides,
    tenants: overrides.tenants ?? [
      {
        id: 'acme',
        apiKeys: [{ id: 'acme-ci', sha256: hashApiKey(KEYS.acme) }],
        providers: acmeProviders,
        ...(overrides.acmeRequestsPerMinute !== undefined
          ? { rateLimit: { requestsPerMinute: overrides.acmeRequestsPerMinute } }
          : {}),
      },
      {
        id: 'globex',
        apiKeys: [{ id: 'globex-ci', sha256: hashApiKey(KEYS.globex) }],
        providers: globexProviders,
      },
      {
        id: 'limited',
        apiKeys: [{ id: 'limited-ci', sha256: hashApiKey(KEYS.limited) }],
        providers: [createTestProvider('alpha', makeOrders('alpha', 3))],
        rateLimit: { requestsPerMinute: overrides.limitedRequestsPerMinute ?? 2 },
      },
    ],
  });
  /** GET with a tenant's key (acme by default); `null` sends no Authorization header. */
  const get = async (
    path: string,
    key: string | null = KEYS.acme,
    headers: Record<string, string> = {},
  ): Promise<Response> =>
    app.request(path, { headers: key ? { authorization: `Bearer ${key}`, ...headers } : headers });
  return { app, get, acmeProviders };
}
