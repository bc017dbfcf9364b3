import { hasMarker } from './orderbridge-error.js';
import { ProviderApiError, type ProviderApiErrorOptions } from './provider-api-error.js';

const marker = Symbol.for('orderbridge.error.ProviderUnavailableError');

/** The provider failed or is unavailable (HTTP 5xx) after the retries were spent; trying again later may succeed. */
export class ProviderUnavailableError extends ProviderApiError {
  protected readonly [marker] = true;
  override readonly code: string = 'provider_unavailable';

  constructor(options: ProviderApiErrorOptions) {
    super({ ...options, kind: 'unavailable' });
    this.name = 'ProviderUnavailableError';
  }

  /** True for any `ProviderUnavailableError`, across package copies. */
  static override isInstance(error: unknown): error is ProviderUnavailableError {
    return hasMarker(error, marker);
  }
}
