#!/usr/bin/env node
import { processIo } from './cli-io.js';
import { ExitCode } from './errors/exit-code.js';
import { InterruptedError } from './errors/interrupted-error.js';
import { tuneStreamingHeap } from './heap/streaming-heap.js';

// The garbage collector's settings come first (see streaming-heap.ts): main.js is imported only
// afterwards, so that loading the command does not grow the young generation before they apply.
tuneStreamingHeap({ execArgv: process.execArgv, nodeOptions: process.env.NODE_OPTIONS });

// Ctrl-C / SIGTERM abort the running command, which saves what it can (an export writes its
// checkpoint) and exits 130. A second signal means "now": exit at once.
const interrupt = new AbortController();
const onSignal = (signal: 'SIGINT' | 'SIGTERM') => {
  if (interrupt.signal.aborted) process.exit(ExitCode.interrupted);
  interrupt.abort(new InterruptedError(signal));
};
process.on('SIGINT', () => onSignal('SIGINT'));
process.on('SIGTERM', () => onSignal('SIGTERM'));
// `orderbridge orders list | head` closes the pipe early: that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(ExitCode.ok);
  throw error;
});

const { main } = await import('./main.js');
const code = await main(process.argv, processIo(interrupt.signal));
// Exit explicitly: idle keep-alive sockets must not hold the process open. stdout and stderr are
// synchronous for files and pipes on POSIX, so nothing written is lost.
process.stdout.write('', () => process.exit(code));
