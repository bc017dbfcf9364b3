import { randomBytes } from 'node:crypto';
import { parseTenants, sandboxProviderEntries, type TenantEntry } from '@orderbridge/config';
import { ConfigurationError } from '@orderbridge/core';
import { startSandbox } from '@orderbridge/sandbox';
import { generateApiKey, hashApiKey } from '../auth/api-key.js';
import { type CommandLineOptions, loadServiceConfig } from '../config/service-config.js';
import { createLogger } from '../observability/logger.js';
import { type RunningServer, startServer } from '../server.js';
import { fail } from './fail.js';

/**
 * `orderbridge-service` without a command: loads the configuration, starts the server (or the
 * demo with the embedded sandbox) and stops it on SIGTERM/SIGINT. Its own module, which the bin
 * imports only once it serves from this process, so the bin decides whether to restart with the
 * service's heap settings before it loads the server's modules (≈ 0.25 s) — not once before and
 * once after the restart — and `--help`, `--version` and the key commands load none of them.
 */
export async function serveFromConfiguration(values: {
  tenants?: string | undefined;
  port?: string | undefined;
  host?: string | undefined;
}): Promise<void> {
  const options: CommandLineOptions = { tenantsFile: values.tenants, host: values.host };
  if (values.port !== undefined) {
    if (!/^\d+$/.test(values.port) || Number(values.port) > 65_535) {
      fail(`--port must be a whole number from 0 to 65535, got "${values.port}"`);
    }
    options.port = Number(values.port);
  }
  const config = await loadServiceConfig(process.env, options).catch((error: unknown) => {
    if (ConfigurationError.isInstance(error)) fail(error.message);
    throw error;
  });
  const logger = createLogger({ level: config.logLevel, redactPersonalData: config.redact });
  for (const warning of config.warnings) logger.warn(warning);
  // What production and the demo serve with alike.
  const settings = {
    port: config.port,
    host: config.host,
    logger,
    redact: config.redact,
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    readinessIntervalMs: config.readinessIntervalMs,
    limits: config.limits,
    cursorLifetimeMs: config.cursorLifetimeMs,
    scanBudget: config.scanBudget,
    unauthenticatedRequestsPerMinute: config.unauthenticatedRequestsPerMinute,
    databaseUrl: config.databaseUrl,
    redisUrl: config.redisUrl,
    trustedProxies: config.trustedProxies,
    webhooks: config.webhooks,
    defaultSource: config.defaultSource,
  } satisfies Partial<Parameters<typeof startServer>[0]>;
  let server: RunningServer;
  let closeSandbox = async (): Promise<void> => {};
  try {
    if (config.mode === 'production') {
      server = await startServer({
        ...settings,
        tenants: config.tenants,
        cursorSecret: config.cursorSecret,
        baseDir: config.baseDir,
        worker: config.worker,
      });
    } else {
      const sandbox = await startSandbox({ port: 0 });
      closeSandbox = () => sandbox.close();
      const demoKey = generateApiKey();
      const tenants: TenantEntry[] = parseTenants(
        {
          tenants: [
            {
              id: 'demo',
              apiKeys: [{ id: 'demo', sha256: hashApiKey(demoKey) }],
              providers: sandboxProviderEntries(sandbox),
              // The scope `orderbridge sync` writes, so the demo's reports read what the CLI synced.
              storeScope: 'default',
            },
          ],
        },
        'the demo configuration',
      );
      server = await startServer({
        tenants,
        // A random secret per process: cursors of one demo process are useless to another.
        cursorSecret: config.cursorSecret ?? randomBytes(32),
        env: {},
        ...settings,
      });
      process.stderr.write(
        [
          '',
          `OrderBridge service (demo) listening on ${server.url}`,
          `  providers     FlexPortal and FlexFactor from the embedded sandbox at ${sandbox.url}`,
          `  demo API key  ${demoKey}`,
          `  API reference ${server.url}/docs`,
          `  try           curl -H "Authorization: Bearer ${demoKey}" "${server.url}/v1/orders?limit=5"`,
          '',
          'No tenants file given: this is a demo. See the README for production configuration.',
          '',
        ].join('\n'),
      );
    }
  } catch (error) {
    await closeSandbox();
    if (ConfigurationError.isInstance(error)) fail(error.message);
    fail(`cannot start: ${error instanceof Error ? error.message : String(error)}`, 1);
  }

  let isStopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (isStopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    isStopping = true;
    logger.info({ signal }, 'signal received');
    server
      .close()
      .then(() => closeSandbox())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
