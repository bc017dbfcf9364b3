import {
  bearerToken,
  headerValue,
  jsonResponse,
  randomHex,
  type SandboxRequest,
  type SandboxResponse,
} from '../http/sandbox-http.js';
import { decodeFlexPortalCursor, encodeFlexPortalCursor } from './flexportal-cursor.js';
import {
  FLEXPORTAL_SORT_FIELDS,
  FLEXPORTAL_STATUSES,
  type FlexPortalSortField,
  type FlexPortalStatus,
} from './flexportal-schema.js';
import { type FlexPortalListQuery, FlexPortalTenant } from './flexportal-store.js';

/** Which documented operation a FlexPortal request hits (for stats and fault scope). */
export type FlexPortalRoute = 'listOrders' | 'getOrder' | 'other';

/** The FlexPortal routes the sandbox serves, under the `/flexportal` prefix. */
export function classifyFlexPortalRoute(method: string, path: string): FlexPortalRoute {
  if (method !== 'GET') return 'other';
  if (path === '/v1/orders') return 'listOrders';
  if (/^\/v1\/orders\/[^/]+$/.test(path)) return 'getOrder';
  return 'other';
}

/** One validation problem, as FP-OV's `details[]` entries (`{ path, message, code }`). */
interface Detail {
  readonly path: string;
  readonly message: string;
  readonly code: string;
}

/** The FlexPortal error envelope (§1.9) with a request id header. */
export function flexPortalError(
  status: number,
  code: string,
  message: string,
  details?: readonly Detail[],
  headers: Readonly<Record<string, string>> = {},
): SandboxResponse {
  const error: Record<string, unknown> = { code, message };
  if (details && details.length > 0) error.details = details;
  return jsonResponse(status, { error }, headers);
}

/** The error body FlexPortal documents for a status the fault injector was asked to send. */
export function flexPortalErrorForStatus(status: number, retryAfter?: string): SandboxResponse {
  const headers: Record<string, string> = {};
  if (retryAfter !== undefined) headers['retry-after'] = retryAfter;
  // Codes from the FP-OV error table (§1.9); 5xx has no documented code, INTERNAL_ERROR is ours.
  const table: Record<number, [string, string]> = {
    400: ['VALIDATION_ERROR', 'Invalid request'],
    401: ['INVALID_TOKEN', 'API key is invalid or expired'],
    403: ['INSUFFICIENT_PERMISSIONS', 'API key lacks permission for this operation'],
    404: ['NOT_FOUND', 'Not found'],
    409: ['CONFLICT', 'Conflict'],
    422: ['VALIDATION_ERROR', 'Validation failed'],
    429: ['RATE_LIMITED', 'Too many requests; retry later'],
  };
  const [code, message] =
    table[status] ??
    (status >= 500
      ? ['INTERNAL_ERROR', `Internal server error (${status})`]
      : ['ERROR', `Request failed with status ${status}`]);
  return flexPortalError(status, code, message, undefined, headers);
}

const NUMBER_PATTERN = /^\d+$/;

/**
 * The FlexPortal API (docs/providers/flexportal.md) over a set of tenants. Every response carries an
 * `x-request-id` header.
 */
export class FlexPortalApi {
  private readonly tenantsByKey = new Map<string, Set<string>>();

  /** @param tenants tenants by Tenant-ID */
  constructor(private readonly tenants: ReadonlyMap<string, FlexPortalTenant>) {
    for (const tenant of tenants.values()) {
      const owned = this.tenantsByKey.get(tenant.apiKey) ?? new Set<string>();
      owned.add(tenant.tenantId);
      this.tenantsByKey.set(tenant.apiKey, owned);
    }
  }

  /** Answers one request whose path has the `/flexportal` prefix removed. */
  handle(request: SandboxRequest): SandboxResponse {
    return this.decorate(this.route(request));
  }

  /** Adds the headers every FlexPortal response carries (a request id). */
  decorate(response: SandboxResponse): SandboxResponse {
    return {
      ...response,
      headers: { ...response.headers, 'x-request-id': `req_${randomHex(12)}` },
    };
  }

  private route(request: SandboxRequest): SandboxResponse {
    if (!request.path.startsWith('/v1/')) {
      return flexPortalError(404, 'NOT_FOUND', `No route for ${request.method} ${request.path}`);
    }
    // §1.2: a static API key as a bearer token, and the Tenant-ID header, on every operation.
    const auth = bearerToken(request.headers);
    if (!auth.present) {
      return flexPortalError(401, 'AUTH_REQUIRED', 'Authorization header is required');
    }
    const owned = auth.token ? this.tenantsByKey.get(auth.token) : undefined;
    if (!owned) {
      return flexPortalError(401, 'INVALID_TOKEN', 'API key is invalid or expired');
    }
    const tenantId = headerValue(request.headers, 'tenant-id').trim();
    if (tenantId === '') {
      return flexPortalError(403, 'NO_TENANT_ACCESS', 'Tenant-ID header is required');
    }
    const tenant = owned.has(tenantId) ? this.tenants.get(tenantId) : undefined;
    if (!tenant) {
      return flexPortalError(
        403,
        'NO_TENANT_ACCESS',
        `API key has no access to tenant ${JSON.stringify(tenantId)}`,
      );
    }
    const route = classifyFlexPortalRoute(request.method, request.path);
    if (route === 'listOrders') return this.listOrders(request, tenant);
    if (route === 'getOrder') return this.getOrder(request, tenant);
    if (/^\/v1\/orders(\/[^/]+)?$/.test(request.path)) {
      return flexPortalError(
        405,
        'METHOD_NOT_ALLOWED',
        `The sandbox serves only GET on ${request.path}`,
        undefined,
        { allow: 'GET' },
      );
    }
    return flexPortalError(404, 'NOT_FOUND', `No route for ${request.method} ${request.path}`);
  }

  private getOrder(request: SandboxRequest, tenant: FlexPortalTenant): SandboxResponse {
    let orderId: string;
    try {
      orderId = decodeURIComponent(request.path.slice('/v1/orders/'.length));
    } catch {
      return flexPortalError(400, 'VALIDATION_ERROR', 'orderId is not valid URL encoding', [
        { path: 'orderId', message: 'orderId is not valid URL encoding', code: 'invalid_string' },
      ]);
    }
    const slot = tenant.table.find(orderId);
    // §1.6: 200 with the bare Order (not wrapped), 404 with the Error schema.
    if (slot === undefined) return flexPortalError(404, 'NOT_FOUND', 'Order not found');
    return jsonResponse(200, tenant.table.materialize(slot));
  }

  private listOrders(request: SandboxRequest, tenant: FlexPortalTenant): SandboxResponse {
    const parsed = parseListQuery(request.query, tenant.tenantId);
    if ('details' in parsed) {
      return flexPortalError(400, 'VALIDATION_ERROR', 'Invalid query parameters', parsed.details);
    }
    const { query, fingerprint } = parsed;
    const page = tenant.list(query);
    const nextCursor =
      page.hasMore && page.last
        ? encodeFlexPortalCursor({
            sortBy: query.sortBy,
            sortDir: query.sortDir,
            fingerprint,
            position: page.last,
          })
        : null;
    // §1.4: all five keys always present; hasMore false and nextCursor null on the last page.
    return jsonResponse(200, {
      orders: page.orders,
      count: page.orders.length,
      limit: query.limit,
      hasMore: page.hasMore,
      nextCursor,
    });
  }
}

/** Validates the list query (§1.4, §1.5); every problem is reported, not only the first. */
function parseListQuery(
  params: URLSearchParams,
  tenantId: string,
): { query: FlexPortalListQuery; fingerprint: string } | { details: Detail[] } {
  const details: Detail[] = [];
  const single = (name: string): string | undefined => {
    const values = params.getAll(name);
    if (values.length > 1) {
      details.push({ path: name, message: `${name} accepts a single value`, code: 'invalid_type' });
    }
    return values[0];
  };

  // §1.5 / Ambiguity 2: the OpenAPI types `limit` as a string; integer strings 1..100 are accepted.
  let limit = 50;
  const limitText = single('limit');
  if (limitText !== undefined) {
    const value = NUMBER_PATTERN.test(limitText) ? Number(limitText) : Number.NaN;
    if (!Number.isInteger(value) || value < 1 || value > 100) {
      details.push({
        path: 'limit',
        message: `limit must be an integer from 1 to 100, got ${JSON.stringify(limitText)}`,
        code: Number.isInteger(value) ? (value < 1 ? 'too_small' : 'too_big') : 'invalid_type',
      });
    } else {
      limit = value;
    }
  }

  let sortBy: FlexPortalSortField = 'createdAt';
  const sortByText = single('sortBy');
  if (sortByText !== undefined) {
    if ((FLEXPORTAL_SORT_FIELDS as readonly string[]).includes(sortByText)) {
      sortBy = sortByText as FlexPortalSortField;
    } else {
      details.push({
        path: 'sortBy',
        message: `sortBy must be one of ${FLEXPORTAL_SORT_FIELDS.join(', ')}; got ${JSON.stringify(sortByText)}`,
        code: 'invalid_enum_value',
      });
    }
  }

  let sortDir: 'asc' | 'desc' = 'desc';
  const sortDirText = single('sortDir');
  if (sortDirText !== undefined) {
    if (sortDirText === 'asc' || sortDirText === 'desc') sortDir = sortDirText;
    else {
      details.push({
        path: 'sortDir',
        message: `sortDir must be asc or desc; got ${JSON.stringify(sortDirText)}`,
        code: 'invalid_enum_value',
      });
    }
  }

  // Ambiguity 4: one status value only; a list ("pending,confirmed") is not a status.
  let status: FlexPortalStatus | undefined;
  const statusText = single('status');
  if (statusText !== undefined) {
    if ((FLEXPORTAL_STATUSES as readonly string[]).includes(statusText)) {
      status = statusText as FlexPortalStatus;
    } else {
      details.push({
        path: 'status',
        message: `status must be one of ${FLEXPORTAL_STATUSES.join(', ')}; got ${JSON.stringify(statusText)}`,
        code: 'invalid_enum_value',
      });
    }
  }

  let customerId: string | undefined;
  const customerText = single('customerId');
  if (customerText !== undefined) {
    if (customerText === '') {
      details.push({
        path: 'customerId',
        message: 'customerId must not be empty',
        code: 'too_small',
      });
    } else {
      customerId = customerText;
    }
  }

  // FP-OV: custom-field filters use the `customField_` prefix (`customField_siebelId=12345`).
  const customFields: [string, string][] = [];
  for (const name of new Set(params.keys())) {
    if (!name.startsWith('customField_')) continue;
    const field = name.slice('customField_'.length);
    const value = single(name) as string;
    if (field === '') {
      details.push({
        path: name,
        message: 'customField_ needs a field name',
        code: 'invalid_string',
      });
    } else {
      customFields.push([field, value]);
    }
  }
  customFields.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));

  const base = { status, customerId, customFields, sortBy, sortDir };
  const fingerprint = FlexPortalTenant.filterFingerprint(tenantId, base);
  let after: FlexPortalListQuery['after'];
  const cursorText = single('startAfter');
  if (cursorText !== undefined && cursorText !== '') {
    const cursor = decodeFlexPortalCursor(cursorText);
    if (!cursor) {
      details.push({
        path: 'startAfter',
        message: 'startAfter is not a cursor issued by this API; pass nextCursor unchanged',
        code: 'invalid_cursor',
      });
    } else if (
      cursor.sortBy !== sortBy ||
      cursor.sortDir !== sortDir ||
      cursor.fingerprint !== fingerprint
    ) {
      details.push({
        path: 'startAfter',
        message:
          'startAfter was issued for a different sortBy, sortDir, filter or tenant; repeat the original query with it',
        code: 'invalid_cursor',
      });
    } else {
      after = cursor.position;
    }
  }
  if (details.length > 0) return { details };
  const query: FlexPortalListQuery = {
    ...(status ? { status } : {}),
    ...(customerId ? { customerId } : {}),
    customFields,
    sortBy,
    sortDir,
    limit,
    ...(after ? { after } : {}),
  };
  return { query, fingerprint };
}
