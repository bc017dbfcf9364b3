import { hasMarker } from './orderbridge-error.js';
import { ProviderApiError, type ProviderApiErrorOptions } from './provider-api-error.js';

const marker = Symbol.for('orderbridge.error.NotFoundError');

/** The requested order (or resource) does not exist at the provider (HTTP 404). */
export class NotFoundError extends ProviderApiError {
  protected readonly [marker] = true;
  override readonly code: string = 'not_found';

  constructor(options: ProviderApiErrorOptions) {
    super({ ...options, kind: 'not_found' });
    this.name = 'NotFoundError';
  }

  /** True for any `NotFoundError`, across package copies. */
  static override isInstance(error: unknown): error is NotFoundError {
    return hasMarker(error, marker);
  }
}
