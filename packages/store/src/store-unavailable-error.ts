import { OrderBridgeError } from '@orderbridge/core';

const marker = Symbol.for('orderbridge.error.StoreUnavailableError');

/**
 * The store could not be opened: the database server refused or dropped the connection, the
 * SQLite file cannot be created or is locked, or a migration failed. The message names the store
 * by its URL with any password masked. Retryable: the same call may succeed once the database is
 * reachable again.
 */
export class StoreUnavailableError extends OrderBridgeError {
  protected readonly [marker] = true;
  override readonly code: string = 'store_unavailable';

  constructor(options: { message: string; cause?: unknown }) {
    super({ ...options, isRetryable: true });
    this.name = 'StoreUnavailableError';
  }

  /** True for any `StoreUnavailableError`, across package copies. */
  static override isInstance(error: unknown): error is StoreUnavailableError {
    return typeof error === 'object' && error !== null && marker in error;
  }
}
