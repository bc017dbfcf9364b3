import { redactSecrets } from './redact.js';

const baseMarker = Symbol.for('orderbridge.error');

/** Fields every OrderBridge error accepts. */
export interface OrderBridgeErrorOptions {
  /** Human-readable message: what happened and what to do. Secrets must not be in it. */
  message: string;
  /** Provider id the error belongs to, when one is involved (e.g. `flexportal`). */
  provider?: string | undefined;
  /** Whether repeating the same call may succeed. */
  isRetryable?: boolean | undefined;
  /** The underlying error; it is sanitised (no request objects, headers or bodies are kept). */
  cause?: unknown;
}

/**
 * Base class of every error OrderBridge throws. Use the static `isInstance` checks rather than
 * `instanceof`: they work across duplicate installs of the package.
 */
export class OrderBridgeError extends Error {
  protected readonly [baseMarker] = true;
  /** Stable machine-readable kind, e.g. `not_found`, `rate_limited`. */
  readonly code: string = 'orderbridge_error';
  /** Provider id the error belongs to, if any. */
  readonly provider: string | undefined;
  /** Whether repeating the same call may succeed. */
  readonly isRetryable: boolean;

  constructor(options: OrderBridgeErrorOptions) {
    super(redactSecrets(options.message), { cause: sanitizeCause(options.cause) });
    this.name = 'OrderBridgeError';
    this.provider = options.provider;
    this.isRetryable = options.isRetryable ?? false;
  }

  /** True for any OrderBridge error, even one created by another copy of this package. */
  static isInstance(error: unknown): error is OrderBridgeError {
    return hasMarker(error, baseMarker);
  }

  /** A plain, secret-free representation for logs and API responses. */
  toJSON(): Record<string, unknown> {
    const json: Record<string, unknown> = {
      name: this.name,
      code: this.code,
      message: this.message,
    };
    for (const [key, value] of Object.entries(this)) {
      if (value !== undefined && typeof value !== 'function') json[key] = value;
    }
    if (this.cause !== undefined) json.cause = this.cause;
    return json;
  }
}

/** True when `error` carries the marker symbol (works across package copies). */
export function hasMarker(error: unknown, marker: symbol): boolean {
  return typeof error === 'object' && error !== null && marker in error;
}

/**
 * Keeps only what is safe from an underlying error: its name, message (redacted), and system code.
 * HTTP library errors carry the request (with `Authorization`) and must never be stored whole.
 */
export function sanitizeCause(cause: unknown): unknown {
  if (cause === undefined || cause === null) return undefined;
  if (OrderBridgeError.isInstance(cause)) return cause;
  if (cause instanceof Error) {
    const safe: { name: string; message: string; code?: string; cause?: unknown } = {
      name: cause.name,
      message: redactSecrets(cause.message),
    };
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string') safe.code = code;
    const inner = sanitizeCause(cause.cause);
    if (inner !== undefined) safe.cause = inner;
    return safe;
  }
  if (typeof cause === 'string') return redactSecrets(cause);
  return undefined;
}
