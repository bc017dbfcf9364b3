import { providerIdSchema } from '@orderbridge/core';
import { FLEXFACTOR_ENVIRONMENTS } from '@orderbridge/flexfactor';
import { z } from 'zod';

/** A secret written inline, or a reference to the environment variable that holds it. */
export const secretValueSchema = z.union(
  [
    z.string().min(1, 'must not be empty'),
    z.strictObject({
      env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name'),
    }),
  ],
  { error: 'must be a string or { "env": "VARIABLE_NAME" }' },
);
/** A secret written inline, or `{ env: "NAME" }`. */
export type SecretValue = z.infer<typeof secretValueSchema>;

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' });
const rateLimit = z.strictObject({
  requestsPerMinute: z.number().int('must be a whole number').positive('must be positive'),
});
const timeout = z.number().int('must be whole milliseconds').positive('must be positive');

/** A FlexPortal account. Unset secrets fall back to FLEXPORTAL_API_KEY / FLEXPORTAL_TENANT_ID. */
export const flexPortalEntrySchema = z.strictObject({
  type: z.literal('flexportal'),
  /** Provider id (default `flexportal`); give each account its own when several coexist. */
  id: providerIdSchema.optional(),
  apiKey: secretValueSchema.optional(),
  tenantId: secretValueSchema.optional(),
  region: z
    .enum(['eu', 'us', 'qatar', 'test'], { error: 'must be eu, us, qatar or test' })
    .optional(),
  baseUrl: httpUrl.optional(),
  rateLimit: rateLimit.optional(),
  timeout: timeout.optional(),
});

/** A FlexFactor account. Unset secrets fall back to FLEXFACTOR_APP_KEY / FLEXFACTOR_APP_SECRET. */
export const flexFactorEntrySchema = z.strictObject({
  type: z.literal('flexfactor'),
  /** Provider id (default `flexfactor`). */
  id: providerIdSchema.optional(),
  appKey: secretValueSchema.optional(),
  appSecret: secretValueSchema.optional(),
  /** FlexFactor host family and environment (see `FLEXFACTOR_BASE_URLS`). */
  environment: z
    .enum(FLEXFACTOR_ENVIRONMENTS, {
      error: `must be one of ${FLEXFACTOR_ENVIRONMENTS.join(', ')}`,
    })
    .optional(),
  baseUrl: httpUrl.optional(),
  rateLimit: rateLimit.optional(),
  timeout: timeout.optional(),
  pageSize: z.number().int().positive().optional(),
});

/**
 * A provider of your own: a module (path relative to the configuration file, or a package name)
 * whose default export (or `createProvider` export) is a factory `(settings) => OrderProvider`.
 */
export const moduleEntrySchema = z.strictObject({
  type: z.literal('module'),
  /** Provider id; required, since there is no default. */
  id: providerIdSchema,
  module: z.string().min(1, 'must name a module path or package'),
  /** Passed to the factory as is; `{ "env": "NAME" }` values are resolved first. */
  settings: z.record(z.string(), z.unknown()).optional(),
});

/** One configured provider. */
export const providerEntrySchema = z.discriminatedUnion(
  'type',
  [flexPortalEntrySchema, flexFactorEntrySchema, moduleEntrySchema],
  {
    error: (issue) =>
      issue.code === 'invalid_union'
        ? 'must have "type": "flexportal", "flexfactor" or "module"'
        : undefined,
  },
);

/** One configured provider. */
export type ProviderEntry = z.infer<typeof providerEntrySchema>;
/** A configured FlexPortal account. */
export type FlexPortalEntry = z.infer<typeof flexPortalEntrySchema>;
/** A configured FlexFactor account. */
export type FlexFactorEntry = z.infer<typeof flexFactorEntrySchema>;
/** A configured custom provider module. */
export type ModuleEntry = z.infer<typeof moduleEntrySchema>;

/** The id a configured provider will have. */
export function entryId(entry: ProviderEntry): string {
  return entry.id ?? entry.type;
}
