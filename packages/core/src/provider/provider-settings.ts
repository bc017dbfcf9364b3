import { z } from 'zod';
import type { RetrySettings, TransportHooks, TransportOptions } from '../transport/http-client.js';
import type { RateLimitSettings } from '../transport/rate-limiter.js';

/**
 * The settings every built-in provider factory accepts besides its credentials: the transport
 * (fetch, timeouts, retry, rate limit, hooks), the provider id and where environment fallbacks are
 * read from. A provider's own settings interface extends this one.
 */
export interface ProviderSettings {
  /** Custom `fetch` (tests, proxies). */
  fetch?: typeof globalThis.fetch | undefined;
  /** Timeout of one attempt in ms (default 30,000). */
  timeout?: number | undefined;
  /** Deadline of one call including retries and waits, in ms (default 120,000). */
  deadline?: number | undefined;
  /** Retry policy for network errors, 408, 429 and 5xx, or `false` for none. */
  retry?: RetrySettings | false | undefined;
  /** Client-side request budget, e.g. `{ requestsPerMinute: 100 }`. */
  rateLimit?: RateLimitSettings | undefined;
  /** Logging and metrics hooks (credentials are masked before hooks see a request). */
  hooks?: TransportHooks | undefined;
  /**
   * Provider id, the prefix of every order key (default: the provider's name, e.g. `flexportal`);
   * set it so two accounts of one provider can coexist.
   */
  id?: string | undefined;
  /**
   * Where the environment fallbacks are read from (default `process.env`). Pass `{}` to turn them
   * off, e.g. in a multi-tenant service where one tenant must never pick up another's credentials,
   * or when settings come from a configuration file.
   */
  env?: Readonly<Record<string, string | undefined>> | undefined;
}

const positiveMs = z.number().int('must be a whole number of ms').positive('must be positive');

/**
 * Zod validators of the `ProviderSettings` fields, to spread into a provider's settings schema
 * (`z.strictObject({ apiKey: ..., ...providerSettingsShape })`). Every field is optional.
 */
export const providerSettingsShape = {
  fetch: z.custom<typeof globalThis.fetch>((value) => typeof value === 'function').optional(),
  timeout: positiveMs.optional(),
  deadline: positiveMs.optional(),
  retry: z
    .union([
      z.literal(false),
      z.strictObject({
        maxRetries: z.number().int().nonnegative().optional(),
        baseDelayMs: z.number().nonnegative().optional(),
        maxDelayMs: z.number().nonnegative().optional(),
        maxRetryAfterMs: z.number().nonnegative().optional(),
      }),
    ])
    .optional(),
  rateLimit: z
    .strictObject({
      requestsPerMinute: z.number().int('must be a whole number').positive('must be at least 1'),
    })
    .optional(),
  hooks: z.record(z.string(), z.unknown()).optional(),
  id: z.string().optional(),
  // `process.env` is not a plain object, which z.record refuses: accept any object.
  env: z
    .custom<Readonly<Record<string, string | undefined>>>(
      (value) => typeof value === 'object' && value !== null,
      'must be an object of environment variables',
    )
    .optional(),
} satisfies Record<keyof ProviderSettings, z.ZodType>;

/**
 * The transport part of provider settings under the names `createHttpClient` takes (`timeout` →
 * `timeoutMs`, `deadline` → `deadlineMs`; the rest as is).
 */
export function toTransportOptions(settings: ProviderSettings): TransportOptions {
  return {
    fetch: settings.fetch,
    timeoutMs: settings.timeout,
    deadlineMs: settings.deadline,
    retry: settings.retry,
    rateLimit: settings.rateLimit,
    hooks: settings.hooks,
  };
}
