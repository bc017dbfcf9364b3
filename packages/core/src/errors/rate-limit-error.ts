import { hasMarker } from './orderbridge-error.js';
import { ProviderApiError, type ProviderApiErrorOptions } from './provider-api-error.js';

const marker = Symbol.for('orderbridge.error.RateLimitError');

/**
 * The provider rate-limited the request (HTTP 429) and the retries were spent, or it asked to
 * wait longer than the configured maximum. `retryAfterMs` says when to try again, if known.
 */
export class RateLimitError extends ProviderApiError {
  protected readonly [marker] = true;
  override readonly code: string = 'rate_limited';
  /** How long the provider asked to wait, in milliseconds, when it said so. */
  readonly retryAfterMs: number | undefined;

  constructor(options: ProviderApiErrorOptions & { retryAfterMs?: number | undefined }) {
    super({ ...options, kind: 'rate_limited' });
    this.name = 'RateLimitError';
    this.retryAfterMs = options.retryAfterMs;
  }

  /** True for any `RateLimitError`, across package copies. */
  static override isInstance(error: unknown): error is RateLimitError {
    return hasMarker(error, marker);
  }
}
