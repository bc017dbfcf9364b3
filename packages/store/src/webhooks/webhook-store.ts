import { randomBytes, randomUUID } from 'node:crypto';
import { InvalidQueryError } from '@orderbridge/core';
import { type Kysely, type SqlBool, sql } from 'kysely';
import { z } from 'zod';
import { KyselyOrderStore } from '../kysely-order-store.js';
import type { OrderStore } from '../order-store.js';
import type { StoreDatabase } from '../schema/store-database.js';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from './webhook-events.js';
import type { WebhookDeliveriesTable, WebhookEndpointsTable } from './webhook-tables.js';
import { type WebhookAddressPolicy, webhookUrlProblems } from './webhook-url.js';

/** A registered endpoint as callers see it (never with its secret, except once at creation). */
export interface WebhookEndpoint {
  id: string;
  scope: string;
  url: string;
  description: string | null;
  events: WebhookEventType[];
  /** Only changes of these providers; null: every provider. */
  providers: string[] | null;
  enabled: boolean;
  /** Why it is disabled (by the deliverer after failing, or by a caller); null while enabled. */
  disabledReason: string | null;
  disabledAt: string | null;
  /** Since when every attempt failed; null while deliveries succeed. */
  failingSince: string | null;
  consecutiveFailures: number;
  createdAt: string;
}

/** What registering an endpoint takes. */
export interface NewWebhookEndpoint {
  scope: string;
  url: string;
  events: readonly WebhookEventType[];
  providers?: readonly string[] | undefined;
  description?: string | undefined;
}

/** A delivery as the delivery log shows it, with its attempts. */
export interface WebhookDelivery {
  /** The `webhook-id` header: the same on every attempt, for receivers to deduplicate by. */
  id: string;
  endpointId: string;
  changeSeq: number;
  eventType: string;
  orderKey: string;
  /** `pending`, `delivered`, or `failed` (retries exhausted). */
  status: 'pending' | 'delivered' | 'failed';
  attempts: WebhookAttempt[];
  createdAt: string;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  lastError: string | null;
}

/** One attempt at a delivery. */
export interface WebhookAttempt {
  attempt: number;
  startedAt: string;
  durationMs: number;
  outcome: 'delivered' | 'failed';
  statusCode: number | null;
  /** `http_status`, `timeout`, `connection`, `dns`, `refused_address`, `invalid_url`. */
  errorClass: string | null;
  errorMessage: string | null;
}

/** A page of the delivery log, newest change first. */
export interface WebhookDeliveryPage {
  deliveries: WebhookDelivery[];
  nextCursor: string | null;
}

const newEndpointSchema = z.strictObject({
  scope: z.string().min(1),
  url: z.string().min(1),
  events: z.array(z.enum(WEBHOOK_EVENT_TYPES)).min(1),
  providers: z.array(z.string().min(1).max(100)).min(1).max(50).optional(),
  description: z.string().max(500).optional(),
});

const deliveryCursorSchema = z.tuple([z.number().int().min(0), z.string().min(1)]);

/** Most deliveries per page of the delivery log. */
export const MAX_DELIVERY_PAGE = 100;

/**
 * The webhook tables of one order store: the endpoint registry, the delivery log, and the
 * deliverer's claim and record operations.
 */
export class WebhookStore {
  readonly dialect: 'sqlite' | 'postgres';
  readonly #db: Kysely<StoreDatabase>;

  constructor(store: OrderStore) {
    if (!(store instanceof KyselyOrderStore)) {
      throw new TypeError(
        'Webhooks live in the SQL store: pass a store opened with createOrderStore',
      );
    }
    this.#db = store.reportDatabase;
    this.dialect = store.dialect;
  }

  /** The query builder (for the deliverer). */
  get database(): Kysely<StoreDatabase> {
    return this.#db;
  }

  /**
   * Registers an endpoint with a new secret (`whsec_` + base64 of 24 random bytes), returned here
   * and never again.
   * @throws InvalidQueryError naming each invalid field (an unacceptable URL included).
   */
  async createEndpoint(
    input: NewWebhookEndpoint,
    policy: WebhookAddressPolicy = {},
  ): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
    const parsed = newEndpointSchema.safeParse(input);
    const issues: Array<{ field: string; message: string }> = [];
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        issues.push({ field: issue.path.join('.') || 'body', message: issue.message });
      }
    }
    const url = typeof input.url === 'string' ? input.url : '';
    for (const problem of url === '' ? [] : webhookUrlProblems(url, policy)) {
      issues.push({ field: 'url', message: problem });
    }
    if (!parsed.success || issues.length > 0) throw new InvalidQueryError({ issues });
    const secret = `whsec_${randomBytes(24).toString('base64')}`;
    const row: WebhookEndpointsTable = {
      id: `ep_${randomUUID().replaceAll('-', '')}`,
      scope: parsed.data.scope,
      url: parsed.data.url,
      description: parsed.data.description ?? null,
      events: JSON.stringify([...new Set(parsed.data.events)].sort()),
      providers:
        parsed.data.providers === undefined
          ? null
          : JSON.stringify([...new Set(parsed.data.providers)].sort()),
      secret,
      enabled: 1,
      disabled_reason: null,
      disabled_at: null,
      failing_since: null,
      consecutive_failures: 0,
      created_at: new Date().toISOString(),
    };
    await this.#db.insertInto('webhook_endpoints').values(row).execute();
    return { endpoint: endpointOf(row), secret };
  }

  /** The endpoints of a scope, oldest first. */
  async listEndpoints(scope: string): Promise<WebhookEndpoint[]> {
    const rows = await this.#db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('scope', '=', scope)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(endpointOf);
  }

  /** One endpoint of a scope; null when the scope has none by that id. */
  async getEndpoint(scope: string, id: string): Promise<WebhookEndpoint | null> {
    const row = await this.#db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('scope', '=', scope)
      .where('id', '=', id)
      .executeTakeFirst();
    return row === undefined ? null : endpointOf(row);
  }

  /** Deletes an endpoint with its deliveries and their attempts; false when there was none. */
  async deleteEndpoint(scope: string, id: string): Promise<boolean> {
    return this.#db.transaction().execute(async (trx) => {
      const deliveries = trx
        .selectFrom('webhook_deliveries')
        .select('id')
        .where('endpoint_id', '=', id)
        .where('scope', '=', scope);
      // Explicit rather than relying on ON DELETE CASCADE: SQLite enforces foreign keys only
      // on connections that turned them on.
      await trx.deleteFrom('webhook_attempts').where('delivery_id', 'in', deliveries).execute();
      await trx
        .deleteFrom('webhook_deliveries')
        .where('endpoint_id', '=', id)
        .where('scope', '=', scope)
        .execute();
      const result = await trx
        .deleteFrom('webhook_endpoints')
        .where('scope', '=', scope)
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    });
  }

  /**
   * Enables an endpoint again: clears its failure state, and its pending deliveries become due
   * at once (deliveries that already failed for good stay failed). Null when there is none.
   */
  async enableEndpoint(scope: string, id: string): Promise<WebhookEndpoint | null> {
    const now = new Date().toISOString();
    return this.#db.transaction().execute(async (trx) => {
      const result = await trx
        .updateTable('webhook_endpoints')
        .set({
          enabled: 1,
          disabled_reason: null,
          disabled_at: null,
          failing_since: null,
          consecutive_failures: 0,
        })
        .where('scope', '=', scope)
        .where('id', '=', id)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) return null;
      await trx
        .updateTable('webhook_deliveries')
        .set({ next_attempt_at: now })
        .where('endpoint_id', '=', id)
        .where('status', '=', 'pending')
        .execute();
      const row = await trx
        .selectFrom('webhook_endpoints')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      return endpointOf(row);
    });
  }

  /**
   * One page of an endpoint's delivery log, newest change first (keyset on the change's `seq`).
   * @throws InvalidQueryError for a malformed cursor or limit.
   */
  async listDeliveries(
    endpointId: string,
    options: {
      cursor?: string | undefined;
      limit?: number | undefined;
      status?: string | undefined;
    } = {},
  ): Promise<WebhookDeliveryPage> {
    const limit = options.limit ?? 50;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_DELIVERY_PAGE) {
      throw new InvalidQueryError({
        issues: [
          { field: 'limit', message: `must be a whole number from 1 to ${MAX_DELIVERY_PAGE}` },
        ],
      });
    }
    let after: [number, string] | undefined;
    if (options.cursor !== undefined) {
      const decoded = deliveryCursorSchema.safeParse(
        safeJson(Buffer.from(options.cursor, 'base64url').toString('utf8')),
      );
      if (!decoded.success) {
        throw new InvalidQueryError({
          issues: [{ field: 'cursor', message: 'is not a cursor of this delivery log' }],
        });
      }
      after = decoded.data;
    }
    let select = this.#db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('endpoint_id', '=', endpointId);
    if (options.status !== undefined) select = select.where('status', '=', options.status);
    if (after !== undefined) {
      select = select.where(
        sql<SqlBool>`(${sql.ref('change_seq')}, ${sql.ref('id')}) < (${after[0]}, ${after[1]})`,
      );
    }
    const rows = await select
      .orderBy('change_seq', 'desc')
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
    const page = rows.slice(0, limit);
    const attempts = new Map<string, WebhookAttempt[]>();
    if (page.length > 0) {
      const attemptRows = await this.#db
        .selectFrom('webhook_attempts')
        .selectAll()
        .where(
          'delivery_id',
          'in',
          page.map((row) => row.id),
        )
        .orderBy('delivery_id')
        .orderBy('attempt')
        .execute();
      for (const row of attemptRows) {
        const list = attempts.get(row.delivery_id) ?? [];
        list.push({
          attempt: row.attempt,
          startedAt: row.started_at,
          durationMs: row.duration_ms,
          outcome: row.outcome as WebhookAttempt['outcome'],
          statusCode: row.status_code,
          errorClass: row.error_class,
          errorMessage: row.error_message,
        });
        attempts.set(row.delivery_id, list);
      }
    }
    const last = page.at(-1);
    return {
      deliveries: page.map((row) => deliveryOf(row, attempts.get(row.id) ?? [])),
      nextCursor:
        rows.length > limit && last !== undefined
          ? Buffer.from(JSON.stringify([Number(last.change_seq), last.id])).toString('base64url')
          : null,
    };
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function endpointOf(row: WebhookEndpointsTable): WebhookEndpoint {
  return {
    id: row.id,
    scope: row.scope,
    url: row.url,
    description: row.description,
    events: JSON.parse(row.events) as WebhookEventType[],
    providers: row.providers === null ? null : (JSON.parse(row.providers) as string[]),
    enabled: Number(row.enabled) === 1,
    disabledReason: row.disabled_reason,
    disabledAt: row.disabled_at,
    failingSince: row.failing_since,
    consecutiveFailures: Number(row.consecutive_failures),
    createdAt: row.created_at,
  };
}

function deliveryOf(row: WebhookDeliveriesTable, attempts: WebhookAttempt[]): WebhookDelivery {
  const status = row.status as WebhookDelivery['status'];
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    changeSeq: Number(row.change_seq),
    eventType: row.event_type,
    orderKey: row.order_key,
    status,
    attempts,
    createdAt: row.created_at,
    nextAttemptAt: status === 'pending' ? row.next_attempt_at : null,
    deliveredAt: row.delivered_at,
    lastError: row.last_error,
  };
}
