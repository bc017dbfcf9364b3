import type { ChildProcess } from 'node:child_process';
import type { Order } from '@orderbridge/core';
import {
  createOrderStore,
  type OrderStore,
  type WebhookDelivery,
  type WebhookEndpoint,
  WebhookStore,
} from '@orderbridge/store';
import {
  type LoopbackReceiver,
  type ReceivedRequest,
  startLoopbackReceiver,
} from '@orderbridge/testkit';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CliResult,
  finished,
  killStrayProcesses,
  parseNdjson,
  runCli,
  spawnCli,
  waitFor,
} from './support/cli-process.js';
import { type FreshPostgresDatabase, freshPostgresDatabase } from './support/postgres-database.js';
import { type SandboxProcess, startSandboxProcess } from './support/sandbox-process.js';

// `orderbridge worker` (the built binary) syncs a sandbox in another process into a PostgreSQL
// store of its own and delivers the store's outgoing webhooks to a receiver on 127.0.0.1: first a
// worker with --no-webhooks, which syncs and leaves the outbox alone, then a delivering one, which
// sends each queued delivery once, signed with the endpoint's secret.

const POSTGRES_URL = process.env.ORDERBRIDGE_TEST_DATABASE_URL;
const FLEXPORTAL_ORDERS = 150;
/** Exit code of a worker stopped with SIGTERM (128 + 15). */
const EXIT_TERMINATED = 143;

interface WorkerLine {
  event: string;
  job?: string;
  outcome?: string;
  webhooks?: boolean;
}

interface OrderEvent {
  type: string;
  data: { change: { key: string; kind: string }; order: { key: string } };
}

/** A worker process, its log lines so far, and its result once it exits. */
interface RunningWorker {
  child: ChildProcess;
  lines(): WorkerLine[];
  result: Promise<CliResult>;
}

describe.skipIf(POSTGRES_URL === undefined)('orderbridge worker delivers outgoing webhooks', () => {
  let sandbox: SandboxProcess;
  let database: FreshPostgresDatabase;
  let store: OrderStore;
  let webhooks: WebhookStore;
  let receiver: LoopbackReceiver;
  let endpoint: WebhookEndpoint;
  let secret: string;
  let queued: WebhookDelivery[];

  const startWorker = async (...flags: string[]): Promise<RunningWorker> => {
    const child = await spawnCli(
      ['worker', '--database', database.url, '--interval', '1s', '--format', 'ndjson', ...flags],
      { env: { ...sandbox.env, ORDERBRIDGE_WEBHOOK_ALLOW_HTTP_LOOPBACK: 'true' } },
    );
    const result = finished(child);
    let stdout = '';
    child.stdout?.on('data', (chunk: string | Buffer) => {
      stdout += chunk.toString();
    });
    // Only whole lines: the last one may still be on its way.
    const lines = () => parseNdjson<WorkerLine>(stdout.slice(0, stdout.lastIndexOf('\n') + 1));
    return { child, lines, result };
  };
  /** How many runs of a job the worker has completed. */
  const completedRuns = (worker: RunningWorker, job: string) =>
    worker
      .lines()
      .filter(
        (line) => line.event === 'job-end' && line.job === job && line.outcome === 'completed',
      ).length;
  const terminate = async (worker: RunningWorker) => {
    worker.child.kill('SIGTERM');
    const result = await worker.result;
    expect(result.code, result.stderr).toBe(EXIT_TERMINATED);
    return result;
  };
  /** Every delivery of the endpoint in the store's delivery log. */
  const deliveries = async () => {
    const all: WebhookDelivery[] = [];
    for (let cursor: string | undefined; ; ) {
      const page = await webhooks.listDeliveries(endpoint.id, { cursor, limit: 100 });
      all.push(...page.deliveries);
      if (page.nextCursor === null) return all;
      cursor = page.nextCursor;
    }
  };

  beforeAll(async () => {
    sandbox = await startSandboxProcess([
      '--flexportal-orders',
      String(FLEXPORTAL_ORDERS),
      '--flexfactor-orders',
      '0',
      '--seed',
      '31',
    ]);
    database = await freshPostgresDatabase(POSTGRES_URL!, 'worker_webhooks_e2e');
    store = await createOrderStore({ url: database.url });
    webhooks = new WebhookStore(store);
    receiver = await startLoopbackReceiver();
    // Registered before any sync: the outbox rows are written with the changes they announce.
    ({ endpoint, secret } = await webhooks.createEndpoint(
      {
        scope: 'default',
        url: receiver.url,
        events: ['order.created', 'order.updated', 'order.vanished'],
      },
      { allowLoopback: true },
    ));
  });
  afterAll(async () => {
    killStrayProcesses();
    await receiver?.close();
    await store?.close();
    await database?.drop();
    await sandbox?.stop();
  });

  it('with --no-webhooks a worker syncs every order and queues their deliveries, but sends none', async () => {
    const worker = await startWorker('--no-webhooks');
    // A second run of each job starts an --interval (1 s) after the first ended: by then a
    // delivering worker would have polled the outbox (every second) and sent what the first
    // run queued.
    await waitFor(
      () =>
        completedRuns(worker, 'default/flexportal') >= 2 &&
        completedRuns(worker, 'default/flexfactor') >= 2,
      60_000,
    );
    const result = await terminate(worker);
    expect(receiver.received).toHaveLength(0);
    expect(await store.countOrders('default', 'flexportal')).toBe(FLEXPORTAL_ORDERS);
    queued = await deliveries();
    expect(queued).toHaveLength(FLEXPORTAL_ORDERS);
    expect(queued.every((delivery) => delivery.status === 'pending')).toBe(true);
    expect(queued.every((delivery) => delivery.attempts.length === 0)).toBe(true);
    expect(parseNdjson<WorkerLine>(result.stdout)[0]).toMatchObject({
      event: 'worker-start',
      webhooks: false,
    });
  });

  it('a delivering worker sends each queued delivery once, signed, one per sandbox order', async () => {
    const worker = await startWorker();
    // Polled: done once the receiver has one request per order and the log says all delivered.
    await waitFor(
      async () =>
        receiver.received.length >= FLEXPORTAL_ORDERS &&
        (await deliveries()).every((delivery) => delivery.status === 'delivered'),
      60_000,
      100,
    );
    const result = await terminate(worker);
    expect(parseNdjson<WorkerLine>(result.stdout)[0]).toMatchObject({
      event: 'worker-start',
      webhooks: true,
    });
    // Nothing failed on the way, so the worker logged no attempt.
    expect(parseNdjson<WorkerLine>(result.stdout).map((line) => line.event)).not.toContain(
      'webhook-attempt',
    );

    const verifier = new Webhook(secret);
    const events = receiver.received.map((request) => {
      const headers = headersOf(request);
      // Throws on a bad signature or a timestamp outside the tolerance.
      verifier.verify(request.body, headers);
      return { id: headers['webhook-id']!, event: JSON.parse(request.body) as OrderEvent };
    });
    // The check can fail: another secret's signature does not verify.
    const impostor = new Webhook(
      `whsec_${Buffer.from('not-the-endpoint-secret').toString('base64')}`,
    );
    expect(() =>
      impostor.verify(receiver.received[0]!.body, headersOf(receiver.received[0]!)),
    ).toThrow(WebhookVerificationError);
    const ids = events.map((entry) => entry.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids)).toEqual(new Set(queued.map((delivery) => delivery.id)));
    expect(events.every(({ event }) => event.type === 'order.created')).toBe(true);
    expect(events.every(({ event }) => event.data.change.key === event.data.order.key)).toBe(true);

    const live = await runCli(['orders', 'list', '--all', '--format', 'ndjson'], {
      env: { ...sandbox.env },
    });
    expect(live.code, live.stderr).toBe(0);
    const sandboxKeys = parseNdjson<Order>(live.stdout).map((order) => order.key);
    expect(sandboxKeys).toHaveLength(FLEXPORTAL_ORDERS);
    const deliveredKeys = events.map(({ event }) => event.data.order.key);
    expect(deliveredKeys.sort()).toEqual(sandboxKeys.sort());
  });
});

/** A received request's headers as the verifier takes them (one string per name). */
function headersOf(request: ReceivedRequest): Record<string, string> {
  return Object.fromEntries(
    Object.entries(request.headers).map(([name, value]) => [
      name,
      Array.isArray(value) ? value.join(', ') : String(value),
    ]),
  );
}
