import { redactSecrets, type TransportOptions, type Warning } from '@orderbridge/core';
import type { CliIo } from '../cli-io.js';
import { type Colors, colorsFor, shouldColor } from '../output/color.js';

/** Options every command accepts (set on the root command). */
export interface GlobalOptions {
  /** `--config FILE`. */
  config?: string | undefined;
  /** `--sandbox`: use the embedded sandbox even when credentials are configured. */
  sandbox?: boolean | undefined;
  /** `--sandbox-orders N`. */
  sandboxOrders?: number | undefined;
  /** `--debug`: request log and error details on stderr. */
  debug?: boolean | undefined;
  /** `--quiet`: no notes or warnings on stderr. */
  quiet?: boolean | undefined;
  /** `--no-color` sets this to false. */
  color?: boolean | undefined;
  /** `--timeout MS`: per-request timeout. */
  timeout?: number | undefined;
  /** `--retries N`: retries of a failed idempotent request. */
  retries?: number | undefined;
}

/** What a command's action gets besides its own options. */
export interface CommandContext {
  /** Streams, environment, clock, interrupt. */
  io: CliIo;
  /** The global options. */
  global: GlobalOptions;
  /** The command line as typed (without `node` and the script), to print a resume command. */
  argv: readonly string[];
  /** Colours for stdout (tables). */
  stdoutColors: Colors;
  /** Colours for stderr (notes, warnings, errors). */
  stderrColors: Colors;
  /** Prints a note on stderr unless `--quiet`. */
  note(line: string): void;
  /** Prints a warning on stderr unless `--quiet`. */
  warn(warning: Warning): void;
  /** Transport settings for every provider (`--timeout`, `--retries`, `--debug` request log). */
  transport(): TransportOptions;
  /** Sets the process exit code (3 for a partial result) without stopping the command. */
  setExitCode(code: number): void;
  /** A line to print after the error report if the command fails (e.g. how to resume). */
  afterError(line: string): void;
}

/** Builds the context of a command run. */
export function createCommandContext(
  io: CliIo,
  global: GlobalOptions,
  argv: readonly string[],
  setExitCode: (code: number) => void,
  afterError: (line: string) => void,
): CommandContext {
  const colorFlag = global.color !== false;
  const stderrColors = colorsFor(shouldColor(io.stderr, io.env, colorFlag));
  const stdoutColors = colorsFor(shouldColor(io.stdout, io.env, colorFlag));
  const note = (line: string) => {
    if (!global.quiet) io.stderr.write(`${line}\n`);
  };
  return {
    io,
    global,
    argv,
    stdoutColors,
    stderrColors,
    note,
    warn(warning) {
      if (global.quiet) return;
      const where = warning.provider ? `${warning.provider}: ` : '';
      io.stderr.write(
        `orderbridge: ${stderrColors.yellow('warning')}: ${where}${warning.message} (${warning.code})\n`,
      );
    },
    transport() {
      const options: TransportOptions = {};
      if (global.timeout !== undefined) options.timeoutMs = global.timeout;
      if (global.retries !== undefined) options.retry = { maxRetries: global.retries };
      if (global.debug) {
        // Hooks see no credentials, but a provider may echo one into a URL: redact anyway.
        const log = (line: string) =>
          io.stderr.write(`${stderrColors.dim(`debug: ${redactSecrets(line)}`)}\n`);
        options.hooks = {
          onRequest: (event) =>
            log(`${event.provider} → ${event.method} ${event.url} (attempt ${event.attempt})`),
          onResponse: (event) =>
            log(
              `${event.provider} ← ${event.status} ${event.method} ${event.url} in ${Math.round(event.durationMs)} ms${event.requestId ? ` (request id ${event.requestId})` : ''}`,
            ),
          onRetry: (event) =>
            log(`${event.provider} retrying ${event.method} ${event.url}: ${event.reason}`),
          onError: (event) =>
            log(`${event.provider} failed ${event.method} ${event.url}: ${event.error.message}`),
        };
      }
      return options;
    },
    setExitCode,
    afterError,
  };
}
