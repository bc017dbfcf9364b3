import {
  type CallOptions,
  ConfigurationError,
  createHttpClient,
  formatPath,
  type MappedRecord,
  mapRecords,
  type Order,
  type OrderPage,
  type OrderProvider,
  type ProviderCapabilities,
  ProviderResponseError,
  parseOrderQuery,
  planQuery,
  providerIdSchema,
  readPackageVersion,
  recordIssues,
  registerSecret,
  type TransportOptions,
  type Warning,
} from '@orderbridge/core';
import type { z } from 'zod';
import { type AcmeOrder, acmeListSchema, acmeOrderSchema } from './acme-api.js';
import { describeAcmeError } from './acme-error.js';
import { acmeStatusMap, mapAcmeOrder } from './acme-mapper.js';

/** Settings of `createAcmeOrders`. Transport settings (fetch, timeouts, retry, hooks) pass through to core. */
export interface AcmeOrdersSettings extends TransportOptions {
  /** Acme API key; defaults to the `ACME_API_KEY` environment variable, read at the first call. */
  apiKey?: string | undefined;
  /** API base URL including `/v1/` (default `https://api.acme-orders.example/v1/`). */
  baseUrl?: string | undefined;
  /** Provider id (default `acme`); set it to tell two Acme accounts apart. */
  id?: string | undefined;
}

/** Environment variable the API key falls back to. */
export const ACME_API_KEY_VARIABLE = 'ACME_API_KEY';

const DEFAULT_BASE_URL = 'https://api.acme-orders.example/v1/';

/**
 * What the Acme API does itself: it filters by state (several at once) and customer, sorts by
 * creation time both ways, serves up to 100 orders a page and reports the total. Everything else
 * (created-date range, merchant, search, other sorts) is core's job: filters are finished locally
 * with a warning, other sorts are refused.
 */
export const ACME_CAPABILITIES: ProviderCapabilities = {
  filters: ['status', 'customerId'],
  statusFilterValues: 'many',
  sorts: ['createdAt'],
  defaultPageSize: 25,
  maxPageSize: 100,
  pageNumbers: false,
  totalCount: true,
};

/**
 * Creates the Acme Orders provider.
 * @throws ConfigurationError when the id is invalid (a missing API key fails at the first call,
 * naming the setting and the environment variable).
 */
export function createAcmeOrders(settings: AcmeOrdersSettings = {}): OrderProvider {
  const id = settings.id ?? 'acme';
  if (!providerIdSchema.safeParse(id).success) {
    throw new ConfigurationError({
      setting: 'id',
      message: `Acme provider id ${JSON.stringify(id)} must be lower-case letters, digits, "-" or "_"`,
    });
  }
  registerSecret(settings.apiKey);
  const apiKey = (): string => {
    const key = settings.apiKey ?? process.env[ACME_API_KEY_VARIABLE];
    if (!key) {
      throw new ConfigurationError({
        provider: id,
        setting: 'apiKey',
        environmentVariable: ACME_API_KEY_VARIABLE,
        message: `Acme needs an API key: pass apiKey to createAcmeOrders or set ${ACME_API_KEY_VARIABLE}`,
      });
    }
    registerSecret(key);
    return key;
  };
  const http = createHttpClient({
    ...settings,
    provider: id,
    baseUrl: settings.baseUrl ?? DEFAULT_BASE_URL,
    userAgent: `@orderbridge/example-json-orders/${readPackageVersion(import.meta.url)}`,
    headers: () => ({ authorization: `Bearer ${apiKey()}` }),
    describeError: describeAcmeError,
  });
  const context = { provider: id, capabilities: ACME_CAPABILITIES, statusMap: acmeStatusMap };

  return {
    specificationVersion: 'v1',
    id,
    capabilities: ACME_CAPABILITIES,
    statusMap: acmeStatusMap,

    async listOrders(input, options: CallOptions = {}): Promise<OrderPage> {
      const query = parseOrderQuery(input);
      const plan = planQuery(query, context);
      if (plan.isEmpty)
        return { orders: [], nextCursor: null, totalCount: 0, warnings: [...plan.warnings] };
      const response = await http.request({
        path: 'orders',
        operation: 'GET /v1/orders',
        signal: options.signal,
        searchParams: {
          page_size: plan.pageSize,
          page_token: query.cursor,
          state: plan.statusCodes?.join(','),
          customer_id: plan.pushedFilters.has('customerId') ? query.customerId : undefined,
          order: plan.sort.direction === 'asc' ? 'created_at' : '-created_at',
        },
      });
      const envelope = parseWire(
        acmeListSchema,
        response.body,
        id,
        'GET /v1/orders',
        response.requestId,
      );
      // Core's shared per-record loop: a record off the schema is left out and reported as an
      // invalid-record warning (or fails the call with `strict`); the rest is delivered.
      const { values: mapped, warnings: recordWarnings } = mapRecords(envelope.orders, {
        provider: id,
        path: 'orders',
        operation: 'GET /v1/orders',
        strict: options.strict,
        status: response.status,
        requestId: response.requestId,
        recordId: readRecordId,
        map: (record) => readRecord(record, id, options),
      });
      const warnings: Warning[] = [...plan.warnings, ...recordWarnings];
      const finished = plan.finishPage(mapped);
      const page: OrderPage = {
        orders: finished.orders,
        nextCursor: finished.reachedBound ? null : envelope.next_page_token,
        warnings,
      };
      // Acme's total counts what it filtered; it is the listing's total only when nothing is done locally.
      if (plan.emulatedFilters.length === 0) page.totalCount = envelope.total_size;
      return page;
    },

    async getOrder(orderId, options: CallOptions = {}) {
      const response = await http.request({
        path: `orders/${encodeURIComponent(orderId)}`,
        operation: 'GET /v1/orders/{id}',
        signal: options.signal,
      });
      try {
        return readRecord(response.body, id, options).value;
      } catch (error) {
        const issues = recordIssues(error, '(body)');
        if (!issues) throw error;
        throw new ProviderResponseError({
          provider: id,
          issues,
          requestId: response.requestId,
          message: `${id} GET /v1/orders/{id} returned an order that does not match its schema (${issues[0]?.path}: ${issues[0]?.message})`,
        });
      }
    },

    async checkConnection(options: CallOptions = {}) {
      await http.request({
        path: 'orders',
        operation: 'GET /v1/orders',
        signal: options.signal,
        searchParams: { page_size: 1 },
      });
    },
  };
}

/** The id of a raw record, when it has one (for the invalid-record warning). */
function readRecordId(record: unknown): string | undefined {
  const id =
    typeof record === 'object' && record !== null ? (record as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id : undefined;
}

/**
 * Validates and maps one wire record.
 * @throws a ZodError or ProviderResponseError (paths relative to the record) when it does not
 * match the schema or cannot be mapped exactly (e.g. an amount with too many digits).
 */
function readRecord(record: unknown, provider: string, options: CallOptions): MappedRecord<Order> {
  const wire = acmeOrderSchema.parse(record) as AcmeOrder;
  let mapped: ReturnType<typeof mapAcmeOrder>;
  try {
    mapped = mapAcmeOrder(wire, { provider, includeRaw: options.includeRaw });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ProviderResponseError({ provider, issues: [{ path: '', message }], message });
  }
  return { value: mapped.order, warnings: mapped.warning ? [mapped.warning] : [] };
}

/**
 * Validates a response envelope.
 * @throws ProviderResponseError with the JSON path of each issue.
 */
function parseWire<T>(
  schema: z.ZodType<T>,
  body: unknown,
  provider: string,
  operation: string,
  requestId: string | undefined,
): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({
    path: formatPath(issue.path) || '(body)',
    message: issue.message,
  }));
  throw new ProviderResponseError({
    provider,
    requestId,
    issues,
    message: `${provider} ${operation} returned a body that does not match its schema (${issues[0]?.path}: ${issues[0]?.message})`,
  });
}
