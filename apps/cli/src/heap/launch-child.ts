import { spawn } from 'node:child_process';
import type { NodeLaunch } from '@orderbridge/config/node-relaunch';

/**
 * Runs the command in a child node that shares this process's stdin, stdout and stderr, and
 * resolves with its exit code. SIGINT and SIGTERM are passed on (a Ctrl-C reaches both processes
 * anyway; the launcher waits for the child to save what it can). A child ended by a signal ends
 * the launcher with the same signal, so a shell sees what it would have without the launcher.
 */
export function runInChild(launch: NodeLaunch): Promise<number> {
  const child = spawn(
    process.execPath,
    [...process.execArgv, ...launch.nodeFlags, launch.script, ...launch.args],
    // The IPC channel is only a lifeline: it closes when the launcher dies, however it dies
    // (SIGKILL included), and the child then dies too (see `dieWithLauncher`).
    { stdio: ['inherit', 'inherit', 'inherit', 'ipc'], env: launch.env },
  );
  const forward = (signal: NodeJS.Signals) => () => {
    if (child.exitCode === null) child.kill(signal);
  };
  const onInterrupt = forward('SIGINT');
  const onTerminate = forward('SIGTERM');
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onTerminate);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      process.off('SIGINT', onInterrupt);
      process.off('SIGTERM', onTerminate);
      if (signal) {
        process.kill(process.pid, signal);
        return;
      }
      resolve(code ?? 1);
    });
  });
}

/**
 * In the launched child: ends this process the moment its launcher is gone (the IPC channel
 * closes), as killing the launcher killed the command before there was a launcher. Without it, a
 * `kill -9` of `orderbridge` would leave the export running on its own.
 */
export function dieWithLauncher(): void {
  if (!process.channel) return;
  process.channel.unref();
  process.once('disconnect', () => process.kill(process.pid, 'SIGKILL'));
}
