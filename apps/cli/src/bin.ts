#!/usr/bin/env node
import { fileURLToPath } from 'node:url';
// The subpath, not the package: the package's index loads zod and the providers, which `--version`
// must not pay for.
import { replaceProcess } from '@orderbridge/config/node-relaunch';
import { processIo } from './cli-io.js';
import { ExitCode } from './errors/exit-code.js';
import { InterruptedError } from './errors/interrupted-error.js';
import { OutputError } from './errors/output-error.js';
import { dieWithLauncher, runInChild } from './heap/launch-child.js';
import {
  LAUNCHED_ENVIRONMENT_VARIABLE,
  streamingEnvironment,
  streamingLaunchFlags,
} from './heap/streaming-heap.js';

// A streaming command runs in a node started with the heap settings on its command line, where
// Node documents V8 flags (see streaming-heap.ts): this process becomes that node (execve), or,
// where it cannot, starts it as a child. Everything else runs here.
const args = process.argv.slice(2);
const nodeFlags = streamingLaunchFlags({
  args,
  execArgv: process.execArgv,
  nodeOptions: process.env.NODE_OPTIONS,
  isLaunched: process.env[LAUNCHED_ENVIRONMENT_VARIABLE] === '1',
});
if (nodeFlags) {
  const launch = {
    nodeFlags,
    script: fileURLToPath(import.meta.url),
    args,
    env: streamingEnvironment(process.env),
  };
  replaceProcess(launch); // returns only where this process cannot be replaced
  process.exit(await runInChild(launch));
}
if (process.env[LAUNCHED_ENVIRONMENT_VARIABLE] === '1') dieWithLauncher();

// Ctrl-C / SIGTERM abort the running command, which saves what it can (an export writes its
// checkpoint) and exits 130. A second signal means "now": exit at once.
const interrupt = new AbortController();
const onSignal = (signal: 'SIGINT' | 'SIGTERM') => {
  if (interrupt.signal.aborted) process.exit(ExitCode.interrupted);
  interrupt.abort(new InterruptedError(signal));
};
process.on('SIGINT', () => onSignal('SIGINT'));
process.on('SIGTERM', () => onSignal('SIGTERM'));
/**
 * Stdout could not be written (`> /dev/full`, a full disk): one line naming the cause on stderr,
 * exit 1; the stack only with --debug. Whatever the command was doing, its output is incomplete.
 */
const failOnStdout = (error: unknown): never => {
  const failure = new OutputError('stdout', (process.stdout.errored as unknown) ?? error);
  process.stderr.write(`orderbridge: ${failure.message}\n`);
  const cause = failure.cause;
  if (process.argv.includes('--debug') && cause instanceof Error && cause.stack) {
    process.stderr.write(`${cause.stack}\n`);
  }
  process.exit(ExitCode.failure);
};
// `orderbridge orders list | head` closes the pipe early: that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(ExitCode.ok);
  failOnStdout(error);
});

const { main } = await import('./main.js');
const code = await main(process.argv, processIo(interrupt.signal));
// Exit explicitly: idle keep-alive sockets must not hold the process open. stdout and stderr are
// synchronous for files and pipes on POSIX, so nothing written is lost.
// A write that failed earlier (its 'error' event may not have been delivered yet) fails the run:
// `orderbridge --help > /dev/full` must not exit 0.
process.stdout.write('', (error) => {
  const failure = process.stdout.errored ?? error;
  if (failure && (failure as NodeJS.ErrnoException).code !== 'EPIPE') failOnStdout(failure);
  process.exit(code);
});
