const marker = Symbol.for('orderbridge.testkit.ConformanceError');

/** What a `ConformanceError` is built from. */
export interface ConformanceErrorOptions {
  /** What the provider did, e.g. `page walk returned order acme:ord_1 twice (pages 1 and 2)`. */
  finding: string;
  /** The port promise it broke, e.g. `each order must appear exactly once`. */
  promise: string;
  /** The error the provider threw, when that is the finding. */
  cause?: unknown;
}

/**
 * A provider broke one of the port's promises. The message reads
 * `conformance: <what happened> — <the promise>`, so a failing test names the broken promise.
 */
export class ConformanceError extends Error {
  protected readonly [marker] = true;
  /** What the provider did. */
  readonly finding: string;
  /** The port promise it broke. */
  readonly promise: string;

  constructor(options: ConformanceErrorOptions) {
    super(
      `conformance: ${options.finding} — ${options.promise}`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'ConformanceError';
    this.finding = options.finding;
    this.promise = options.promise;
  }

  /** True for any `ConformanceError`, across package copies. */
  static isInstance(error: unknown): error is ConformanceError {
    return typeof error === 'object' && error !== null && marker in error;
  }
}
