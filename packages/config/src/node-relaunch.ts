import { accessSync, constants } from 'node:fs';

/** A node to start: this package's apps relaunch themselves with V8 flags Node takes only at start. */
export interface NodeLaunch {
  /** Node flags (V8 heap settings), after the user's own `execArgv`. */
  nodeFlags: readonly string[];
  /** The script to run (the app's bin). */
  script: string;
  /** The script's arguments. */
  args: readonly string[];
  /** The new process's environment. */
  env: NodeJS.ProcessEnv;
}

/**
 * Flags (names, without values) with which a user sizes V8's heap themselves, on node's command
 * line or in `NODE_OPTIONS` (which takes `--max-semi-space-size` and `--max-old-space-size`). With
 * any of them an app leaves the heap as configured and does not relaunch.
 */
export const USER_HEAP_FLAGS: readonly string[] = [
  '--max-semi-space-size',
  '--min-semi-space-size',
  '--max-old-space-size',
  '--max-old-space-size-percentage',
  '--max-heap-size',
  '--semi-space-growth-factor',
  '--heap-growing-percent',
  '--allocation-site-pretenuring',
  '--no-allocation-site-pretenuring',
  '--memory-reducer',
  '--no-memory-reducer',
];

/** Whether node's flags (`process.execArgv`) or `NODE_OPTIONS` size the heap already. */
export function hasUserHeapFlags(
  execArgv: readonly string[],
  nodeOptions: string | undefined,
): boolean {
  const given = [...execArgv, ...(nodeOptions ?? '').split(/\s+/)].map(flagName);
  return given.some((name) => USER_HEAP_FLAGS.includes(name));
}

/** `--max_semi_space_size=8` → `--max-semi-space-size` (V8 accepts both spellings). */
function flagName(argument: string): string {
  const name = argument.split('=', 1)[0]!;
  return name.startsWith('--') ? `--${name.slice(2).replaceAll('_', '-')}` : name;
}

/** What `replaceProcess` needs from the running process (parameters so that tests can stub it). */
export interface ProcessImage {
  /** `process.platform`. */
  platform: NodeJS.Platform;
  /** `process.execPath`: the node binary to start again. */
  execPath: string;
  /** `process.execArgv`: the user's node flags, kept. */
  execArgv: readonly string[];
  /** `process.execve`, undefined before Node 22.15 / 23.11. */
  execve: ((file: string, args: readonly string[], env: NodeJS.ProcessEnv) => never) | undefined;
  /** Whether `execPath` can be executed (execve of a missing binary aborts the process). */
  isExecutable(path: string): boolean;
}

/** The running process. */
export function currentProcessImage(): ProcessImage {
  return {
    platform: process.platform,
    execPath: process.execPath,
    execArgv: process.execArgv,
    execve: process.execve?.bind(process),
    isExecutable: (path) => {
      try {
        accessSync(path, constants.X_OK);
        return true;
      } catch {
        return false;
      }
    },
  };
}

/**
 * Replaces this process by `node <execArgv> <flags> <script> <args>` with `execve(2)`: the command
 * then runs in this very process (same pid, stdin, stdout and stderr, signals and exit code as
 * they would be without a launcher), and no second node keeps its own copy of the runtime in
 * memory beside it. Returns false, having changed nothing, where that is not possible: on Windows,
 * on a Node without `process.execve` (before 22.15 / 23.11), when the node binary cannot be
 * executed, or when execve is refused (the permission model without `--allow-child-process`). The
 * caller then starts the command in a child process instead. On success it does not return.
 *
 * Nothing may have been written to stdout or stderr before: Node's streams are discarded with the
 * old image (the launcher writes nothing, so nothing is lost).
 */
export function replaceProcess(
  launch: NodeLaunch,
  image: ProcessImage = currentProcessImage(),
): false {
  if (image.platform === 'win32' || image.execve === undefined) return false;
  // A failed execve(2) aborts the process in the Node releases that have it (24.x prints a native
  // stack and dumps core), so the one failure a user can cause — a node binary removed or
  // replaced by an upgrade while it runs — is ruled out first.
  if (!image.isExecutable(image.execPath)) return false;
  const argv = [
    image.execPath,
    ...image.execArgv,
    ...launch.nodeFlags,
    launch.script,
    ...launch.args,
  ];
  // process.execve is experimental: it schedules an ExperimentalWarning for the next tick. On
  // success the tick never comes (the image is gone); when it throws instead, the warning must not
  // reach the user's stderr either, since nothing about it is the user's doing.
  const emitWarning = process.emitWarning;
  process.emitWarning = function withoutExecveWarning(
    this: NodeJS.Process,
    ...warning: Parameters<typeof emitWarning>
  ) {
    if (isExecveWarning(warning)) return;
    Reflect.apply(emitWarning, this, warning);
  } as typeof emitWarning;
  try {
    image.execve(image.execPath, argv, launch.env);
  } catch {
    // Refused before anything changed: the caller starts a child instead.
  } finally {
    process.emitWarning = emitWarning;
  }
  return false;
}

/** `process.emitWarning('process.execve is an experimental feature…', 'ExperimentalWarning')`. */
function isExecveWarning(warning: readonly unknown[]): boolean {
  const [message, typeOrOptions] = warning;
  const type =
    typeof typeOrOptions === 'string'
      ? typeOrOptions
      : (typeOrOptions as { type?: unknown } | undefined)?.type;
  const text = message instanceof Error ? message.message : String(message);
  return type === 'ExperimentalWarning' && text.startsWith('process.execve ');
}
