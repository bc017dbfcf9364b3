import { providerIdSchema } from '@orderbridge/core';
import { z } from 'zod';
import { loadConfigFile, parseConfig, providersConfigSchema } from './config-file.js';
import { entryId, secretValueSchema } from './provider-entry.js';

/** An API key entry: a name and the SHA-256 of the key (never the key). */
export const apiKeyEntrySchema = z.strictObject({
  /** A name for the key, logged instead of the key (`ci`, `dashboard`). */
  id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 letters, digits, ".", "_" or "-"'),
  /** Lower-case hex SHA-256 of the key, from `orderbridge-service hash-key` or `new-key`. */
  sha256: z
    .string()
    .regex(
      /^[0-9a-f]{64}$/,
      'must be the 64 lower-case hex digits of the SHA-256 of the key (run "orderbridge-service hash-key")',
    ),
});

/**
 * The tenant's incoming FlexFactor webhooks (`POST /hooks/flexfactor/{tenant id}/{secret}`):
 * the secret in that URL, and which of the tenant's FlexFactor providers the orders belong to.
 */
export const incomingFlexFactorWebhookSchema = z.strictObject({
  /**
   * The URL's secret path segment, inline or as `{ "env": "NAME" }`: at least 32 characters of
   * letters, digits, `-` and `_` (`openssl rand -hex 32` gives 64), so it is unguessable and
   * needs no escaping in a URL.
   */
  secret: secretValueSchema.refine(
    (value) => typeof value !== 'string' || /^[A-Za-z0-9_-]{32,256}$/.test(value),
    'must be 32-256 letters, digits, "-" or "_" (e.g. `openssl rand -hex 32`)',
  ),
  /** The id of the tenant's FlexFactor provider; needed only when it has more than one. */
  provider: providerIdSchema.optional(),
});

/** One tenant: its keys, its providers (with its own credentials) and limits. */
export const tenantEntrySchema = z.strictObject({
  /** Tenant id (lower-case letters, digits, "-", "_"); appears in logs and metrics. */
  id: providerIdSchema,
  /** The tenant's API keys as hashes; at least one. */
  apiKeys: z.array(apiKeyEntrySchema).min(1, 'must list at least one key'),
  /** The tenant's providers; secrets inline or as `{ "env": "NAME" }`. */
  providers: providersConfigSchema.shape.providers.refine(
    (entries) => entries.length > 0,
    'must list at least one provider',
  ),
  /** Requests per minute each key may make (default 600). */
  rateLimit: z
    .strictObject({
      requestsPerMinute: z
        .number()
        .int('must be a whole number')
        .min(1, 'must be at least 1')
        .max(1_000_000, 'must be at most 1000000'),
    })
    .optional(),
  /** Mask customer emails and payment instrument tokens in this tenant's responses. */
  redact: z.boolean().optional(),
  /**
   * The order store scope this tenant's reports read (default: its id). `orderbridge sync` writes
   * the scope `default`, so a deployment whose one tenant reads what the CLI synced says `default`.
   */
  storeScope: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 letters, digits, ".", "_" or "-"')
    .optional(),
  /** Webhooks the tenant's providers send to the service (FlexFactor's order events). */
  incomingWebhooks: z
    .strictObject({ flexfactor: incomingFlexFactorWebhookSchema.optional() })
    .optional(),
  /**
   * Where this tenant's `GET /v1/orders` reads when a request does not say `source`: `live` (the
   * providers' APIs) or `store` (the order store, as fresh as the last sync). Default: the
   * service's `ORDERBRIDGE_DEFAULT_SOURCE`, else `live`.
   */
  source: z.enum(['live', 'store'], { error: 'must be "live" or "store"' }).optional(),
});

/** The tenants file. */
export const tenantsFileSchema = z
  .strictObject({
    /** Optional JSON schema reference for editors. */
    $schema: z.string().optional(),
    tenants: z.array(tenantEntrySchema).min(1, 'must list at least one tenant'),
  })
  .superRefine((file, context) => {
    const tenantIds = new Map<string, number>();
    const hashes = new Map<string, string>();
    file.tenants.forEach((tenant, tenantIndex) => {
      const first = tenantIds.get(tenant.id);
      if (first !== undefined) {
        context.addIssue({
          code: 'custom',
          path: ['tenants', tenantIndex, 'id'],
          message: `repeats the tenant id "${tenant.id}" of tenants[${first}]`,
        });
      }
      tenantIds.set(tenant.id, tenantIndex);
      const hook = tenant.incomingWebhooks?.flexfactor;
      if (hook !== undefined) {
        const flexFactorIds = tenant.providers
          .filter((entry) => entry.type === 'flexfactor')
          .map((entry) => entryId(entry));
        const problem =
          hook.provider !== undefined
            ? flexFactorIds.includes(hook.provider)
              ? undefined
              : `names "${hook.provider}", which is not a FlexFactor provider of tenant "${tenant.id}" (its FlexFactor providers: ${flexFactorIds.join(', ') || 'none'})`
            : flexFactorIds.length === 1
              ? undefined
              : flexFactorIds.length === 0
                ? `tenant "${tenant.id}" has no FlexFactor provider to refresh`
                : `tenant "${tenant.id}" has several FlexFactor providers (${flexFactorIds.join(', ')}); say which one with "provider"`;
        if (problem !== undefined) {
          context.addIssue({
            code: 'custom',
            path: ['tenants', tenantIndex, 'incomingWebhooks', 'flexfactor', 'provider'],
            message: problem,
          });
        }
      }
      const keyIds = new Set<string>();
      tenant.apiKeys.forEach((key, keyIndex) => {
        if (keyIds.has(key.id)) {
          context.addIssue({
            code: 'custom',
            path: ['tenants', tenantIndex, 'apiKeys', keyIndex, 'id'],
            message: `repeats the key id "${key.id}" within tenant "${tenant.id}"`,
          });
        }
        keyIds.add(key.id);
        const owner = hashes.get(key.sha256);
        if (owner !== undefined) {
          context.addIssue({
            code: 'custom',
            path: ['tenants', tenantIndex, 'apiKeys', keyIndex, 'sha256'],
            message: `is the same key as one of ${owner}: a key belongs to exactly one tenant`,
          });
        }
        hashes.set(key.sha256, `tenant "${tenant.id}"`);
      });
    });
  });

/** The tenants file, validated. */
export type TenantsFile = z.output<typeof tenantsFileSchema>;
/** One tenant of the tenants file. */
export type TenantEntry = z.output<typeof tenantEntrySchema>;

/**
 * Reads and validates a tenants file.
 * @throws ConfigurationError naming the file and each bad key (`tenants[0].apiKeys[1].sha256: ...`).
 */
export async function loadTenantsFile(
  path: string,
): Promise<{ path: string; baseDir: string; tenants: TenantEntry[] }> {
  const loaded = await loadConfigFile(path, tenantsFileSchema);
  return { path: loaded.path, baseDir: loaded.baseDir, tenants: loaded.config.tenants };
}

/**
 * Validates tenants given as data (the embedded demo builds its tenant in memory).
 * @throws ConfigurationError naming each bad key.
 */
export function parseTenants(value: unknown, source: string): TenantEntry[] {
  return parseConfig(tenantsFileSchema, value, source).tenants;
}
