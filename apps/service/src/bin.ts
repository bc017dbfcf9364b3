#!/usr/bin/env node
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { replaceProcess } from '@orderbridge/config/node-relaunch';
import { generateApiKey, hashApiKey } from './auth/api-key.js';
import { fail } from './cli/fail.js';
import { serviceLaunch } from './runtime/service-heap.js';
import { SERVICE_VERSION } from './version.js';

const HELP = `Usage: orderbridge-service [--tenants <file>] [--port <n>] [--host <address>]
       orderbridge-service new-key [--json]
       orderbridge-service hash-key < key.txt

Runs the OrderBridge HTTP service. With a tenants file (--tenants or ORDERBRIDGE_TENANTS_FILE)
it serves those tenants and needs ORDERBRIDGE_CURSOR_SECRET; without one it starts the embedded
sandbox with a demo tenant and prints a demo API key.

Commands:
  new-key         print a new random API key and the SHA-256 to put in the tenants file
  hash-key        read an API key from stdin and print its SHA-256

Options:
  --tenants <file>   tenants file (JSON)
  --port <n>         TCP port (default PORT or 8080)
  --host <address>   interface (default HOST or 127.0.0.1)
  --help             show this help
  --version          show the version

Environment: PORT, HOST, LOG_LEVEL, ORDERBRIDGE_TENANTS_FILE, ORDERBRIDGE_CURSOR_SECRET,
ORDERBRIDGE_REDACT, ORDERBRIDGE_SHUTDOWN_TIMEOUT_MS, ORDERBRIDGE_READINESS_INTERVAL_MS;
limits (see the README): ORDERBRIDGE_HEADERS_TIMEOUT_MS, ORDERBRIDGE_REQUEST_TIMEOUT_MS,
ORDERBRIDGE_KEEP_ALIVE_TIMEOUT_MS, ORDERBRIDGE_MAX_CONNECTIONS, ORDERBRIDGE_MAX_HEADER_BYTES,
ORDERBRIDGE_REQUEST_DEADLINE_MS, ORDERBRIDGE_CURSOR_LIFETIME_MS, ORDERBRIDGE_SCAN_MAX_PAGE_REQUESTS,
ORDERBRIDGE_SCAN_MAX_DURATION_MS, ORDERBRIDGE_UNAUTHENTICATED_REQUESTS_PER_MINUTE,
ORDERBRIDGE_TRUSTED_PROXIES;
the order store /v1/reports reads, incoming webhooks write and /v1/webhooks use: ORDERBRIDGE_DATABASE_URL (with
postgres://… the per-key rate limits are shared through it by every replica, and /readyz checks
it); REDIS_URL shares them through Redis instead;
outgoing webhooks (docs/webhooks.md): ORDERBRIDGE_WEBHOOK_DELIVERY, ORDERBRIDGE_WEBHOOK_ALLOW_HTTP_LOOPBACK,
ORDERBRIDGE_WEBHOOK_TIMEOUT_MS, ORDERBRIDGE_WEBHOOK_LEASE_MS, ORDERBRIDGE_WEBHOOK_POLL_INTERVAL_MS, ORDERBRIDGE_WEBHOOK_RETRY_INITIAL_DELAY_MS,
ORDERBRIDGE_WEBHOOK_RETRY_MAX_DELAY_MS, ORDERBRIDGE_WEBHOOK_RETRY_WINDOW_MS.
the sync worker role (docs/workers.md): ORDERBRIDGE_WORKER=on, ORDERBRIDGE_WORKER_INTERVAL_MS,
ORDERBRIDGE_WORKER_CONCURRENCY, ORDERBRIDGE_WORKER_LEASE_TIMEOUT_MS.
heap: the service restarts itself (same pid) with a 64 MB young generation, without
allocation-site pretenuring, with later incremental marking and without V8's idle-time memory
reducer; ORDERBRIDGE_SERVICE_HEAP=off, or any heap flag of your own in node's flags or
NODE_OPTIONS, keeps V8's defaults (see the README's Operations).
Exit codes: 0 ok (also after SIGTERM/SIGINT), 1 failure at run time, 2 invalid configuration or usage.
`;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function main(): Promise<void> {
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine();
  } catch (error) {
    fail(`${error instanceof Error ? error.message : String(error)}\nRun with --help for usage.`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  if (values.version) {
    process.stdout.write(`${SERVICE_VERSION}\n`);
    return;
  }
  const command = positionals[0];
  if (command === 'new-key') {
    const key = generateApiKey();
    process.stdout.write(
      values.json
        ? `${JSON.stringify({ key, sha256: hashApiKey(key) })}\n`
        : `API key (give it to the client; it is stored nowhere): ${key}\nSHA-256 (put it in the tenants file as "sha256"):     ${hashApiKey(key)}\n`,
    );
    return;
  }
  if (command === 'hash-key') {
    const key = (await readStdin()).trim();
    if (key === '') fail('hash-key reads an API key from stdin, and stdin was empty');
    process.stdout.write(`${hashApiKey(key)}\n`);
    return;
  }
  if (command !== undefined) fail(`unknown command "${command}"; see --help`);
  // Serve from a node started with the service's heap settings (see service-heap.ts): this process
  // becomes it; where it cannot, it serves with V8's defaults.
  const launch = serviceLaunch({
    script: fileURLToPath(import.meta.url),
    args: process.argv.slice(2),
    execArgv: process.execArgv,
    env: process.env,
  });
  if (launch) replaceProcess(launch);
  const { serveFromConfiguration } = await import('./cli/serve.js');
  await serveFromConfiguration(values);
}

function parseCommandLine() {
  return parseArgs({
    options: {
      tenants: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean' },
      version: { type: 'boolean' },
    },
    strict: true,
    allowPositionals: true,
  });
}

process.on('uncaughtException', (error) => {
  process.stderr.write(`orderbridge-service: unexpected error: ${error.stack ?? error.message}\n`);
  process.exit(1);
});

await main();
