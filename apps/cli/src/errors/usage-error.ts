const marker = Symbol.for('orderbridge.cli.UsageError');

/**
 * The command line or the configuration is wrong: an unknown flag, a bad value, a bad combination,
 * a bad config file. Printed as the message plus a hint, exit code 2, never a stack trace.
 */
export class UsageError extends Error {
  protected readonly [marker] = true;
  /** What to do about it, e.g. `Run "orderbridge orders list --help"`. */
  readonly hint: string | undefined;

  constructor(message: string, options: { hint?: string | undefined; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'UsageError';
    this.hint = options.hint;
  }

  /** True for any `UsageError`, even from another copy of this package. */
  static isInstance(error: unknown): error is UsageError {
    return typeof error === 'object' && error !== null && marker in error;
  }
}
