import { hasMarker, OrderBridgeError } from './orderbridge-error.js';

const marker = Symbol.for('orderbridge.error.ProviderApiError');

/** What kind of failure a provider's API reported. */
export type ProviderApiErrorKind =
  | 'authentication'
  | 'permission'
  | 'not_found'
  | 'rate_limited'
  | 'unavailable'
  | 'bad_request'
  | 'conflict'
  | 'server'
  | 'unknown';

/** Options of `ProviderApiError` and its subclasses. */
export interface ProviderApiErrorOptions {
  /** Human-readable message; include the provider's own message where it helps. */
  message: string;
  /** Provider id, e.g. `flexfactor`. */
  provider: string;
  /** HTTP status of the provider's response, if there was one. */
  status?: number | undefined;
  /** The provider's request or trace id, for support tickets. */
  requestId?: string | undefined;
  /** The provider's own error code (e.g. `NO_TENANT_ACCESS`), kept verbatim. */
  providerCode?: string | undefined;
  /** Field-level details the provider sent, e.g. `[{ path, message }]`. */
  details?: ReadonlyArray<{ path?: string; message: string; code?: string }> | undefined;
  /** Overrides the kind's default retryability. */
  isRetryable?: boolean | undefined;
  /** The underlying error (sanitised). */
  cause?: unknown;
}

const retryableKinds: ReadonlySet<ProviderApiErrorKind> = new Set([
  'rate_limited',
  'unavailable',
  'server',
]);

/** The provider's API answered with an error. Subclasses name the common kinds. */
export class ProviderApiError extends OrderBridgeError {
  protected readonly [marker] = true;
  override readonly code: string = 'provider_api_error';
  declare readonly provider: string;
  /** What kind of failure this is. */
  readonly kind: ProviderApiErrorKind;
  /** HTTP status of the provider's response. */
  readonly status: number | undefined;
  /** The provider's request or trace id. */
  readonly requestId: string | undefined;
  /** The provider's own error code, verbatim. */
  readonly providerCode: string | undefined;
  /** Field-level details from the provider. */
  readonly details: ReadonlyArray<{ path?: string; message: string; code?: string }> | undefined;

  constructor(options: ProviderApiErrorOptions & { kind?: ProviderApiErrorKind }) {
    const kind = options.kind ?? 'unknown';
    super({
      message: options.message,
      provider: options.provider,
      isRetryable: options.isRetryable ?? retryableKinds.has(kind),
      cause: options.cause,
    });
    this.name = 'ProviderApiError';
    this.kind = kind;
    this.status = options.status;
    this.requestId = options.requestId;
    this.providerCode = options.providerCode;
    this.details = options.details;
  }

  /** True for any provider API error, across package copies. */
  static override isInstance(error: unknown): error is ProviderApiError {
    return hasMarker(error, marker);
  }
}
