/** A request the fake saw: method, URL and parsed JSON body. */
export interface SeenRequest {
  method: string;
  url: URL;
  headers: Headers;
  body: unknown;
}

/** A `fetch` that answers from a handler and records every request. */
export interface FakeFetch {
  fetch: typeof globalThis.fetch;
  requests: SeenRequest[];
  /** Requests to a path ending in `suffix`. */
  to(suffix: string): SeenRequest[];
}

/** A JSON response. */
export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });
}

/** A fake `fetch` for unit tests: no network, every request recorded. */
export function fakeFetch(
  handler: (request: SeenRequest, index: number) => Response | Promise<Response>,
): FakeFetch {
  const requests: SeenRequest[] = [];
  const fetch = (async (input: Request | string | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const text = await request.text();
    const seen: SeenRequest = {
      method: request.method,
      url: new URL(request.url),
      headers: request.headers,
      body: text === '' ? undefined : JSON.parse(text),
    };
    requests.push(seen);
    return handler(seen, requests.length - 1);
  }) as typeof globalThis.fetch;
  return {
    fetch,
    requests,
    to: (suffix) => requests.filter((request) => request.url.pathname.endsWith(suffix)),
  };
}

/** A token response expiring `lifetimeMs` after `now` (server clock). */
export function tokenBody(accessToken: string, lifetimeMs = 600_000, now = Date.now()) {
  return {
    accessToken,
    refreshToken: `refresh-${accessToken}`,
    expires: now + lifetimeMs,
    id: '0b0b0b0b-1111-2222-3333-444444444444',
    session: null,
    daysToEnforceMFA: null,
    skipAvailable: null,
    success: true,
    result: null,
    status: null,
    statusCode: null,
    errors: [],
    customProperties: {},
  };
}
