import { formatConnectionSettings, type SandboxOptions, startSandbox } from '@orderbridge/sandbox';
import { Command } from 'commander';
import { parseIntegerFlag } from '../query/integer-flag.js';
import type { ActionFactory } from './action.js';
import type { CommandContext } from './command-context.js';

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

/** Default port of `orderbridge sandbox` (the embedded sandbox of other commands uses a free port). */
export const DEFAULT_SANDBOX_PORT = 4010;

/** `orderbridge sandbox`. */
export function createSandboxCommand(action: ActionFactory): Command {
  return new Command('sandbox')
    .description(
      'Run the FlexPortal and FlexFactor simulators in the foreground and print how to connect.',
    )
    .option('--port <n>', `TCP port, 0 for any free one (default ${DEFAULT_SANDBOX_PORT})`)
    .option('--host <address>', 'interface to bind (default 127.0.0.1)')
    .option('--seed <n>', 'dataset seed: same seed and counts, same orders (default 1)')
    .option('--orders <n>', 'generated orders per provider (default 200)')
    .option('--latency <ms>', 'added latency on every provider request (default 0)')
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
    .action(action((context, flags: SandboxFlags) => runSandbox(context, flags)));
}

/** Runs `sandbox` until Ctrl-C / SIGTERM, then closes it (exit 0). */
export async function runSandbox(context: CommandContext, flags: SandboxFlags): Promise<void> {
  const options: SandboxOptions = {
    port:
      flags.port === undefined
        ? DEFAULT_SANDBOX_PORT
        : parseIntegerFlag('--port', flags.port, 0, 65_535),
    host: flags.host ?? '127.0.0.1',
    seed: flags.seed === undefined ? 1 : parseIntegerFlag('--seed', flags.seed, 0, 4_294_967_295),
    orders:
      flags.orders === undefined ? 200 : parseIntegerFlag('--orders', flags.orders, 0, 5_000_000),
  };
  if (flags.latency !== undefined) {
    const latencyMs = parseIntegerFlag('--latency', flags.latency, 0, 600_000);
    options.faults = { flexportal: { latencyMs }, flexfactor: { latencyMs } };
  }
  const sandbox = await startSandbox(options);
  try {
    const out = context.io.stdout;
    if (flags.json) {
      out.write(`${JSON.stringify(sandbox.settings())}\n`);
    } else {
      out.write(formatConnectionSettings(sandbox));
      out.write(
        [
          '',
          'Point the orderbridge CLI at it: in another terminal, run the export lines above, then',
          '  orderbridge orders list',
          '  orderbridge providers        (shows each setting coming from "env ...")',
          '',
          'Point the OrderBridge service at it: start it with the same environment variables',
          '  (in this repository: the export lines, then pnpm start).',
          '',
          'Press Ctrl-C to stop.',
          '',
        ].join('\n'),
      );
    }
    await new Promise<void>((resolve) => {
      if (context.io.interrupt.aborted) resolve();
      else context.io.interrupt.addEventListener('abort', () => resolve(), { once: true });
    });
    context.note('orderbridge: sandbox stopped.');
  } finally {
    await sandbox.close();
  }
}
