import { hasMarker } from './orderbridge-error.js';
import { ProviderApiError, type ProviderApiErrorOptions } from './provider-api-error.js';

const marker = Symbol.for('orderbridge.error.PermissionError');

/** The credentials are valid but may not do this (HTTP 403), e.g. a key used with a tenant it does not belong to. */
export class PermissionError extends ProviderApiError {
  protected readonly [marker] = true;
  override readonly code: string = 'permission_denied';

  constructor(options: ProviderApiErrorOptions) {
    super({ ...options, kind: 'permission' });
    this.name = 'PermissionError';
  }

  /** True for any `PermissionError`, across package copies. */
  static override isInstance(error: unknown): error is PermissionError {
    return hasMarker(error, marker);
  }
}
