import { OrderBridgeError } from '@orderbridge/core';

const marker = Symbol.for('orderbridge.error.LeaseLostError');

/**
 * A worker's lease on a sync job is no longer current: it expired and another worker took the
 * job (a newer lease generation), so this worker's write was refused and rolled back. Not an
 * error of the job: the worker stops it and the lease holder carries on from the checkpoint.
 */
export class LeaseLostError extends OrderBridgeError {
  protected readonly [marker] = true;
  override readonly code: string = 'lease_lost';

  constructor(options: { message: string }) {
    super({ ...options, isRetryable: false });
    this.name = 'LeaseLostError';
  }

  /** True for any `LeaseLostError`, across package copies. */
  static override isInstance(error: unknown): error is LeaseLostError {
    return typeof error === 'object' && error !== null && marker in error;
  }
}
