import {
  ConfigurationError,
  formatPath,
  type OrderProvider,
  type TransportOptions,
} from '@orderbridge/core';
import { z } from 'zod';
import { createAcmeOrders } from './acme-provider.js';

/** The settings a configuration file can give Acme (`providers[].settings`), validated strictly. */
export const acmeSettingsSchema = z.strictObject({
  /** Provider id; the apps pass the entry's id. */
  id: z.string().optional(),
  /** API key (the apps resolve `{ "env": "NAME" }` references first); else ACME_API_KEY. */
  apiKey: z.string().min(1, 'must not be empty').optional(),
  baseUrl: z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' }).optional(),
  timeoutMs: z.number().int().positive().optional(),
});

/**
 * Transport options the apps add to the settings (hooks, fetch, retry); passed through untouched.
 * `timeoutMs` is also a JSON setting, so it is validated with the others.
 */
const TRANSPORT_KEYS: readonly string[] = ['fetch', 'deadlineMs', 'retry', 'rateLimit', 'hooks'];

/**
 * The module entry point the CLI and the service load for a `{ "type": "module" }` provider entry:
 * validates the JSON settings, then builds the provider.
 * @throws ConfigurationError naming the bad setting (`settings.baseUrl: must be an absolute http(s) URL`).
 */
export function createProvider(settings: Record<string, unknown> = {}): OrderProvider {
  const transport: TransportOptions = {};
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(settings)) {
    if (TRANSPORT_KEYS.includes(key)) {
      (transport as Record<string, unknown>)[key] = value;
    } else {
      rest[key] = value;
    }
  }
  const parsed = acmeSettingsSchema.safeParse(rest);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key =
      issue?.code === 'unrecognized_keys' ? issue.keys.join(', ') : formatPath(issue?.path ?? []);
    throw new ConfigurationError({
      provider: typeof rest.id === 'string' ? rest.id : 'acme',
      setting: `settings.${key}`,
      message: `Acme setting settings.${key}: ${issue?.code === 'unrecognized_keys' ? 'is not an Acme setting' : issue?.message}`,
    });
  }
  return createAcmeOrders({ ...transport, ...parsed.data });
}

export default createProvider;
