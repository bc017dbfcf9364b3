import { randomUUID } from 'node:crypto';
import type { Insertable, Transaction } from 'kysely';
import type { OrderDiff } from '../order-store.js';
import type { StoreDatabase } from '../schema/store-database.js';
import { webhookEventOf } from './webhook-events.js';
import type { WebhookDeliveriesTable } from './webhook-tables.js';

/** Rows per insert statement: 11 parameters each, well under both dialects' limits. */
const ROWS_PER_INSERT = 1000;

/** A fan-out begun before a scope's change rows are inserted; `enqueue` runs right after. */
export interface WebhookFanOut {
  /** Writes one outbox row per new change and matching endpoint, in the same transaction. */
  enqueue(): Promise<number>;
}

/**
 * Starts the outbox fan-out of one write of change-log rows. Called inside the writing
 * transaction, after the scope's change-log lock (PostgreSQL) and before the rows are inserted:
 * it notes the scope's highest `seq`, so `enqueue` reads back exactly the rows this transaction
 * added (the lock, or SQLite's single writer, keeps every other writer of the scope out). Null,
 * at the cost of one indexed read, when the scope has no enabled endpoint.
 */
export async function beginWebhookFanOut(
  trx: Transaction<StoreDatabase>,
  scope: string,
): Promise<WebhookFanOut | null> {
  const endpoints = await trx
    .selectFrom('webhook_endpoints')
    .select(['id', 'events', 'providers'])
    .where('scope', '=', scope)
    .where('enabled', '=', 1)
    .execute();
  if (endpoints.length === 0) return null;
  const last = await trx
    .selectFrom('changes')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .where('scope', '=', scope)
    .executeTakeFirst();
  const afterSeq = Number(last?.seq ?? 0);
  const subscribers = endpoints.map((endpoint) => ({
    id: endpoint.id,
    events: new Set(JSON.parse(endpoint.events) as string[]),
    providers:
      endpoint.providers === null ? null : new Set(JSON.parse(endpoint.providers) as string[]),
  }));

  return {
    async enqueue() {
      const changes = await trx
        .selectFrom('changes')
        .selectAll()
        .where('scope', '=', scope)
        .where('seq', '>', afterSeq)
        .orderBy('seq')
        .execute();
      const wanted: Array<{ change: (typeof changes)[number]; type: string; endpoints: string[] }> =
        [];
      for (const change of changes) {
        const diff = change.diff === null ? null : (JSON.parse(change.diff) as OrderDiff);
        const type = webhookEventOf(change.kind as 'created' | 'updated' | 'vanished', diff);
        if (type === null) continue;
        const endpointIds = subscribers
          .filter(
            (endpoint) =>
              endpoint.events.has(type) &&
              (endpoint.providers === null || endpoint.providers.has(change.provider)),
          )
          .map((endpoint) => endpoint.id);
        if (endpointIds.length > 0) wanted.push({ change, type, endpoints: endpointIds });
      }
      if (wanted.length === 0) return 0;

      // The order as this transaction leaves it: the payload is a snapshot of the change, the
      // same bytes on every attempt.
      const documents = new Map<string, string>();
      const keys = [...new Set(wanted.map((entry) => entry.change.key))];
      for (let start = 0; start < keys.length; start += ROWS_PER_INSERT) {
        const rows = await trx
          .selectFrom('orders')
          .select(['key', 'document'])
          .where('scope', '=', scope)
          .where('key', 'in', keys.slice(start, start + ROWS_PER_INSERT))
          .execute();
        for (const row of rows) documents.set(row.key, row.document);
      }

      const now = new Date().toISOString();
      const rows: Array<Insertable<WebhookDeliveriesTable>> = [];
      for (const { change, type, endpoints } of wanted) {
        const entry = {
          seq: Number(change.seq),
          key: change.key,
          provider: change.provider,
          kind: change.kind,
          diff: change.diff === null ? null : (JSON.parse(change.diff) as unknown),
          observedAt: change.observed_at,
        };
        // The stored document is canonical JSON already: spliced in as text, not re-serialised.
        const payload = `{"type":${JSON.stringify(type)},"timestamp":${JSON.stringify(
          change.observed_at,
        )},"data":{"change":${JSON.stringify(entry)},"order":${documents.get(change.key) ?? 'null'}}}`;
        for (const endpointId of endpoints) {
          rows.push({
            id: newMessageId(),
            endpoint_id: endpointId,
            scope,
            change_seq: entry.seq,
            event_type: type,
            order_key: change.key,
            payload,
            status: 'pending',
            attempts: 0,
            created_at: now,
            next_attempt_at: now,
          });
        }
      }
      for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
        await trx
          .insertInto('webhook_deliveries')
          .values(rows.slice(start, start + ROWS_PER_INSERT))
          .execute();
      }
      return rows.length;
    },
  };
}

/** A new message id (`msg_` + 32 hex digits of a random UUID), the `webhook-id` of a delivery. */
export function newMessageId(): string {
  return `msg_${randomUUID().replaceAll('-', '')}`;
}
