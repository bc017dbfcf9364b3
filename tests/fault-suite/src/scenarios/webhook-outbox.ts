import { join } from 'node:path';
import type { Sandbox } from '@orderbridge/sandbox';
import {
  createOrderStore,
  type OrderStore,
  syncOrders,
  type WebhookDelivery,
  WebhookStore,
} from '@orderbridge/store';
import { type LoopbackReceiver, startLoopbackReceiver } from '@orderbridge/testkit';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { temporaryDirectory } from '../support/cli-process.js';
import { seededRandom } from '../support/run-options.js';
import {
  SERVICE_KEYS,
  type ServiceProcess,
  startServiceProcess,
} from '../support/service-process.js';
import { flexPortalOn, startSuiteSandbox } from '../support/suite-sandbox.js';

/** The service's delivery settings: fast retries, a short timeout, a short lease (crash recovery). */
const DELIVERY_ENVIRONMENT = {
  ORDERBRIDGE_WEBHOOK_ALLOW_HTTP_LOOPBACK: 'true',
  ORDERBRIDGE_WEBHOOK_TIMEOUT_MS: '300',
  ORDERBRIDGE_WEBHOOK_LEASE_MS: '1500',
  ORDERBRIDGE_WEBHOOK_POLL_INTERVAL_MS: '50',
  ORDERBRIDGE_WEBHOOK_RETRY_INITIAL_DELAY_MS: '50',
  ORDERBRIDGE_WEBHOOK_RETRY_MAX_DELAY_MS: '400',
};

/**
 * The outgoing-webhook outbox under faults: a receiver that answers 500 or never answers (the
 * deliverer's timeout) to a seeded share of requests, and the service killed with SIGKILL while
 * it delivers, then started again. Every outbox delivery must reach the receiver with a valid
 * signature (lost: 0); deliveries received more than once by `webhook-id` (at-least-once after a
 * crash) are counted and reported, and the receiver deduplicates them by that id.
 */
export function describeWebhookOutbox(): void {
  describe('webhook outbox under receiver faults and a service crash', () => {
    const seed = Number(process.env.FAULT_SUITE_SEED ?? Math.floor(Math.random() * 2 ** 31));
    let sandbox: Sandbox;
    let store: OrderStore;
    let receiver: LoopbackReceiver;
    let service: ServiceProcess | undefined;
    let databaseUrl: string;

    beforeAll(async () => {
      sandbox = await startSuiteSandbox({ flexportal: 150, flexfactor: 0, seed: 41 });
      databaseUrl = `sqlite:${join(await temporaryDirectory(), 'outbox.db')}`;
      store = await createOrderStore({ url: databaseUrl });
      receiver = await startLoopbackReceiver();
    });
    afterAll(async () => {
      await service?.stop();
      await receiver?.close();
      await store?.close();
      await sandbox?.close();
    });

    it(`delivers every change through 500s, timeouts and a SIGKILL of the service: 0 lost (seed ${seed})`, async () => {
      const random = seededRandom(seed);
      receiver.answer(() => {
        const draw = random();
        return draw < 0.25 ? 500 : draw < 0.35 ? 'hang' : 204;
      });
      const startService = () =>
        startServiceProcess(sandbox, {
          ORDERBRIDGE_DATABASE_URL: databaseUrl,
          ...DELIVERY_ENVIRONMENT,
        });
      service = await startService();
      const registered = await fetch(`${service.url}/v1/webhooks`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${SERVICE_KEYS.main}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          url: receiver.url,
          events: ['order.created', 'order.updated', 'order.vanished'],
        }),
      });
      expect(registered.status).toBe(201);
      const { id: endpointId, secret } = (await registered.json()) as {
        id: string;
        secret: string;
      };

      // The tenant `main` reads and writes store scope `main`.
      const sync = () =>
        syncOrders({
          store,
          scope: 'main',
          providers: [flexPortalOn(sandbox, { label: 'webhook-outbox' })],
        });
      await sync();
      // Killed while it delivers: in-flight attempts are neither finished nor recorded.
      await expect
        .poll(() => receiver.received.length, { timeout: 30_000, interval: 20 })
        .toBeGreaterThan(20);
      await service.kill();
      // Changes keep coming while the service is down.
      sandbox.flexportal.churn({ count: 10, newOrders: 15, vanish: 5, seed });
      await sync();
      service = await startService();

      const webhooks = new WebhookStore(store);
      const outbox = async (): Promise<WebhookDelivery[]> => {
        const deliveries: WebhookDelivery[] = [];
        let cursor: string | undefined;
        do {
          const page = await webhooks.listDeliveries(endpointId, { cursor, limit: 100 });
          deliveries.push(...page.deliveries);
          cursor = page.nextCursor ?? undefined;
        } while (cursor !== undefined);
        return deliveries;
      };
      await expect
        .poll(
          async () => (await outbox()).filter((delivery) => delivery.status !== 'delivered').length,
          {
            timeout: 90_000,
            interval: 250,
          },
        )
        .toBe(0);

      const all = await outbox();
      const verifier = new Webhook(secret);
      const accepted: string[] = [];
      let badSignatures = 0;
      for (const request of receiver.received) {
        if (request.answer !== 204) continue;
        try {
          verifier.verify(request.body, request.headers as Record<string, string>);
          accepted.push(request.headers['webhook-id'] as string);
        } catch {
          badSignatures += 1;
        }
      }
      const unique = new Set(accepted);
      const lost = all.filter((delivery) => !unique.has(delivery.id)).length;
      const duplicated = accepted.length - unique.size;
      const failedAttempts = all.reduce(
        (sum, delivery) =>
          sum + delivery.attempts.filter((attempt) => attempt.outcome === 'failed').length,
        0,
      );
      const timeouts = all.reduce(
        (sum, delivery) =>
          sum + delivery.attempts.filter((attempt) => attempt.errorClass === 'timeout').length,
        0,
      );
      console.info(
        `webhook outbox (seed ${seed}): ${all.length} deliveries, ${receiver.received.length} requests, ${failedAttempts} failed attempts (${timeouts} timeouts), lost ${lost}, duplicated by webhook-id ${duplicated}`,
      );
      expect(all.length).toBeGreaterThanOrEqual(150);
      expect(badSignatures).toBe(0);
      expect(lost).toBe(0);
      // Each delivery is accepted at least once, and no id was accepted more often than the
      // attempts the crash could have cut short (one claimed batch).
      expect(unique.size).toBe(all.length);
      expect(duplicated).toBeLessThanOrEqual(10);
      // Faults really happened: errors and timeouts were retried.
      expect(failedAttempts).toBeGreaterThan(0);
      expect(timeouts).toBeGreaterThan(0);
    });
  });
}
