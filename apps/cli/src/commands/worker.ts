import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { OrderProvider } from '@orderbridge/core';
import type { OrderStore, SyncWorkerEvent, SyncWorkerJob } from '@orderbridge/store';
import { openProviders, type ProviderSession } from '../client/open-providers.js';
import { UsageError } from '../errors/usage-error.js';
import { parseDurationFlag } from '../query/duration-flag.js';
import { parseIntegerFlag } from '../query/integer-flag.js';
import { chooseDatabase, openStore } from '../store/open-store.js';
import type { CommandContext } from './command-context.js';
import { loadConfig } from './order-options.js';
import type { WorkerFlags } from './worker-command.js';

const DEFAULT_INTERVAL_MS = 5 * 60_000;
const DEFAULT_LEASE_TIMEOUT_MS = 30_000;
const DAY_MS = 86_400_000;
/** Exit code after SIGTERM (128 + 15), as a service manager expects; SIGINT exits 130. */
const EXIT_TERMINATED = 143;
const EXIT_INTERRUPTED = 130;

/** Runs `orderbridge worker`. */
export async function runWorker(context: CommandContext, flags: WorkerFlags): Promise<void> {
  const format = flags.format ?? 'text';
  if (format !== 'text' && format !== 'ndjson') {
    throw new UsageError(`--format: "${format}" is not one of text, ndjson.`);
  }
  const intervalMs =
    flags.interval === undefined
      ? DEFAULT_INTERVAL_MS
      : parseDurationFlag('--interval', flags.interval, 1000, 7 * DAY_MS);
  const leaseTimeoutMs =
    flags.leaseTimeout === undefined
      ? DEFAULT_LEASE_TIMEOUT_MS
      : parseDurationFlag('--lease-timeout', flags.leaseTimeout, 1000, DAY_MS);
  const concurrency =
    flags.concurrency === undefined
      ? 1
      : parseIntegerFlag('--concurrency', flags.concurrency, 1, 64);
  const workerId = flags.workerId ?? `${hostname()}:${process.pid}`;
  if (workerId.trim() === '' || workerId.length > 200) {
    throw new UsageError('--worker-id must be 1 to 200 characters.');
  }

  const allowLoopback = loopbackReceiversAllowed(
    context.io.env.ORDERBRIDGE_WEBHOOK_ALLOW_HTTP_LOOPBACK,
  );

  const config = await loadConfig(context);
  const database = chooseDatabase(flags.database, config);
  if (!/^postgres(ql)?:\/\//i.test(database.url)) {
    throw new UsageError(
      `orderbridge worker needs a PostgreSQL store (postgres://…); ${database.source.kind === 'flag' ? '--database' : 'the configured store'} is not one.`,
      {
        hint: 'Workers share jobs through PostgreSQL. For one process on SQLite, use "orderbridge sync --watch".',
      },
    );
  }

  const { jobs, close } = flags.tenants
    ? await tenantJobs(context, flags.tenants)
    : await configuredJobs(context, config);
  try {
    if (jobs.length === 0) {
      throw new UsageError('orderbridge worker has no provider to sync.', {
        hint: 'Configure providers (see "orderbridge providers") or pass --tenants FILE.',
      });
    }
    const { store } = await openStore(database, { cwd: context.io.cwd });
    try {
      const { runSyncWorker } = await import('@orderbridge/store');
      const deliversWebhooks = flags.webhooks !== false;
      log(context, format, {
        event: 'worker-start',
        workerId,
        jobs: jobs.length,
        concurrency,
        webhooks: deliversWebhooks,
      });
      await runSyncWorker({
        alongside: deliversWebhooks
          ? [(signal) => deliverWebhooks(context, format, workerId, store, allowLoopback, signal)]
          : [],
        store,
        jobs,
        workerId,
        intervalMs,
        concurrency,
        leaseTimeoutMs,
        signal: context.io.interrupt,
        onEvent: (event) => logEvent(context, format, workerId, event),
      });
    } finally {
      await store.close();
    }
  } finally {
    await close();
  }
  const reason: unknown = context.io.interrupt.reason;
  const signal =
    typeof reason === 'object' && reason !== null && 'signal' in reason ? reason.signal : 'SIGINT';
  log(context, format, { event: 'worker-stop', workerId, signal });
  context.setExitCode(signal === 'SIGTERM' ? EXIT_TERMINATED : EXIT_INTERRUPTED);
}

/** `ORDERBRIDGE_WEBHOOK_ALLOW_HTTP_LOOPBACK`, read as the service reads it. */
function loopbackReceiversAllowed(value: string | undefined): boolean {
  if (value === undefined || value === '') return false;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new UsageError(
    `ORDERBRIDGE_WEBHOOK_ALLOW_HTTP_LOOPBACK must be true or false (got "${value}").`,
  );
}

/**
 * Delivers the outbox next to the sync jobs until the worker stops: the same deliverer the
 * service runs, so any mix of workers and replicas can deliver without sending one twice.
 */
async function deliverWebhooks(
  context: CommandContext,
  format: 'text' | 'ndjson',
  workerId: string,
  store: OrderStore,
  allowLoopback: boolean,
  signal: AbortSignal,
): Promise<void> {
  const { createWebhookDeliverer } = await import('@orderbridge/store');
  const deliverer = createWebhookDeliverer({
    store,
    allowLoopback,
    onAttempt: (attempt) => {
      if (attempt.outcome === 'delivered' && !attempt.endpointDisabled) return;
      log(context, format, {
        event: 'webhook-attempt',
        workerId,
        delivery: attempt.deliveryId,
        endpoint: attempt.endpointId,
        attempt: attempt.attempt,
        outcome: attempt.outcome,
        status: attempt.statusCode ?? undefined,
        error: attempt.errorClass ?? undefined,
        endpointDisabled: attempt.endpointDisabled || undefined,
      });
    },
    onError: (error) =>
      log(context, format, {
        event: 'error',
        workerId,
        message: `webhook delivery round failed: ${error instanceof Error ? error.message : String(error)}`,
      }),
  });
  deliverer.start();
  if (!signal.aborted) {
    await new Promise<void>((resolve) =>
      signal.addEventListener('abort', () => resolve(), { once: true }),
    );
  }
  await deliverer.stop();
}

interface WorkerJobs {
  jobs: SyncWorkerJob[];
  close: () => Promise<void>;
}

/** Every tenant's providers, each into the tenant's store scope. */
async function tenantJobs(context: CommandContext, file: string): Promise<WorkerJobs> {
  const { loadTenantsFile, createProvider, resolvedCredentials, restrictedEnvironment } =
    await import('@orderbridge/config');
  const { registerSecret } = await import('@orderbridge/core');
  const path = resolve(context.io.cwd, file);
  const loaded = await loadTenantsFile(path);
  const jobs: SyncWorkerJob[] = [];
  for (const tenant of loaded.tenants) {
    // Only the variables this tenant's entries name: a missing credential must fail, not fall
    // back to a provider's default variable holding another tenant's credential.
    const env = restrictedEnvironment(tenant.providers, context.io.env);
    registerSecret(...resolvedCredentials(tenant.providers, env));
    for (const entry of tenant.providers) {
      const provider: OrderProvider = await createProvider(entry, {
        env,
        baseDir: loaded.baseDir,
        transport: context.transport(),
      });
      jobs.push({ scope: tenant.storeScope ?? tenant.id, provider });
    }
  }
  return { jobs, close: async () => {} };
}

/** The CLI's configured providers, into the scope `default` (what `orderbridge sync` writes). */
async function configuredJobs(
  context: CommandContext,
  config: Awaited<ReturnType<typeof loadConfig>>,
): Promise<WorkerJobs> {
  const session: ProviderSession = await openProviders(config, {
    env: context.io.env,
    sandboxOrders: context.global.sandboxOrders,
    transport: context.transport(),
    note: context.note,
  });
  const jobs = session.providers.flatMap((provider) =>
    provider.instance ? [{ scope: 'default', provider: provider.instance }] : [],
  );
  return { jobs, close: () => session.close() };
}

function logEvent(
  context: CommandContext,
  format: 'text' | 'ndjson',
  workerId: string,
  event: SyncWorkerEvent,
): void {
  if (event.type === 'error') {
    log(context, format, { event: 'error', workerId, message: event.error.message });
    return;
  }
  const job = `${event.lease.scope}/${event.lease.provider}`;
  const base = { workerId, job, generation: event.lease.generation };
  if (event.type === 'job-start') {
    log(context, format, {
      event: 'job-start',
      ...base,
      mode: event.mode,
      resumed: event.resumed,
      tookOverExpired: event.lease.tookOverExpired,
      reason: event.reason,
    });
  } else if (event.type === 'job-end') {
    const { result } = event;
    log(context, format, {
      event: 'job-end',
      ...base,
      outcome: event.outcome,
      ...result.counts,
      seconds: Math.round(result.durationMs) / 1000,
      ...(result.error ? { error: result.error.message } : {}),
    });
  } else {
    log(context, format, { event: 'lease-lost', ...base });
  }
}

/** One log line on stdout: JSON with `--format ndjson`, else `key=value` pairs after a time. */
function log(context: CommandContext, format: 'text' | 'ndjson', fields: Record<string, unknown>) {
  const at = context.io.now().toISOString();
  if (format === 'ndjson') {
    context.io.stdout.write(`${JSON.stringify({ at, ...fields })}\n`);
    return;
  }
  const { event, ...rest } = fields;
  const pairs = Object.entries(rest)
    .filter(([, value]) => value !== undefined)
    .map(
      ([key, value]) =>
        `${key}=${typeof value === 'string' && /\s/.test(value) ? JSON.stringify(value) : String(value)}`,
    );
  context.io.stdout.write(`${at} ${String(event)} ${pairs.join(' ')}\n`);
}
