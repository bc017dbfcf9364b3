/** A request the fake `fetch` received. */
export interface RecordedRequest {
  method: string;
  url: URL;
  headers: Headers;
}

/** What the fake answers: a JSON body with a status and headers. */
export interface FakeResponse {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * A `fetch` that never touches the network: each request is recorded and answered by `handler`
 * (in-process unit tests; the HTTP tests use the real sandbox).
 */
export function fakeFetch(
  handler: (request: RecordedRequest, index: number) => FakeResponse | Promise<FakeResponse>,
): typeof globalThis.fetch & { requests: RecordedRequest[] } {
  const requests: RecordedRequest[] = [];
  const fetch = async (input: Request | URL | string, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : new Request(input, init);
    const recorded: RecordedRequest = {
      method: request.method,
      url: new URL(request.url),
      headers: request.headers,
    };
    const index = requests.length;
    requests.push(recorded);
    const answer = await handler(recorded, index);
    const text = answer.body === undefined ? '' : JSON.stringify(answer.body);
    return new Response(text, {
      status: answer.status ?? 200,
      headers: { 'content-type': 'application/json', ...answer.headers },
    });
  };
  return Object.assign(fetch, { requests }) as typeof globalThis.fetch & {
    requests: RecordedRequest[];
  };
}
