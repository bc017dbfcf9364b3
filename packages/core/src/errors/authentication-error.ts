import { hasMarker } from './orderbridge-error.js';
import { ProviderApiError, type ProviderApiErrorOptions } from './provider-api-error.js';

const marker = Symbol.for('orderbridge.error.AuthenticationError');

/** The provider rejected the credentials (HTTP 401, or bad app key/secret at a token endpoint). Not retryable: fix the credentials. */
export class AuthenticationError extends ProviderApiError {
  protected readonly [marker] = true;
  override readonly code: string = 'authentication_failed';

  constructor(options: ProviderApiErrorOptions) {
    super({ ...options, kind: 'authentication' });
    this.name = 'AuthenticationError';
  }

  /** True for any `AuthenticationError`, across package copies. */
  static override isInstance(error: unknown): error is AuthenticationError {
    return hasMarker(error, marker);
  }
}
