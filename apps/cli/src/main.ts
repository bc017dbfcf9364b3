import { CommanderError } from 'commander';
import type { CliIo } from './cli-io.js';
import { ExitCode } from './errors/exit-code.js';
import { InterruptedError } from './errors/interrupted-error.js';
import { colorsFor, shouldColor } from './output/color.js';
import { createProgram, isCommanderUsageError, type RunState } from './program.js';

/**
 * Runs the `orderbridge` command line and resolves to the exit code (it never calls
 * `process.exit`; `bin.ts` does). `argv` is `process.argv`-shaped: node, script, then arguments.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const state: RunState = {
    exitCode: ExitCode.ok,
    debug: false,
    commandPath: 'orderbridge',
    afterError: [],
  };
  const program = createProgram(io, argv.slice(2), state);
  try {
    await program.parseAsync([...argv]);
    return state.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander already printed the message (and the help hint); only the exit code is ours.
      return isCommanderUsageError(error) ? ExitCode.usage : ExitCode.ok;
    }
    const reported =
      io.interrupt.aborted && !InterruptedError.isInstance(error)
        ? InterruptedError.fromSignal(io.interrupt)
        : error;
    // Loaded only for an error: it names core's error classes, and `--help` or `--version` need no core.
    const { describeError } = await import('./errors/describe-error.js');
    const report = describeError(reported, { debug: state.debug, helpCommand: state.commandPath });
    const colors = colorsFor(shouldColor(io.stderr, io.env, !argv.includes('--no-color')));
    io.stderr.write(
      `orderbridge: ${report.exitCode === ExitCode.interrupted ? report.message : colors.red(report.message)}\n`,
    );
    for (const line of state.afterError) io.stderr.write(`${line}\n`);
    if (report.hint) io.stderr.write(`${colors.dim(report.hint)}\n`);
    if (report.details) io.stderr.write(`${report.details}\n`);
    return report.exitCode;
  }
}
