#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { formatConnectionSettings } from './control/connection-settings.js';
import {
  DEFAULT_ORDERS_PER_PROVIDER,
  DEFAULT_SANDBOX_PORT,
  type SandboxOptions,
  startSandbox,
} from './start-sandbox.js';

const HELP = `Usage: orderbridge-sandbox [options]

Runs local simulators of the FlexPortal and FlexFactor APIs on one port and prints how to
connect. Stop it with Ctrl-C (SIGINT) or SIGTERM.

Options:
  --port <n>                TCP port, 0 for any free one (default ${DEFAULT_SANDBOX_PORT})
  --host <address>          interface to bind (default 127.0.0.1)
  --seed <n>                dataset seed (default 1)
  --orders <n>              generated orders per provider (default ${DEFAULT_ORDERS_PER_PROVIDER})
  --flexportal-orders <n>   FlexPortal orders (default tenant), overrides --orders
  --flexfactor-orders <n>   FlexFactor orders, overrides --orders
  --latency <ms>            response time of every provider request: an answer leaves no
                            earlier than ms after its request arrived (default 0)
  --jitter <ms>             random extra response time, 0..ms
  --token-ttl <ms>          FlexFactor access-token lifetime (default 600000)
  --flexfactor-webhook <url>
                            POST FlexFactor order webhooks to this URL when churns change
                            orders (repeatable; more through /_sandbox/flexfactor/webhooks)
  --gzip                    gzip the providers' answers for clients that accept it
                            (Accept-Encoding), as an API gateway in front of them does
  --json                    print the connection settings as one JSON line
  --help                    show this help
`;

function fail(message: string): never {
  process.stderr.write(`orderbridge-sandbox: ${message}\nRun with --help for usage.\n`);
  process.exit(2);
}

function integer(
  name: string,
  text: string | undefined,
  min: number,
  max: number,
): number | undefined {
  if (text === undefined) return undefined;
  if (!/^-?\d+$/.test(text)) fail(`--${name} must be an integer, got "${text}"`);
  const value = Number(text);
  if (value < min || value > max) fail(`--${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

async function main(): Promise<void> {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof optionsSpec; strict: true }>>;
  const optionsSpec = {
    port: { type: 'string' },
    host: { type: 'string' },
    seed: { type: 'string' },
    orders: { type: 'string' },
    'flexportal-orders': { type: 'string' },
    'flexfactor-orders': { type: 'string' },
    latency: { type: 'string' },
    jitter: { type: 'string' },
    'token-ttl': { type: 'string' },
    'flexfactor-webhook': { type: 'string', multiple: true },
    gzip: { type: 'boolean' },
    json: { type: 'boolean' },
    help: { type: 'boolean' },
  } as const;
  try {
    parsed = parseArgs({ options: optionsSpec, strict: true, allowPositionals: false });
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  const values = parsed.values;
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const orders = integer('orders', values.orders, 0, 5_000_000) ?? DEFAULT_ORDERS_PER_PROVIDER;
  const latency = integer('latency', values.latency, 0, 600_000);
  const jitter = integer('jitter', values.jitter, 0, 600_000);
  const options: SandboxOptions = {
    port: integer('port', values.port, 0, 65535) ?? DEFAULT_SANDBOX_PORT,
    seed: integer('seed', values.seed, -2_147_483_648, 4_294_967_295) ?? 1,
    orders: {
      flexportal: integer('flexportal-orders', values['flexportal-orders'], 0, 5_000_000) ?? orders,
      flexfactor: integer('flexfactor-orders', values['flexfactor-orders'], 0, 5_000_000) ?? orders,
    },
  };
  if (values.host !== undefined) options.host = values.host;
  if (values.gzip === true) options.gzip = true;
  const tokenTtl = integer('token-ttl', values['token-ttl'], 1, 86_400_000);
  const webhooks = (values['flexfactor-webhook'] ?? []).map((url) => ({ url }));
  if (tokenTtl !== undefined || webhooks.length > 0) {
    options.flexfactor = {
      ...(tokenTtl !== undefined ? { tokenTtlMs: tokenTtl } : {}),
      ...(webhooks.length > 0 ? { webhooks } : {}),
    };
  }
  if (latency !== undefined || jitter !== undefined) {
    const faults = { latencyMs: latency ?? 0, jitterMs: jitter ?? 0 };
    options.faults = { flexportal: faults, flexfactor: faults };
  }
  const sandbox = await startSandbox(options).catch((error: unknown) =>
    fail(error instanceof Error ? error.message : String(error)),
  );
  const stop = (): void => {
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  // Handlers first: whoever reads the settings line may signal us right away.
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.stdout.write(
    values.json ? `${JSON.stringify(sandbox.settings())}\n` : formatConnectionSettings(sandbox),
  );
}

await main();
