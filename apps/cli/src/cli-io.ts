/** A stream the CLI writes to: stdout or stderr, or a test double. */
export interface OutputStream {
  /** Writes text; false means "wait for `drain`" (backpressure). */
  write(chunk: string, callback?: (error?: Error | null) => void): boolean;
  /** Subscribes once to `drain` (room again) or `error`. */
  once(event: 'drain', listener: () => void): unknown;
  once(event: 'error', listener: (error: Error) => void): unknown;
  /** Unsubscribes a `drain` or `error` listener. */
  removeListener(event: 'drain', listener: () => void): unknown;
  removeListener(event: 'error', listener: (error: Error) => void): unknown;
  /** True when the stream is a terminal (decides tables, colour and progress). */
  readonly isTTY?: boolean | undefined;
  /** Terminal width, when it is one. */
  readonly columns?: number | undefined;
}

/**
 * Everything the CLI touches outside itself: streams, environment, working directory, clock and
 * the interrupt signal. `main` takes it as a parameter so tests run commands in-process.
 */
export interface CliIo {
  /** Where data goes. */
  stdout: OutputStream;
  /** Where messages, warnings, progress and errors go. */
  stderr: OutputStream;
  /** Environment variables (the source of credentials and `NO_COLOR`). */
  env: Readonly<Record<string, string | undefined>>;
  /** Working directory: relative paths and the default config file resolve against it. */
  cwd: string;
  /** The clock relative dates (`7d`) count back from. */
  now: () => Date;
  /**
   * Aborted on Ctrl-C / SIGTERM with an `InterruptedError` reason. Commands stop, save what they
   * can and exit 130.
   */
  interrupt: AbortSignal;
}

/** The real process's streams, environment and clock; the interrupt is wired by `bin.ts`. */
export function processIo(interrupt: AbortSignal): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    // A plain copy: process.env is an exotic object some validators (zod's record) refuse.
    env: { ...process.env },
    cwd: process.cwd(),
    now: () => new Date(),
    interrupt,
  };
}
