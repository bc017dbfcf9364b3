import type { Sandbox } from '../../src/index.js';

/** A parsed HTTP response (status, headers, body text and JSON when it parses). */
export interface HttpResult<T = unknown> {
  status: number;
  headers: Headers;
  text: string;
  json: T;
}

/** Fetches and reads the whole response; `json` is undefined when the body is not JSON. */
export async function request<T = unknown>(
  url: string,
  init: RequestInit = {},
): Promise<HttpResult<T>> {
  const response = await fetch(url, init);
  const text = await response.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json: json as T };
}

/** The default tenant's FlexPortal headers. */
export function flexPortalHeaders(sandbox: Sandbox, tenantId?: string): Record<string, string> {
  return {
    authorization: `Bearer ${sandbox.flexportal.apiKey}`,
    'tenant-id': tenantId ?? sandbox.flexportal.tenantId,
  };
}

/** GET a FlexPortal path (under `/v1/`) as the default tenant. */
export function flexPortalGet<T = unknown>(
  sandbox: Sandbox,
  pathAndQuery: string,
  headers: Record<string, string> = flexPortalHeaders(sandbox),
): Promise<HttpResult<T>> {
  return request<T>(`${sandbox.flexportal.baseUrl}${pathAndQuery}`, { headers });
}

/** Requests a FlexFactor access token with the sandbox's credentials. */
export async function flexFactorToken(sandbox: Sandbox): Promise<string> {
  const result = await request<{ accessToken: string }>(
    `${sandbox.flexfactor.baseUrl}oauth2/token`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        AppKey: sandbox.flexfactor.appKey,
        AppSecret: sandbox.flexfactor.appSecret,
      }),
    },
  );
  if (result.status !== 200)
    throw new Error(`token request failed: ${result.status} ${result.text}`);
  return result.json.accessToken;
}

/** GET a FlexFactor path relative to the `/v1/` base with a bearer token. */
export function flexFactorGet<T = unknown>(
  sandbox: Sandbox,
  pathAndQuery: string,
  token: string,
): Promise<HttpResult<T>> {
  return request<T>(`${sandbox.flexfactor.baseUrl}${pathAndQuery}`, {
    headers: { authorization: `Bearer ${token}` },
  });
}

/** A FlexPortal list page, loosely typed for tests. */
export interface FlexPortalPage {
  orders: Array<Record<string, unknown> & { orderId: string }>;
  count: number;
  limit: number;
  hasMore: boolean;
  nextCursor: string | null;
}

/** A FlexFactor list response, loosely typed for tests. */
export interface FlexFactorPage {
  orders: {
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
    rows: Array<Record<string, unknown> & { id: string }>;
  };
  [key: string]: unknown;
}
