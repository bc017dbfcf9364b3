import type { IncomingMessage, ServerResponse } from 'node:http';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';

/** One OrderBridge event, as the payload of a delivery carries it. */
export interface OrderBridgeEvent {
  /** `order.created`, `order.updated` or `order.vanished`. */
  type: string;
  /** ISO 8601 time the change was observed. */
  timestamp: string;
  data: {
    /** The change-log entry: `seq` grows in commit order within a store scope. */
    change: {
      seq: number;
      key: string;
      provider: string;
      kind: string;
      diff: unknown;
      observedAt: string;
    };
    /** The canonical order as the change left it. */
    order: Record<string, unknown>;
  };
}

/** Settings of {@link createWebhookReceiver}. */
export interface WebhookReceiverSettings {
  /** The endpoint's secret (`whsec_…`), as `POST /v1/webhooks` returned it. */
  secret: string;
  /** Called once per delivery id; a throw answers 500, so OrderBridge retries later. */
  onEvent: (event: OrderBridgeEvent, webhookId: string) => void | Promise<void>;
  /** Largest body accepted, in bytes (default 1 MiB). */
  maxBodyBytes?: number;
  /** Delivery ids remembered for deduplication (default 10,000; a database does better). */
  rememberIds?: number;
}

/**
 * A node:http request handler for OrderBridge deliveries: it reads the raw body (the signature is
 * over the exact bytes, so it must not be parsed and re-serialised first), verifies it with the
 * `standardwebhooks` library (signature and a timestamp within five minutes), and hands each
 * `webhook-id` to `onEvent` once — a retried delivery (at-least-once) is acknowledged without
 * being processed again. Answers 204 on success, 400 to a bad signature, 413 to a body too large.
 */
export function createWebhookReceiver(
  settings: WebhookReceiverSettings,
): (request: IncomingMessage, response: ServerResponse) => void {
  const verifier = new Webhook(settings.secret);
  const maxBodyBytes = settings.maxBodyBytes ?? 1024 * 1024;
  const rememberIds = settings.rememberIds ?? 10_000;
  // Insertion-ordered: the oldest id is forgotten first.
  const seen = new Set<string>();

  return (request, response) => {
    if (request.method !== 'POST') {
      response.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        response.writeHead(413).end();
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', async () => {
      if (response.writableEnded) return;
      const body = Buffer.concat(chunks).toString('utf8');
      let event: OrderBridgeEvent;
      try {
        event = verifier.verify(
          body,
          request.headers as Record<string, string>,
        ) as OrderBridgeEvent;
      } catch (error) {
        if (!(error instanceof WebhookVerificationError)) throw error;
        response.writeHead(400, { 'content-type': 'text/plain' }).end('invalid signature\n');
        return;
      }
      const webhookId = request.headers['webhook-id'] as string;
      if (seen.has(webhookId)) {
        response.writeHead(204).end();
        return;
      }
      try {
        await settings.onEvent(event, webhookId);
      } catch {
        response.writeHead(500).end();
        return;
      }
      seen.add(webhookId);
      if (seen.size > rememberIds) seen.delete(seen.values().next().value as string);
      response.writeHead(204).end();
    });
  };
}
