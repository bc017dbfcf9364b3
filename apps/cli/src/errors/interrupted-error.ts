const marker = Symbol.for('orderbridge.cli.InterruptedError');

/** The user pressed Ctrl-C (SIGINT) or the process got SIGTERM: exit 130. */
export class InterruptedError extends Error {
  protected readonly [marker] = true;
  /** The signal that interrupted the command. */
  readonly signal: 'SIGINT' | 'SIGTERM';
  /** What to do next, e.g. how to resume an export. */
  readonly hint: string | undefined;

  constructor(
    signal: 'SIGINT' | 'SIGTERM',
    options: { message?: string | undefined; hint?: string | undefined } = {},
  ) {
    super(options.message ?? `interrupted by ${signal}`);
    this.name = 'InterruptedError';
    this.signal = signal;
    this.hint = options.hint;
  }

  /** The error to report for an aborted signal: its reason when it is one, else a SIGINT. */
  static fromSignal(
    signal: AbortSignal,
    options: { message?: string | undefined; hint?: string | undefined } = {},
  ): InterruptedError {
    const reason: unknown = signal.reason;
    return new InterruptedError(
      InterruptedError.isInstance(reason) ? reason.signal : 'SIGINT',
      options,
    );
  }

  /** True for any `InterruptedError`. */
  static isInstance(error: unknown): error is InterruptedError {
    return typeof error === 'object' && error !== null && marker in error;
  }
}
