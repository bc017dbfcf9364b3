import { hasMarker } from './orderbridge-error.js';
import { TransportError } from './transport-error.js';

const marker = Symbol.for('orderbridge.error.TimeoutError');

/** A request attempt, or the whole call including retries, ran past its time limit. */
export class TimeoutError extends TransportError {
  protected readonly [marker] = true;
  override readonly code: string = 'timeout';
  /** The limit that was hit, in milliseconds. */
  readonly timeoutMs: number;
  /** Which limit: one attempt (`attempt`) or the whole call with retries (`deadline`). */
  readonly scope: 'attempt' | 'deadline';

  constructor(options: {
    message: string;
    provider: string;
    request?: string | undefined;
    timeoutMs: number;
    scope: 'attempt' | 'deadline';
    cause?: unknown;
  }) {
    super({ ...options, isRetryable: true });
    this.name = 'TimeoutError';
    this.timeoutMs = options.timeoutMs;
    this.scope = options.scope;
  }

  /** True for any `TimeoutError`, across package copies. */
  static override isInstance(error: unknown): error is TimeoutError {
    return hasMarker(error, marker);
  }
}
