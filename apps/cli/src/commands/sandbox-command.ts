import { Command } from 'commander';
import type { ActionFactory } from './action.js';

/** Flags of `sandbox`. */
export interface SandboxFlags {
  /** `--port N` (0: any free port). */
  port?: string | undefined;
  /** `--host ADDRESS`. */
  host?: string | undefined;
  /** `--seed N`. */
  seed?: string | undefined;
  /** `--orders N` per provider. */
  orders?: string | undefined;
  /** `--latency MS` on every provider request. */
  latency?: string | undefined;
  /** `--json`: settings as one JSON line. */
  json?: boolean | undefined;
}

/**
 * Default port of `orderbridge sandbox`, the sandbox package's `DEFAULT_SANDBOX_PORT` (the
 * embedded sandbox of other commands uses a free port). Repeated here because the command tree,
 * built for every `--help`, must not load the sandbox; a test checks the two agree.
 */
export const DEFAULT_SANDBOX_PORT = 4010;

/** Default orders per provider, the sandbox package's `DEFAULT_ORDERS_PER_PROVIDER` (tested). */
export const DEFAULT_SANDBOX_ORDERS = 200;

/** `orderbridge sandbox`. */
export function createSandboxCommand(action: ActionFactory): Command {
  return new Command('sandbox')
    .description(
      'Run the FlexPortal and FlexFactor simulators in the foreground and print how to connect.',
    )
    .option('--port <n>', `TCP port, 0 for any free one (default ${DEFAULT_SANDBOX_PORT})`)
    .option('--host <address>', 'interface to bind (default 127.0.0.1)')
    .option('--seed <n>', 'dataset seed: same seed and counts, same orders (default 1)')
    .option('--orders <n>', `generated orders per provider (default ${DEFAULT_SANDBOX_ORDERS})`)
    .option(
      '--latency <ms>',
      'response time of every provider request: an answer leaves no earlier than ms after its request arrived (default 0)',
    )
    .option('--json', 'print the connection settings as one JSON line')
    .addHelpText(
      'after',
      `
The sandbox serves both provider APIs on one port, as their documentation describes them, with
deterministic data. Stop it with Ctrl-C.

Examples:
  $ orderbridge sandbox
  $ orderbridge sandbox --port 0 --orders 10000 --latency 50
  # in another terminal, with the printed exports:
  $ orderbridge orders list`,
    )
    .action(
      action(async (context, flags: SandboxFlags) => {
        const { runSandbox } = await import('./sandbox.js');
        await runSandbox(context, flags);
      }),
    );
}
