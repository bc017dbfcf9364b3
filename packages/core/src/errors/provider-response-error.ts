import { hasMarker, OrderBridgeError } from './orderbridge-error.js';

const marker = Symbol.for('orderbridge.error.ProviderResponseError');

/** One way a provider's payload did not match its documented schema. */
export interface ResponseIssue {
  /** JSON path inside the payload, e.g. `orders[3].totals.total`. */
  path: string;
  /** What was wrong there. */
  message: string;
}

/**
 * The provider sent something that does not match its documented schema: malformed JSON, a
 * missing field, a wrong type, a cursor that repeats. Carries the JSON path of each issue.
 */
export class ProviderResponseError extends OrderBridgeError {
  protected readonly [marker] = true;
  override readonly code: string = 'invalid_response';
  declare readonly provider: string;
  /** Each schema violation with its JSON path. */
  readonly issues: readonly ResponseIssue[];
  /** JSON path of the first issue, for quick display. */
  readonly path: string | undefined;
  /** HTTP status of the response that carried the bad payload. */
  readonly status: number | undefined;
  /** The provider's request id for that response. */
  readonly requestId: string | undefined;

  constructor(options: {
    message: string;
    provider: string;
    issues?: readonly ResponseIssue[];
    status?: number | undefined;
    requestId?: string | undefined;
    isRetryable?: boolean;
    cause?: unknown;
  }) {
    super({ ...options, isRetryable: options.isRetryable ?? false });
    this.name = 'ProviderResponseError';
    this.issues = options.issues ?? [];
    this.path = this.issues[0]?.path;
    this.status = options.status;
    this.requestId = options.requestId;
  }

  /** True for any `ProviderResponseError`, across package copies. */
  static override isInstance(error: unknown): error is ProviderResponseError {
    return hasMarker(error, marker);
  }
}
