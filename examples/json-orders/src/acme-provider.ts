import {
  type CallOptions,
  ConfigurationError,
  createHttpClient,
  formatPath,
  type Order,
  type OrderPage,
  type OrderProvider,
  type ProviderCapabilities,
  ProviderResponseError,
  parseOrderQuery,
  planQuery,
  providerIdSchema,
  readPackageVersion,
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
      const warnings: Warning[] = [...plan.warnings];
      const mapped: Order[] = [];
      envelope.orders.forEach((record, index) => {
        const result = readRecord(record, `orders[${index}]`, id, options);
        if ('order' in result) {
          mapped.push(result.order);
          if (result.warning) warnings.push(result.warning);
        } else if (options.strict) {
          throw result.error;
        } else {
          warnings.push(result.invalid);
        }
      });
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
      const result = readRecord(response.body, '(body)', id, options);
      if ('order' in result) return result.order;
      throw result.error;
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

type RecordResult =
  | { order: Order; warning: Warning | undefined }
  | { invalid: Warning; error: ProviderResponseError };

/** Validates and maps one wire record; a record that cannot be read is reported, not dropped silently. */
function readRecord(
  record: unknown,
  path: string,
  provider: string,
  options: CallOptions,
): RecordResult {
  const parsed = acmeOrderSchema.safeParse(record);
  const recordId =
    typeof record === 'object' &&
    record !== null &&
    typeof (record as { id?: unknown }).id === 'string'
      ? (record as { id: string }).id
      : undefined;
  let issues: Array<{ path: string; message: string }>;
  if (parsed.success) {
    try {
      return mapAcmeOrder(parsed.data as AcmeOrder, { provider, includeRaw: options.includeRaw });
    } catch (error) {
      issues = [{ path, message: error instanceof Error ? error.message : String(error) }];
    }
  } else {
    issues = parsed.error.issues.map((issue) => ({
      path: [path, formatPath(issue.path)].filter(Boolean).join('.'),
      message: issue.message,
    }));
  }
  const message = `${provider} sent an order${recordId ? ` ${recordId}` : ''} that does not match its schema (${issues[0]?.path}: ${issues[0]?.message})`;
  return {
    invalid: {
      code: 'invalid-record',
      provider,
      message,
      issues,
      ...(recordId ? { recordId } : {}),
    },
    error: new ProviderResponseError({ provider, message, issues }),
  };
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
