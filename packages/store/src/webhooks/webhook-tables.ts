import type { Generated } from 'kysely';

/** One registered endpoint (migration 0004-webhooks). */
export interface WebhookEndpointsTable {
  id: string;
  scope: string;
  url: string;
  description: string | null;
  /** JSON array of event types. */
  events: string;
  /** JSON array of provider ids; null: every provider. */
  providers: string | null;
  /** `whsec_` + base64 of the signing key. */
  secret: string;
  /** 1 enabled, 0 disabled. */
  enabled: number;
  disabled_reason: string | null;
  disabled_at: string | null;
  /** First failed attempt since the last successful one; null while deliveries succeed. */
  failing_since: string | null;
  consecutive_failures: number;
  created_at: string;
}

/** One delivery of one change to one endpoint: the outbox row. */
export interface WebhookDeliveriesTable {
  /** `msg_…`: the `webhook-id` header, the same on every attempt. */
  id: string;
  endpoint_id: string;
  scope: string;
  change_seq: number;
  event_type: string;
  order_key: string;
  payload: string;
  /** `pending`, `delivered` or `failed` (retries exhausted). */
  status: string;
  attempts: number;
  created_at: string;
  next_attempt_at: string;
  lease_owner: string | null;
  lease_expires_at: string | null;
  last_attempt_at: string | null;
  delivered_at: string | null;
  last_error: string | null;
}

/** One attempt at a delivery. */
export interface WebhookAttemptsTable {
  id: Generated<number>;
  delivery_id: string;
  attempt: number;
  started_at: string;
  duration_ms: number;
  /** `delivered` or `failed`. */
  outcome: string;
  status_code: number | null;
  error_class: string | null;
  error_message: string | null;
}

/** The webhook tables, merged into the store's database type. */
export interface WebhookTables {
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
}
