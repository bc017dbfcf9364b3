import { randomBytes } from 'node:crypto';
import {
  bearerToken,
  emptyResponse,
  headerValue,
  jsonResponse,
  randomHex,
  type SandboxRequest,
  type SandboxResponse,
} from '../http/sandbox-http.js';
import { parseIsoMicros } from '../time/iso-time.js';
import {
  FLEXFACTOR_CHARGEBACK_CODE,
  FLEXFACTOR_ORDER_STATUSES,
  FLEXFACTOR_SANDBOX_ORDER_STATUSES,
} from './flexfactor-schema.js';
import {
  FLEXFACTOR_ORDER_BY,
  type FlexFactorData,
  type FlexFactorListQuery,
  type FlexFactorOrderBy,
} from './flexfactor-store.js';
import type { TokenIssuer } from './flexfactor-tokens.js';

/** Which documented operation a FlexFactor request hits (for stats and fault scope). */
export type FlexFactorRoute = 'listOrders' | 'getOrder' | 'token' | 'other';

/**
 * The FlexFactor routes under the `/flexfactor` prefix. Paths match case-insensitively, as ASP.NET
 * Core routing does (the recorded responses come from Kestrel, §2.1).
 */
export function classifyFlexFactorRoute(method: string, path: string): FlexFactorRoute {
  const lower = path.toLowerCase();
  if (method === 'POST' && lower === '/v1/oauth2/token') return 'token';
  if (method !== 'GET') return 'other';
  if (lower === '/v1/orders') return 'listOrders';
  if (/^\/v1\/orders\/[^/]+$/.test(lower)) return 'getOrder';
  return 'other';
}

/** A W3C trace id as ASP.NET puts it in ProblemDetails (`00-<32 hex>-<16 hex>-00`). */
export function newTraceId(): string {
  return `00-${randomHex(16)}-${randomHex(8)}-00`;
}

const PROBLEM_TYPES: Readonly<Record<number, [string, string]>> = {
  400: [
    'https://tools.ietf.org/html/rfc9110#section-15.5.1',
    'One or more validation errors occurred.',
  ],
  401: ['https://tools.ietf.org/html/rfc9110#section-15.5.2', 'Unauthorized'],
  403: ['https://tools.ietf.org/html/rfc9110#section-15.5.4', 'Forbidden'],
  404: ['https://tools.ietf.org/html/rfc9110#section-15.5.5', 'Not Found'],
  405: ['https://tools.ietf.org/html/rfc9110#section-15.5.6', 'Method Not Allowed'],
  409: ['https://tools.ietf.org/html/rfc9110#section-15.5.10', 'Conflict'],
  429: ['https://tools.ietf.org/html/rfc6585#section-4', 'Too Many Requests'],
  500: [
    'https://tools.ietf.org/html/rfc9110#section-15.6.1',
    'An error occurred while processing your request.',
  ],
  502: ['https://tools.ietf.org/html/rfc9110#section-15.6.3', 'Bad Gateway'],
  503: ['https://tools.ietf.org/html/rfc9110#section-15.6.4', 'Service Unavailable'],
  504: ['https://tools.ietf.org/html/rfc9110#section-15.6.5', 'Gateway Timeout'],
};

/** ASP.NET ProblemDetails (§2.8 shape 1), `application/problem+json`. */
export function flexFactorProblem(
  status: number,
  errors?: Readonly<Record<string, string[]>>,
  headers: Readonly<Record<string, string>> = {},
): SandboxResponse {
  const [type, title] = PROBLEM_TYPES[status] ?? [
    'https://tools.ietf.org/html/rfc9110',
    `Request failed with status ${status}`,
  ];
  const body: Record<string, unknown> = { type, title, status, traceId: newTraceId() };
  if (errors) body.errors = errors;
  return jsonResponse(status, body, {
    'content-type': 'application/problem+json; charset=utf-8',
    ...headers,
  });
}

/**
 * The envelope failure (§2.8 shape 2): `success:false`, `status:"FAILED"`, tuple-shaped `errors`
 * with a six-digit code whose first three digits are the HTTP status (FF-ORDERAPIS).
 */
export function flexFactorEnvelopeFailure(
  httpStatus: number,
  message: string,
  code: string,
  name: string,
): SandboxResponse {
  return jsonResponse(httpStatus, {
    success: false,
    result: null,
    status: 'FAILED',
    statusCode: code,
    errors: [{ item1: message, item2: code, item3: name, item4: false }],
    customProperties: {},
  });
}

/**
 * A 401 as ASP.NET's JWT bearer handler sends it: no body, a `WWW-Authenticate` challenge. No
 * FlexFactor document records a 401 body (FF-ERR lists only the status), and the token guidance is
 * "reuse the token until a request returns 401" (FF-TOKEN).
 */
function unauthorized(challenge: string): SandboxResponse {
  return emptyResponse(401, { 'www-authenticate': challenge });
}

/** The error body FlexFactor would send for a status the fault injector was asked to send. */
export function flexFactorErrorForStatus(status: number, retryAfter?: string): SandboxResponse {
  const headers: Record<string, string> = {};
  if (retryAfter !== undefined) headers['retry-after'] = retryAfter;
  if (status === 401)
    return { ...unauthorized('Bearer'), headers: { 'www-authenticate': 'Bearer', ...headers } };
  if (status === 404) return flexFactorEnvelopeFailure(404, 'Not found', '404001', 'NOT_FOUND');
  return flexFactorProblem(status, undefined, headers);
}

/** Options of the FlexFactor API. */
export interface FlexFactorApiOptions {
  /** Largest accepted `pageSize` (undocumented upstream; Ambiguity 18). */
  readonly maxPageSize: number;
}

/** The FlexFactor API (docs/providers/flexfactor.md). */
export class FlexFactorApi {
  /**
   * @param data the orders
   * @param tokens the token issuer
   * @param options limits
   */
  constructor(
    private readonly data: FlexFactorData,
    private readonly tokens: TokenIssuer,
    private readonly options: FlexFactorApiOptions,
  ) {}

  /** Answers one request whose path has the `/flexfactor` prefix removed. */
  handle(request: SandboxRequest): SandboxResponse {
    return this.decorate(this.route(request));
  }

  /** Adds the headers every FlexFactor response carries. */
  decorate(response: SandboxResponse): SandboxResponse {
    // §2.1: recorded responses come from Kestrel behind an AWS API gateway (`apigw-requestid`).
    return {
      ...response,
      headers: {
        ...response.headers,
        server: 'Kestrel',
        'apigw-requestid': randomBytes(10).toString('base64'),
      },
    };
  }

  private route(request: SandboxRequest): SandboxResponse {
    const route = classifyFlexFactorRoute(request.method, request.path);
    if (route === 'token') return this.token(request);
    if (route === 'other') {
      const known = /^\/v1\/(orders(\/[^/]+)?|oauth2\/token)$/i.test(request.path);
      return flexFactorProblem(known ? 405 : 404);
    }
    const auth = bearerToken(request.headers);
    if (!auth.token) return unauthorized('Bearer');
    const check = this.tokens.check(auth.token);
    if (!check.valid) {
      return unauthorized(
        check.reason === 'expired'
          ? `Bearer error="invalid_token", error_description="The token expired at '${new Date(check.expiredAt).toISOString()}'"`
          : 'Bearer error="invalid_token"',
      );
    }
    return route === 'listOrders' ? this.listOrders(request) : this.getOrder(request);
  }

  /** `POST /v1/oauth2/token` (§2.3). */
  private token(request: SandboxRequest): SandboxResponse {
    const body = parseBody(request);
    if (body === undefined) {
      return flexFactorProblem(400, { $: ['The JSON value could not be converted to a request.'] });
    }
    // Ambiguity 21: AppKey/AppSecret (docs curl, AM), appKey/appSecret (NODE), client_id/
    // client_secret (docs axios). ASP.NET binds JSON property names case-insensitively.
    const appKey = field(body, 'appkey') ?? field(body, 'client_id');
    const appSecret = field(body, 'appsecret') ?? field(body, 'client_secret');
    if (appKey === undefined || appSecret === undefined) {
      const errors: Record<string, string[]> = {};
      if (appKey === undefined) errors.AppKey = ['The AppKey field is required.'];
      if (appSecret === undefined) errors.AppSecret = ['The AppSecret field is required.'];
      return flexFactorProblem(400, errors);
    }
    // Ambiguity 24: bad credentials are a 400 (AM remote test), not a 401. The body shape is not
    // recorded; the sandbox uses the envelope failure (§2.8 shape 2).
    if (!this.tokens.accepts(appKey, appSecret)) {
      return flexFactorEnvelopeFailure(
        400,
        'Invalid AppKey or AppSecret',
        '400001',
        'INVALID_CREDENTIALS',
      );
    }
    return jsonResponse(200, this.tokens.issue());
  }

  /** `GET /v1/orders/{id}` (§2.6). */
  private getOrder(request: SandboxRequest): SandboxResponse {
    let id: string;
    try {
      id = decodeURIComponent(request.path.slice('/v1/orders/'.length));
    } catch {
      id = '';
    }
    const slot = id === '' ? undefined : this.data.table.find(id);
    // The unknown-id failure's HTTP status is not recorded (AM `test_unsuccessful_inquire_request`);
    // the sandbox answers 404 with the envelope failure and a six-digit code (FF-ORDERAPIS).
    if (slot === undefined) {
      return flexFactorEnvelopeFailure(404, `Order ${id} not found`, '404001', 'ORDER_NOT_FOUND');
    }
    return jsonResponse(200, this.data.generator.detail(this.data.table.materialize(slot)));
  }

  /** `GET /v1/orders` (§2.5), answered in exactly the seed's envelope. */
  private listOrders(request: SandboxRequest): SandboxResponse {
    const parsed = parseListQuery(request.query, this.options.maxPageSize);
    if ('errors' in parsed) return flexFactorProblem(400, parsed.errors);
    const query = parsed.query;
    const { rows, totalItemCount } = this.data.list(query);
    return jsonResponse(200, {
      orders: {
        ...pagingFields(query.pageNumber, query.pageSize, totalItemCount, rows.length),
        rows,
      },
      // The documented table, plus the Chargeback code when the page holds such an order: the seed's
      // example request still gets the seed's response byte for byte, and a client must read the
      // name of an undocumented code from the response it came with.
      orderStatuses: rows.some((row) => row.status === FLEXFACTOR_CHARGEBACK_CODE)
        ? FLEXFACTOR_SANDBOX_ORDER_STATUSES
        : FLEXFACTOR_ORDER_STATUSES,
      success: true,
      result: null,
      status: null,
      statusCode: null,
      errors: [],
      customProperties: {},
    });
  }
}

/**
 * The page object's fields, computed like X.PagedList (whose field names these are, §2.5), except
 * that an empty page reports 0 for first/last item.
 */
export function pagingFields(
  pageNumber: number,
  pageSize: number,
  totalItemCount: number,
  rowCount: number,
): {
  firstItemOnPage: number;
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  isFirstPage: boolean;
  isLastPage: boolean;
  lastItemOnPage: number;
  pageCount: number;
  pageNumber: number;
  pageSize: number;
  totalItemCount: number;
} {
  const pageCount = totalItemCount > 0 ? Math.ceil(totalItemCount / pageSize) : 0;
  const firstItemOnPage = rowCount > 0 ? (pageNumber - 1) * pageSize + 1 : 0;
  return {
    firstItemOnPage,
    hasNextPage: pageNumber < pageCount,
    hasPreviousPage: pageNumber > 1,
    isFirstPage: pageNumber === 1,
    isLastPage: pageNumber >= pageCount,
    lastItemOnPage: rowCount > 0 ? firstItemOnPage + rowCount - 1 : 0,
    pageCount,
    pageNumber,
    pageSize,
    totalItemCount,
  };
}

function parseBody(request: SandboxRequest): Record<string, unknown> | undefined {
  const contentType = headerValue(request.headers, 'content-type').toLowerCase();
  if (contentType.startsWith('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(request.body));
  }
  try {
    const value: unknown = JSON.parse(request.body);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** A string property matched case-insensitively. */
function field(body: Record<string, unknown>, name: string): string | undefined {
  for (const [key, value] of Object.entries(body)) {
    if (key.toLowerCase() === name && typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}

const INT_PATTERN = /^[+-]?\d+$/;

/**
 * Validates the list query (§2.5). Parameter names are case-insensitive (ASP.NET model binding);
 * unknown names are ignored, as ASP.NET ignores them (which is why the seed's own example URL,
 * `?orders?status=7&from=…`, still works: its first key is `orders?status`).
 */
function parseListQuery(
  params: URLSearchParams,
  maxPageSize: number,
): { query: FlexFactorListQuery } | { errors: Record<string, string[]> } {
  const values = new Map<string, string[]>();
  for (const [key, value] of params) {
    const name = key.toLowerCase();
    values.set(name, [...(values.get(name) ?? []), value]);
  }
  const errors: Record<string, string[]> = {};
  const invalid = (name: string, message: string): void => {
    errors[name] = [...(errors[name] ?? []), message];
  };
  const first = (name: string): string | undefined => {
    const found = values.get(name.toLowerCase())?.find((value) => value !== '');
    return found;
  };

  // Ambiguity 16: the clean table says `query`; one rendering says `queryString`. Both accepted.
  const search = first('query') ?? first('queryString');

  // Ambiguity 17: `status` is an Int32 array; repeated keys (ASP.NET's binding) and a
  // comma-separated list are both accepted.
  const statuses: number[] = [];
  for (const raw of values.get('status') ?? []) {
    for (const part of raw.split(',')) {
      const text = part.trim();
      if (text === '') continue;
      const code = INT_PATTERN.test(text) ? Number(text) : Number.NaN;
      if (!Number.isInteger(code) || code < 0 || code > FLEXFACTOR_CHARGEBACK_CODE)
        invalid('status', `The value '${text}' is not valid.`);
      else statuses.push(code);
    }
  }

  const time = (name: 'from' | 'to'): number | undefined => {
    const text = first(name);
    if (text === undefined) return undefined;
    const micros = parseIsoMicros(text);
    if (micros === undefined) invalid(name, `The value '${text}' is not valid.`);
    return micros;
  };
  const fromUs = time('from');
  const toUs = time('to');
  const mid = first('mid');

  let orderBy: FlexFactorOrderBy = 'createdOn';
  const orderByText = first('orderBy');
  if (orderByText !== undefined) {
    const match = FLEXFACTOR_ORDER_BY.find(
      (name) => name.toLowerCase() === orderByText.toLowerCase(),
    );
    if (match) orderBy = match;
    else {
      invalid(
        'orderBy',
        `The value '${orderByText}' is not valid. Use one of: ${FLEXFACTOR_ORDER_BY.join(', ')}.`,
      );
    }
  }

  let sort: 'asc' | 'desc' = 'desc';
  const sortText = first('sort');
  if (sortText !== undefined) {
    const lower = sortText.toLowerCase();
    if (lower === 'asc' || lower === 'desc') sort = lower;
    else invalid('sort', `The value '${sortText}' is not valid. Use asc or desc.`);
  }

  const integer = (name: string, fallback: number, max: number): number => {
    const text = first(name);
    if (text === undefined) return fallback;
    if (!INT_PATTERN.test(text) || !Number.isSafeInteger(Number(text))) {
      invalid(name, `The value '${text}' is not valid.`);
      return fallback;
    }
    const value = Number(text);
    if (value < 1 || value > max) {
      invalid(name, `The field ${name} must be between 1 and ${max}.`);
      return fallback;
    }
    return value;
  };
  const pageSize = integer('pageSize', 10, maxPageSize);
  const pageNumber = integer('pageNumber', 1, 2_147_483_647);

  if (Object.keys(errors).length > 0) return { errors };
  return {
    query: {
      ...(search !== undefined ? { search } : {}),
      ...(statuses.length > 0 ? { statuses } : {}),
      ...(fromUs !== undefined ? { fromUs } : {}),
      ...(toUs !== undefined ? { toUs } : {}),
      ...(mid !== undefined ? { mid } : {}),
      orderBy,
      sort,
      pageSize,
      pageNumber,
    },
  };
}
