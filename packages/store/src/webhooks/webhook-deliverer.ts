import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { OrderStore } from '../order-store.js';
import {
  DEFAULT_RETRY_SCHEDULE,
  retryDelayMs,
  type WebhookRetrySchedule,
} from './webhook-retry-schedule.js';
import { type SendResult, sendWebhook } from './webhook-sender.js';
import { WebhookStore } from './webhook-store.js';

/** Settings of {@link createWebhookDeliverer}. Only `store` is required. */
export interface WebhookDelivererSettings {
  /** The order store whose outbox is delivered (opened with `createOrderStore`). */
  store: OrderStore;
  /** Name of this deliverer in leases (default: a random id per deliverer). */
  owner?: string | undefined;
  /** Deliveries claimed per round (default 10), sent concurrently. */
  batchSize?: number | undefined;
  /** How long a claim holds a delivery, in ms (default 60 s); must exceed `timeoutMs`. */
  leaseMs?: number | undefined;
  /** Time a receiver has to answer, in ms (default 10 s). */
  timeoutMs?: number | undefined;
  /** Wait between rounds that found nothing due, in ms (default 1 s). */
  pollIntervalMs?: number | undefined;
  /** Retry schedule (default: full-jitter backoff from 5 s up to 1 h, for 24 h). */
  retrySchedule?: Partial<WebhookRetrySchedule> | undefined;
  /**
   * An endpoint none of whose attempts succeeded for this long is disabled (default 24 h, the
   * retry window): its failures are no passing outage.
   */
  disableAfterMs?: number | undefined;
  /** Allow loopback receivers (http too): development and tests only. Default false. */
  allowLoopback?: boolean | undefined;
  /** Clock (default `Date.now`). */
  now?: (() => number) | undefined;
  /** Random numbers in [0, 1) for the jitter (default `Math.random`). */
  random?: (() => number) | undefined;
  /** Told of every attempt (for logs and metrics); never given the secret. */
  onAttempt?: ((attempt: WebhookAttemptEvent) => void) | undefined;
  /** Told when a round fails as a whole (the database unreachable); the loop goes on. */
  onError?: ((error: unknown) => void) | undefined;
}

/** One attempt, as `onAttempt` reports it. */
export interface WebhookAttemptEvent {
  deliveryId: string;
  endpointId: string;
  attempt: number;
  outcome: 'delivered' | 'retrying' | 'failed';
  statusCode: number | null;
  errorClass: string | null;
  durationMs: number;
  /** The endpoint was disabled by this attempt. */
  endpointDisabled: boolean;
}

/** What one round did. */
export interface DeliveryRound {
  claimed: number;
  delivered: number;
  /** Failed attempts that will be retried. */
  retrying: number;
  /** Deliveries whose retry window ran out: failed for good. */
  failed: number;
}

/** A running (or stopped) deliverer. */
export interface WebhookDeliverer {
  /** Starts the loop (idempotent). */
  start(): void;
  /** Stops the loop and waits for the round in flight. Its leases simply expire if cut short. */
  stop(): Promise<void>;
  /** One round: claims due deliveries, sends them, records each attempt. */
  deliverDue(): Promise<DeliveryRound>;
}

/**
 * Creates the delivery engine of the outbox. Every state lives in the database: a deliverer
 * that dies mid-send leaves a lease that expires, and another (or the restarted one) takes the
 * delivery over — at-least-once, with the same `webhook-id`. Several deliverers (service
 * replicas, workers) can run against one PostgreSQL store: a claim takes rows with
 * `FOR UPDATE SKIP LOCKED`, so no two hold the same delivery at once.
 */
export function createWebhookDeliverer(settings: WebhookDelivererSettings): WebhookDeliverer {
  const webhooks = new WebhookStore(settings.store);
  const db = webhooks.database;
  const owner = settings.owner ?? `deliverer-${randomUUID()}`;
  const batchSize = settings.batchSize ?? 10;
  const timeoutMs = settings.timeoutMs ?? 10_000;
  const leaseMs = settings.leaseMs ?? 60_000;
  if (leaseMs <= timeoutMs) {
    throw new RangeError(`leaseMs (${leaseMs}) must exceed timeoutMs (${timeoutMs})`);
  }
  const pollIntervalMs = settings.pollIntervalMs ?? 1_000;
  const schedule = { ...DEFAULT_RETRY_SCHEDULE, ...settings.retrySchedule };
  const disableAfterMs = settings.disableAfterMs ?? schedule.retryWindowMs;
  const now = settings.now ?? Date.now;
  const random = settings.random ?? Math.random;
  const policy = { allowLoopback: settings.allowLoopback ?? false };
  const iso = (time: number) => new Date(time).toISOString();

  async function claim() {
    const claimedAt = now();
    let due = db
      .selectFrom('webhook_deliveries')
      .select('id')
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', iso(claimedAt))
      .where((eb) =>
        eb.or([eb('lease_expires_at', 'is', null), eb('lease_expires_at', '<', iso(claimedAt))]),
      )
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('webhook_endpoints')
            .select('webhook_endpoints.id')
            .whereRef('webhook_endpoints.id', '=', 'webhook_deliveries.endpoint_id')
            .where('webhook_endpoints.enabled', '=', 1),
        ),
      )
      .orderBy('next_attempt_at')
      .limit(batchSize);
    // Rows another deliverer is claiming right now are skipped, not waited for. SQLite needs no
    // clause: one statement is atomic and writers are serialised.
    if (webhooks.dialect === 'postgres') due = due.forUpdate().skipLocked();
    return db
      .updateTable('webhook_deliveries')
      .set({ lease_owner: owner, lease_expires_at: iso(claimedAt + leaseMs) })
      .where('id', 'in', due)
      .returning(['id', 'endpoint_id', 'payload', 'attempts', 'created_at'])
      .execute();
  }

  async function attempt(delivery: Awaited<ReturnType<typeof claim>>[number]) {
    const endpoint = await db
      .selectFrom('webhook_endpoints')
      .select(['url', 'secret'])
      .where('id', '=', delivery.endpoint_id)
      .executeTakeFirst();
    if (endpoint === undefined) return null;
    const started = now();
    const startedClock = performance.now();
    const signer = new Webhook(endpoint.secret);
    const timestamp = new Date(started);
    const headers = {
      'webhook-id': delivery.id,
      'webhook-timestamp': String(Math.floor(started / 1000)),
      'webhook-signature': signer.sign(delivery.id, timestamp, delivery.payload),
    };
    const result: SendResult = await sendWebhook({
      url: endpoint.url,
      body: delivery.payload,
      headers,
      timeoutMs,
      policy,
    });
    const durationMs = Math.round(performance.now() - startedClock);
    return record(delivery, result, started, durationMs);
  }

  async function record(
    delivery: Awaited<ReturnType<typeof claim>>[number],
    result: SendResult,
    started: number,
    durationMs: number,
  ): Promise<WebhookAttemptEvent> {
    const attemptNumber = Number(delivery.attempts) + 1;
    const finished = now();
    const deadline = Date.parse(delivery.created_at) + schedule.retryWindowMs;
    const outcome: WebhookAttemptEvent['outcome'] = result.ok
      ? 'delivered'
      : finished >= deadline
        ? 'failed'
        : 'retrying';
    const lastError = result.ok ? null : result.message;
    let endpointDisabled = false;
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('webhook_attempts')
        .values({
          delivery_id: delivery.id,
          attempt: attemptNumber,
          started_at: iso(started),
          duration_ms: durationMs,
          outcome: result.ok ? 'delivered' : 'failed',
          status_code: result.statusCode,
          error_class: result.ok ? null : result.errorClass,
          error_message: lastError,
        })
        .execute();
      // Only while this deliverer still holds the lease: one that lost it (took longer than the
      // lease) must not overwrite the state written by the deliverer that took over.
      await trx
        .updateTable('webhook_deliveries')
        .set({
          attempts: attemptNumber,
          status: outcome === 'retrying' ? 'pending' : outcome,
          last_attempt_at: iso(started),
          last_error: lastError,
          delivered_at: result.ok ? iso(finished) : null,
          next_attempt_at: iso(
            Math.min(finished + retryDelayMs(attemptNumber, schedule, random), deadline),
          ),
          lease_owner: null,
          lease_expires_at: null,
        })
        .where('id', '=', delivery.id)
        .where('lease_owner', '=', owner)
        .execute();
      if (result.ok) {
        await trx
          .updateTable('webhook_endpoints')
          .set({ failing_since: null, consecutive_failures: 0 })
          .where('id', '=', delivery.endpoint_id)
          .execute();
        return;
      }
      await trx
        .updateTable('webhook_endpoints')
        .set((eb) => ({
          failing_since: eb.fn.coalesce('failing_since', eb.val(iso(started))),
          consecutive_failures: eb('consecutive_failures', '+', 1),
        }))
        .where('id', '=', delivery.endpoint_id)
        .execute();
      const disabled = await trx
        .updateTable('webhook_endpoints')
        .set({
          enabled: 0,
          disabled_at: iso(finished),
          disabled_reason: `Every delivery attempt failed for ${formatHours(disableAfterMs)} (last: ${lastError}); re-enable it once the receiver works again.`,
        })
        .where('id', '=', delivery.endpoint_id)
        .where('enabled', '=', 1)
        .where('failing_since', '<=', iso(finished - disableAfterMs))
        .executeTakeFirst();
      endpointDisabled = Number(disabled.numUpdatedRows) > 0;
    });
    const event: WebhookAttemptEvent = {
      deliveryId: delivery.id,
      endpointId: delivery.endpoint_id,
      attempt: attemptNumber,
      outcome,
      statusCode: result.statusCode,
      errorClass: result.ok ? null : result.errorClass,
      durationMs,
      endpointDisabled,
    };
    settings.onAttempt?.(event);
    return event;
  }

  async function deliverDue(): Promise<DeliveryRound> {
    const claimed = await claim();
    const events = await Promise.all(claimed.map(attempt));
    const round: DeliveryRound = { claimed: claimed.length, delivered: 0, retrying: 0, failed: 0 };
    for (const event of events) {
      if (event === null) continue;
      round[event.outcome === 'delivered' ? 'delivered' : event.outcome]++;
    }
    return round;
  }

  let running = false;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  return {
    deliverDue,
    start() {
      if (running) return;
      running = true;
      loop = (async () => {
        while (running) {
          try {
            const round = await deliverDue();
            if (round.claimed === 0 && running) await pause(pollIntervalMs);
          } catch (error) {
            settings.onError?.(error);
            if (running) await pause(pollIntervalMs);
          }
        }
      })();
    },
    async stop() {
      running = false;
      wake?.();
      await loop;
      loop = undefined;
    },
  };
}

function formatHours(ms: number): string {
  const hours = ms / 3_600_000;
  return hours >= 1 ? `${Math.round(hours * 10) / 10} h` : `${Math.round(ms / 1000)} s`;
}
