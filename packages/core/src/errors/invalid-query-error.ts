import { hasMarker, OrderBridgeError } from './orderbridge-error.js';

const marker = Symbol.for('orderbridge.error.InvalidQueryError');

/** One invalid field of a query, and why. */
export interface QueryIssue {
  /** The field, e.g. `createdFrom`, `sort.field`, `status[1]`. */
  field: string;
  /** Why it is invalid and what is accepted. */
  message: string;
}

/**
 * The caller's query cannot be answered: a field is invalid, a cursor belongs to another query, or
 * no configured provider can answer it correctly. Names each bad field. Never retryable.
 */
export class InvalidQueryError extends OrderBridgeError {
  protected readonly [marker] = true;
  override readonly code: string = 'invalid_query';
  /** Each bad field and why. */
  readonly issues: readonly QueryIssue[];

  constructor(options: {
    message?: string;
    issues: readonly QueryIssue[];
    provider?: string;
    cause?: unknown;
  }) {
    super({
      message:
        options.message ??
        `Invalid query: ${options.issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ')}`,
      provider: options.provider,
      isRetryable: false,
      cause: options.cause,
    });
    this.name = 'InvalidQueryError';
    this.issues = options.issues;
  }

  /** True for any `InvalidQueryError`, across package copies. */
  static override isInstance(error: unknown): error is InvalidQueryError {
    return hasMarker(error, marker);
  }
}
