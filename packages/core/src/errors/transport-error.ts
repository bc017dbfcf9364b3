import { hasMarker, OrderBridgeError } from './orderbridge-error.js';

const marker = Symbol.for('orderbridge.error.TransportError');

/**
 * The request did not get a usable HTTP response: connection refused or reset, DNS failure, a
 * body cut off mid-way. Retryable; the transport has already retried idempotent requests.
 */
export class TransportError extends OrderBridgeError {
  protected readonly [marker] = true;
  override readonly code: string = 'transport_failed';
  declare readonly provider: string;
  /** Method and URL path of the failed request (no query string, no credentials). */
  readonly request: string | undefined;

  constructor(options: {
    message: string;
    provider: string;
    request?: string | undefined;
    isRetryable?: boolean;
    cause?: unknown;
  }) {
    super({ ...options, isRetryable: options.isRetryable ?? true });
    this.name = 'TransportError';
    this.request = options.request;
  }

  /** True for any `TransportError` (including `TimeoutError`), across package copies. */
  static override isInstance(error: unknown): error is TransportError {
    return hasMarker(error, marker);
  }
}
