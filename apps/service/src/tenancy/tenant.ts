import {
  createOrderClient,
  type OrderClient,
  type OrderProvider,
  type ScanBudget,
} from '@orderbridge/core';
import type { ApiKeyRecord } from '../auth/api-key.js';
import type { OrderSource } from '../query/list-orders-query.js';

/** Requests per minute a key may make when its tenant sets no limit. */
export const DEFAULT_REQUESTS_PER_MINUTE = 600;

/** A tenant as the app is given it: its keys (as hashes) and its ready-made providers. */
export interface TenantDefinition {
  /** Tenant id; appears in logs and metrics, never in another tenant's responses. */
  id: string;
  /** The tenant's API keys, stored only as SHA-256 hashes. */
  apiKeys: readonly ApiKeyRecord[];
  /** The tenant's providers, created once at start with the tenant's own credentials. */
  providers: readonly OrderProvider[];
  /** Per-key request budget (default 600 requests per minute). */
  rateLimit?: { requestsPerMinute: number } | undefined;
  /** Mask customer emails and payment instrument tokens in this tenant's responses. */
  redact?: boolean | undefined;
  /** The order store scope the tenant's reports read (default: the tenant id). */
  storeScope?: string | undefined;
  /** Webhooks the tenant's providers send to the service. */
  incomingWebhooks?: IncomingWebhooks | undefined;
  /** Where `/v1/orders` reads when a request does not say (default: the service's default). */
  source?: OrderSource | undefined;
}

/** A tenant's incoming webhooks, resolved at start. */
export interface IncomingWebhooks {
  /** FlexFactor's order webhooks (`POST /hooks/flexfactor/{tenant id}/{secret}`). */
  flexfactor?: {
    /** SHA-256 of the URL's secret segment (the secret itself is not kept). */
    secretHash: Buffer;
    /** The id of the tenant's FlexFactor provider the orders are re-fetched from. */
    provider: string;
  };
}

/** A tenant at run time: its one multi-provider client and its settings. */
export interface Tenant {
  /** Tenant id. */
  id: string;
  /** The tenant's providers, in configuration order. */
  providers: readonly OrderProvider[];
  /** One client over all of the tenant's providers, created once. */
  client: OrderClient;
  /** Requests per minute each of the tenant's keys may make. */
  requestsPerMinute: number;
  /** Whether responses mask customer emails and payment instrument tokens. */
  redact: boolean;
  /** The order store scope the tenant's reports read: its own orders, no other tenant's. */
  storeScope: string;
  /** Webhooks the tenant's providers send to the service (none when absent). */
  incomingWebhooks?: IncomingWebhooks | undefined;
  /** Where `/v1/orders` reads when a request does not say `source`. */
  defaultSource: OrderSource;
}

/**
 * Builds the run-time tenant: one order client over its providers.
 * @throws ConfigurationError when the tenant has no provider or two share an id.
 */
export function createTenant(
  definition: TenantDefinition,
  options: {
    redact: boolean;
    scanBudget?: ScanBudget | undefined;
    defaultSource?: OrderSource | undefined;
  },
): Tenant {
  return {
    id: definition.id,
    providers: definition.providers,
    client: createOrderClient({
      providers: definition.providers,
      ...(options.scanBudget ? { scanBudget: options.scanBudget } : {}),
    }),
    requestsPerMinute: definition.rateLimit?.requestsPerMinute ?? DEFAULT_REQUESTS_PER_MINUTE,
    redact: definition.redact ?? options.redact,
    storeScope: definition.storeScope ?? definition.id,
    incomingWebhooks: definition.incomingWebhooks,
    defaultSource: definition.source ?? options.defaultSource ?? 'live',
  };
}
