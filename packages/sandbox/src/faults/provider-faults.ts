import { z } from 'zod';

/** The two simulated providers. */
export type ProviderName = 'flexportal' | 'flexfactor';

/** The provider names, for validation and iteration. */
export const PROVIDER_NAMES: readonly ProviderName[] = ['flexportal', 'flexfactor'];

/**
 * Faults of one provider, switchable at start and at run time. `set` replaces the whole setting;
 * "next N" counters start over.
 */
export interface FaultSettings {
  /**
   * Response time of every request of the provider, in ms: the answer leaves no earlier than this
   * after the request arrived, and is built while the time runs (not added on top of that work).
   */
  latencyMs?: number;
  /** Extra random response time, uniform in [0, jitterMs], in ms. */
  jitterMs?: number;
  /** Sliding one-minute window; a request over the limit gets 429 with `Retry-After` (seconds). */
  rateLimit?: { requestsPerMinute: number };
  /**
   * The next `count` requests in scope answer `status` with the provider's documented error body
   * (429 and 503 carry `Retry-After` when `retryAfter` is given).
   */
  failNext?: { count: number; status: number; retryAfter?: string };
  /** The next N requests in scope: the socket is destroyed without a response. */
  resetNext?: number;
  /** The next N requests in scope: headers with the full Content-Length, half the body, then a reset. */
  truncateNext?: number;
  /** The next N requests in scope: 200 with a syntactically invalid JSON body. */
  malformedNext?: number;
  /** Which requests the "next N" faults hit: `data` (GET orders endpoints, default) or `all`. */
  scope?: 'data' | 'all';
}

/** zod schema of {@link FaultSettings}, used by the control endpoint and `faults.set`. */
export const faultSettingsSchema = z.strictObject({
  latencyMs: z.number().min(0).max(600_000).optional(),
  jitterMs: z.number().min(0).max(600_000).optional(),
  rateLimit: z.strictObject({ requestsPerMinute: z.int().min(1) }).optional(),
  failNext: z
    .strictObject({
      count: z.int().min(0),
      status: z.int().min(400).max(599),
      retryAfter: z.string().min(1).optional(),
    })
    .optional(),
  resetNext: z.int().min(0).optional(),
  truncateNext: z.int().min(0).optional(),
  malformedNext: z.int().min(0).optional(),
  scope: z.enum(['data', 'all']).optional(),
});

/** What to do to one request, decided before it is handled. */
export type InjectedFault =
  | { readonly kind: 'reset' }
  | { readonly kind: 'fail'; readonly status: number; readonly retryAfter?: string }
  | { readonly kind: 'truncate' }
  | { readonly kind: 'malformed' };

/**
 * Validates fault settings, with a message that names the offending field.
 * @throws TypeError when the settings are not valid
 */
export function parseFaultSettings(settings: unknown): FaultSettings {
  const parsed = faultSettingsSchema.safeParse(settings);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
      .join('; ');
    throw new TypeError(`Invalid fault settings: ${problems}`);
  }
  return parsed.data as FaultSettings;
}

/** Fault state of one provider: settings, remaining "next N" counts and the rate-limit window. */
export class ProviderFaults {
  private settings: FaultSettings = {};
  private failRemaining = 0;
  private resetRemaining = 0;
  private truncateRemaining = 0;
  private malformedRemaining = 0;
  private window: number[] = [];

  /**
   * Replaces the settings.
   * @throws TypeError when the settings are not valid
   */
  set(settings: FaultSettings): void {
    this.settings = parseFaultSettings(settings);
    this.failRemaining = this.settings.failNext?.count ?? 0;
    this.resetRemaining = this.settings.resetNext ?? 0;
    this.truncateRemaining = this.settings.truncateNext ?? 0;
    this.malformedRemaining = this.settings.malformedNext ?? 0;
    this.window = [];
  }

  /** Removes every fault. */
  clear(): void {
    this.set({});
  }

  /** The current settings with the remaining "next N" counts. */
  current(): FaultSettings {
    const result: FaultSettings = { ...this.settings };
    if (result.failNext) result.failNext = { ...result.failNext, count: this.failRemaining };
    if (result.resetNext !== undefined) result.resetNext = this.resetRemaining;
    if (result.truncateNext !== undefined) result.truncateNext = this.truncateRemaining;
    if (result.malformedNext !== undefined) result.malformedNext = this.malformedRemaining;
    return result;
  }

  /** The response time of this request, in ms (0 when no latency is set). */
  delayMs(): number {
    const fixed = this.settings.latencyMs ?? 0;
    const jitter = this.settings.jitterMs ?? 0;
    return fixed + (jitter > 0 ? Math.random() * jitter : 0);
  }

  /**
   * Counts the request against the rate limit; returns the `Retry-After` seconds when it is over
   * the limit (refused requests do not count).
   */
  overRateLimit(now = Date.now()): number | undefined {
    const limit = this.settings.rateLimit?.requestsPerMinute;
    if (limit === undefined) return undefined;
    const windowStart = now - 60_000;
    let expired = 0;
    while (expired < this.window.length && (this.window[expired] as number) <= windowStart)
      expired++;
    if (expired > 0) this.window.splice(0, expired);
    if (this.window.length >= limit) {
      const oldest = this.window[0] as number;
      return Math.max(1, Math.ceil((oldest + 60_000 - now) / 1000));
    }
    this.window.push(now);
    return undefined;
  }

  /**
   * Takes the next "next N" fault for a request, if any applies. Each request consumes at most
   * one, in the order reset, fail, truncate, malformed.
   */
  take(isDataRequest: boolean): InjectedFault | undefined {
    if (!isDataRequest && this.settings.scope !== 'all') return undefined;
    if (this.resetRemaining > 0) {
      this.resetRemaining--;
      return { kind: 'reset' };
    }
    const fail = this.settings.failNext;
    if (fail && this.failRemaining > 0) {
      this.failRemaining--;
      return {
        kind: 'fail',
        status: fail.status,
        ...(fail.retryAfter !== undefined ? { retryAfter: fail.retryAfter } : {}),
      };
    }
    if (this.truncateRemaining > 0) {
      this.truncateRemaining--;
      return { kind: 'truncate' };
    }
    if (this.malformedRemaining > 0) {
      this.malformedRemaining--;
      return { kind: 'malformed' };
    }
    return undefined;
  }
}
