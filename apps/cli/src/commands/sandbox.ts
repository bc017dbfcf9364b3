import {
  DEFAULT_ORDERS_PER_PROVIDER,
  formatConnectionSettings,
  type SandboxOptions,
  startSandbox,
} from '@orderbridge/sandbox';
import { parseIntegerFlag } from '../query/integer-flag.js';
import type { CommandContext } from './command-context.js';
import { DEFAULT_SANDBOX_PORT, type SandboxFlags } from './sandbox-command.js';

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
      flags.orders === undefined
        ? DEFAULT_ORDERS_PER_PROVIDER
        : parseIntegerFlag('--orders', flags.orders, 0, 5_000_000),
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
