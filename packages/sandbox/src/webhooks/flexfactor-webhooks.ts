import { z } from 'zod';
import type { FlexFactorWebhookPayload } from './flexfactor-webhook-events.js';

/** `POST /_sandbox/flexfactor/webhooks`, `startSandbox({ flexfactor: { webhooks } })`: a subscription. */
export const webhookSubscriptionSchema = z.strictObject({
  /** Where to POST the events (http or https). */
  url: z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' }),
  /** Only events of this merchant's orders (FlexFactor webhooks are set up per merchant); default all. */
  merchantId: z.string().min(1).optional(),
});

/** What a subscription asks for. */
export type WebhookSubscriptionInput = z.input<typeof webhookSubscriptionSchema>;

/** A registered subscription. */
export interface WebhookSubscription {
  /** `ffwh_1`, `ffwh_2`, … in registration order. */
  id: string;
  /** Where events are POSTed. */
  url: string;
  /** Only this merchant's orders, when set. */
  merchantId?: string;
}

/** One event sent (or being sent) to one subscription. */
export interface WebhookDelivery {
  /** The subscription it goes to. */
  subscriptionId: string;
  /** The event name. */
  event: string;
  /** The FlexFactor order id. */
  orderId: string;
  /** Attempts made so far. */
  attempts: number;
  /** `pending` while attempts remain, then `delivered` (a 2xx) or `failed`. */
  outcome: 'pending' | 'delivered' | 'failed';
  /** The last attempt's HTTP status, when it got an answer. */
  lastStatus?: number;
  /** The last attempt's network error, when it got none. */
  lastError?: string;
}

/** Waits before the 2nd, 3rd and 4th attempts, in ms: a receiver down briefly still gets the event. */
export const WEBHOOK_RETRY_DELAYS_MS = [500, 2000, 5000] as const;
/** Time one attempt may take. */
const ATTEMPT_TIMEOUT_MS = 5000;
/** Deliveries kept for `deliveries()`, newest last. */
const DELIVERY_LOG_SIZE = 1000;

/**
 * The sandbox's FlexFactor webhook sender: subscriptions, and delivery of each event as one HTTP
 * POST whose body is the JSON text of the payload sent as `text/plain` (as FlexFactor sends it),
 * with a few retries on a network error or a non-2xx answer (`isResent: true` on a retry).
 * Events go to each subscription one at a time, in the order the changes were made (a delivery
 * being retried holds back the later ones); deliveries run in the background and never block or
 * fail the change that caused them.
 */
export class FlexFactorWebhooks {
  private readonly subscriptions = new Map<string, WebhookSubscription>();
  private readonly log: WebhookDelivery[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  /** Per subscription, the last delivery run: the next one starts after it (events in order). */
  private readonly chains = new Map<string, Promise<void>>();
  private readonly stopping = new AbortController();
  private nextId = 1;

  /**
   * Registers a subscription.
   * @throws TypeError when the URL is not an absolute http(s) URL (the message names the field)
   */
  subscribe(input: WebhookSubscriptionInput): WebhookSubscription {
    const parsed = webhookSubscriptionSchema.safeParse(input);
    if (!parsed.success) {
      throw new TypeError(
        `Invalid FlexFactor webhook subscription: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`).join('; ')}`,
      );
    }
    const subscription: WebhookSubscription = {
      id: `ffwh_${this.nextId++}`,
      url: parsed.data.url,
      ...(parsed.data.merchantId !== undefined ? { merchantId: parsed.data.merchantId } : {}),
    };
    this.subscriptions.set(subscription.id, subscription);
    return { ...subscription };
  }

  /** Every subscription, in registration order. */
  list(): WebhookSubscription[] {
    return [...this.subscriptions.values()].map((subscription) => ({ ...subscription }));
  }

  /** Removes one subscription (false when there is none by that id), or every one. */
  unsubscribe(id?: string): boolean {
    if (id === undefined) {
      this.subscriptions.clear();
      return true;
    }
    return this.subscriptions.delete(id);
  }

  /** The latest deliveries (up to 1000), oldest first: copies. */
  deliveries(): WebhookDelivery[] {
    return this.log.map((delivery) => ({ ...delivery }));
  }

  /**
   * Sends events to every subscription they match, in the background.
   * @param events payloads, each with the merchant of its order
   */
  send(events: ReadonlyArray<{ payload: FlexFactorWebhookPayload; merchantId: string }>): void {
    if (events.length === 0 || this.subscriptions.size === 0) return;
    for (const subscription of this.subscriptions.values()) {
      const matching = events.filter(
        (event) =>
          subscription.merchantId === undefined || subscription.merchantId === event.merchantId,
      );
      if (matching.length === 0) continue;
      const payloads = matching.map((event) => event.payload);
      const deliveries = this.logPending(subscription, payloads);
      const previous = this.chains.get(subscription.id) ?? Promise.resolve();
      const run: Promise<void> = previous
        .then(() => this.deliverAll(subscription, payloads, deliveries))
        .finally(() => {
          this.inFlight.delete(run);
          if (this.chains.get(subscription.id) === run) this.chains.delete(subscription.id);
        });
      this.chains.set(subscription.id, run);
      this.inFlight.add(run);
    }
  }

  /** Waits until every delivery started so far has finished (delivered or given up). */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /** Stops: pending retries are abandoned and attempts in progress aborted. */
  async close(): Promise<void> {
    this.stopping.abort();
    await this.settled();
  }

  /** Logs each event as pending at once, so `deliveries()` shows every event sent until it settles. */
  private logPending(
    subscription: WebhookSubscription,
    payloads: readonly FlexFactorWebhookPayload[],
  ): WebhookDelivery[] {
    const deliveries = payloads.map((payload) => {
      const delivery: WebhookDelivery = {
        subscriptionId: subscription.id,
        event: payload.event,
        orderId: payload.orderId,
        attempts: 0,
        outcome: 'pending',
      };
      this.log.push(delivery);
      return delivery;
    });
    if (this.log.length > DELIVERY_LOG_SIZE)
      this.log.splice(0, this.log.length - DELIVERY_LOG_SIZE);
    return deliveries;
  }

  private async deliverAll(
    subscription: WebhookSubscription,
    payloads: readonly FlexFactorWebhookPayload[],
    deliveries: readonly WebhookDelivery[],
  ): Promise<void> {
    for (const [index, payload] of payloads.entries()) {
      const delivery = deliveries[index] as WebhookDelivery;
      if (this.stopping.signal.aborted) {
        delivery.outcome = 'failed';
        delivery.lastError = 'the sandbox stopped';
        continue;
      }
      await this.deliver(subscription, payload, delivery);
    }
  }

  private async deliver(
    subscription: WebhookSubscription,
    payload: FlexFactorWebhookPayload,
    delivery: WebhookDelivery,
  ): Promise<void> {
    for (let attempt = 0; attempt <= WEBHOOK_RETRY_DELAYS_MS.length; attempt++) {
      if (attempt > 0) {
        const waited = await sleep(
          WEBHOOK_RETRY_DELAYS_MS[attempt - 1] as number,
          this.stopping.signal,
        );
        if (!waited) break;
      }
      delivery.attempts++;
      try {
        const response = await fetch(subscription.url, {
          method: 'POST',
          headers: { 'content-type': 'text/plain; charset=utf-8' },
          body: JSON.stringify({ ...payload, isResent: attempt > 0 }),
          signal: AbortSignal.any([this.stopping.signal, AbortSignal.timeout(ATTEMPT_TIMEOUT_MS)]),
        });
        // The body is not read by FlexFactor either; release the connection.
        await response.body?.cancel();
        delivery.lastStatus = response.status;
        delete delivery.lastError;
        if (response.ok) {
          delivery.outcome = 'delivered';
          return;
        }
      } catch (error) {
        delivery.lastError = error instanceof Error ? error.message : String(error);
      }
    }
    delivery.outcome = 'failed';
  }
}

/** Resolves true after `ms`, or false at once when `signal` aborts first. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
