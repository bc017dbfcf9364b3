import { hasMarker } from './orderbridge-error.js';
import { ProviderApiError, type ProviderApiErrorOptions } from './provider-api-error.js';

const marker = Symbol.for('orderbridge.error.ProviderUnavailableError');

/** The provider failed or is unavailable (HTTP 5xx) after the retries were spent; trying again later may succeed. */
export class ProviderUnavailableError extends ProviderApiError {
  protected readonly [marker] = true;
  override readonly code: string = 'provider_unavailable';
  /** How long the provider asked to wait (`Retry-After` on a 503), in milliseconds, when it said so. */
  readonly retryAfterMs: number | undefined;

  constructor(options: ProviderApiErrorOptions & { retryAfterMs?: number | undefined }) {
    super({ ...options, kind: 'unavailable' });
    this.name = 'ProviderUnavailableError';
    this.retryAfterMs = options.retryAfterMs;
  }

  /** True for any `ProviderUnavailableError`, across package copies. */
  static override isInstance(error: unknown): error is ProviderUnavailableError {
    return hasMarker(error, marker);
  }
}
