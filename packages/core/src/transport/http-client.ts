import { Buffer } from 'node:buffer';
import ky, {
  ForceRetryError,
  HTTPError,
  isForceRetryError,
  isHTTPError,
  isNetworkError,
  isTimeoutError,
  type KyResponse,
  TimeoutError as KyTimeoutError,
  type Options,
} from 'ky';
import { linkAbort } from '../abort/linked-abort.js';
import {
  errorFromProviderResponse,
  type ProviderErrorDescription,
} from '../errors/error-from-status.js';
import { OrderBridgeError } from '../errors/orderbridge-error.js';
import { ProviderResponseError } from '../errors/provider-response-error.js';
import { redactHeaders, redactSecrets } from '../errors/redact.js';
import { TimeoutError } from '../errors/timeout-error.js';
import { TransportError } from '../errors/transport-error.js';
import { CORE_VERSION } from '../version.js';
import {
  type DispatchedResponse,
  dispatchRequest,
  readAllBytes,
  sharedDispatcher,
} from './dispatcher-request.js';
import { RateLimiter, type RateLimitSettings } from './rate-limiter.js';
import { parseRetryAfter } from './retry-after.js';

/** Retry policy: exponential backoff with full jitter, capped; server hints honoured. */
export interface RetrySettings {
  /** Retries after the first attempt (default 3). */
  maxRetries?: number;
  /** First backoff step in ms; doubles each retry (default 300). */
  baseDelayMs?: number;
  /** Upper bound of one backoff delay in ms (default 10,000). */
  maxDelayMs?: number;
  /**
   * Longest `Retry-After` the client will sleep for, in ms (default 60,000). A longer one fails at
   * once with `RateLimitError.retryAfterMs`, so the caller decides whether to wait.
   */
  maxRetryAfterMs?: number;
}

/** A request about to be sent (credentials masked). */
export interface RequestEvent {
  provider: string;
  method: string;
  url: string;
  /** 1 for the first attempt, 2 for the first retry, ... */
  attempt: number;
  headers: Record<string, string>;
}

/** A response received (any status). */
export interface ResponseEvent {
  provider: string;
  method: string;
  url: string;
  attempt: number;
  status: number;
  durationMs: number;
  requestId: string | undefined;
}

/** A retry about to happen. */
export interface RetryEvent {
  provider: string;
  method: string;
  url: string;
  /** The attempt that is about to start (2 = first retry). */
  attempt: number;
  /** Why: `HTTP 503`, `network error`, `timeout`, `malformed body`. */
  reason: string;
}

/** A call that failed for good, with the typed, secret-free error it throws. */
export interface ErrorEvent {
  provider: string;
  method: string;
  url: string;
  error: OrderBridgeError;
}

/** Observation points for logs and metrics. Hooks must not throw; they see no secrets. */
export interface TransportHooks {
  onRequest?(event: RequestEvent): void;
  onResponse?(event: ResponseEvent): void;
  onRetry?(event: RetryEvent): void;
  onError?(event: ErrorEvent): void;
}

/** Settings a provider factory accepts and hands to the transport. */
export interface TransportOptions {
  /** Custom `fetch` (the test seam; also for proxies). */
  fetch?: typeof globalThis.fetch | undefined;
  /**
   * Per-attempt timeout in ms, from sending the request until a successful response's body is read
   * (default 30,000): a body that stalls is retried like one that never came.
   */
  timeoutMs?: number | undefined;
  /** Deadline for a whole call including retries and waits, in ms (default 120,000). */
  deadlineMs?: number | undefined;
  /** Retry policy, or `false` for none. */
  retry?: RetrySettings | false | undefined;
  /** Client-side request budget. */
  rateLimit?: RateLimitSettings | undefined;
  /** Logging and metrics hooks. */
  hooks?: TransportHooks | undefined;
}

/** Everything the transport needs from the provider using it. */
export interface HttpClientSettings extends TransportOptions {
  /** Provider id, for errors and hook events. */
  provider: string;
  /** Base URL requests are resolved under (`https://api-eu.flexportal.io`, `.../v1/`). */
  baseUrl: string;
  /** Product token for the User-Agent, e.g. `@orderbridge/flexportal/0.1.0`. */
  userAgent: string;
  /** Headers for every request (credentials); may be async (a token fetch). */
  headers?: (() => Record<string, string> | Promise<Record<string, string>>) | undefined;
  /**
   * A rate limiter to share between clients that draw on one budget (it takes precedence over
   * `rateLimit`).
   */
  rateLimiter?: RateLimiter | undefined;
  /** Reads the provider's error body (message, code, details) for typed errors. */
  describeError?: ((body: unknown, status: number) => ProviderErrorDescription) | undefined;
}

/** Options of one request. */
export interface HttpRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path relative to the base URL (`v1/orders`, `orders/123`). */
  path: string;
  searchParams?: URLSearchParams | Record<string, string | number | boolean | undefined>;
  json?: unknown;
  /** Extra headers for this request. */
  headers?: Record<string, string>;
  /**
   * Whether repeating the request is safe. GET, PUT and DELETE are; set it for a POST that is
   * (a token request). Non-idempotent requests are never retried.
   */
  idempotent?: boolean;
  /** Include the credential headers (default true). */
  authenticated?: boolean;
  signal?: AbortSignal | undefined;
  /** Short description for messages, e.g. `GET /v1/orders`. */
  operation?: string;
}

/** A successful response with its JSON body parsed. */
export interface HttpResponse {
  status: number;
  headers: Headers;
  requestId: string | undefined;
  /** Parsed JSON (undefined for an empty body). */
  body: unknown;
}

/** The one HTTP client every provider uses. */
export interface HttpClient {
  /**
   * Sends a request with the retry, timeout and rate-limit policy and parses the JSON response.
   * @throws a `ProviderApiError` subclass for an error status, `ProviderResponseError` for a body
   * that is not JSON, `TimeoutError` / `TransportError` when no complete response arrived; an
   * aborted call rejects with the signal's reason and is never retried.
   */
  request(request: HttpRequest): Promise<HttpResponse>;
}

const REQUEST_ID_HEADERS = [
  'x-request-id',
  'request-id',
  'apigw-requestid',
  'x-amzn-requestid',
  'x-correlation-id',
];
const RETRY_STATUS_CODES = [408, 429, 500, 502, 503, 504];
const MALFORMED_BODY = 'MALFORMED_BODY';

/** Finds the provider's request id among the usual response headers. */
export function requestIdFrom(headers: Headers): string | undefined {
  for (const name of REQUEST_ID_HEADERS) {
    const value = headers.get(name);
    if (value) return value;
  }
  return undefined;
}

/**
 * What one call shares with its attempts. ky forwards options it does not know to `fetch`, so the
 * ky instance and its `fetch` are created once per client and each call hands its state over
 * under {@link CALL_STATE}; hooks read the same object from ky's `context`.
 */
interface CallState {
  readonly method: string;
  readonly idempotent: boolean;
  readonly operation: string;
  readonly signal: AbortSignal | undefined;
  /** Attempts started so far. */
  attempt: number;
  /** The URL of the latest attempt, redacted only when a hook or an error needs it. */
  attemptUrl: string;
  /** Whether `body` holds the parsed body of the latest successful response. */
  hasBody: boolean;
  body: unknown;
  /**
   * The outcome of a first attempt made without ky (see `firstAttempt`) that did not succeed: ky's
   * first call of the client's `fetch` answers with it instead of sending the request again, so
   * retries, `Retry-After` and typed errors follow from it exactly as from ky's own attempt.
   */
  primed: { response: Response } | { error: unknown } | undefined;
}

/** The option under which a call's state reaches the client's `fetch` (ky forwards it as is). */
const CALL_STATE = 'orderbridgeCall';

/** Creates the HTTP client a provider uses for every call. */
export function createHttpClient(settings: HttpClientSettings): HttpClient {
  const provider = settings.provider;
  const retry = settings.retry === false ? { maxRetries: 0 } : (settings.retry ?? {});
  const maxRetries = retry.maxRetries ?? 3;
  const baseDelayMs = retry.baseDelayMs ?? 300;
  const maxDelayMs = retry.maxDelayMs ?? 10_000;
  const maxRetryAfterMs = retry.maxRetryAfterMs ?? 60_000;
  const timeoutMs = settings.timeoutMs ?? 30_000;
  const deadlineMs = settings.deadlineMs ?? 120_000;
  const limiter =
    settings.rateLimiter ??
    (settings.rateLimit ? new RateLimiter(settings.rateLimit.requestsPerMinute) : undefined);
  const baseFetch = settings.fetch ?? globalThis.fetch;
  const hooks = settings.hooks ?? {};
  const userAgent = `${settings.userAgent} @orderbridge/core/${CORE_VERSION} node/${process.versions.node}`;
  const baseHeaders: Readonly<Record<string, string>> = {
    accept: 'application/json',
    'user-agent': userAgent,
  };

  /**
   * Runs once per attempt (ky calls fetch for each retry): the hooks, then the body of a
   * successful response is read and parsed here, once. Reading it inside the attempt means a
   * truncated or malformed body is retried like a network error (a ForceRetryError, the error
   * ky's own `ky.retry()` raises) and counts against the attempt's timeout; and no copy of the
   * body is made (an afterResponse hook gets a tee'd clone of the stream, and had to hand back a
   * replacement Response re-encoding the whole text). The rate-limit slot is taken before the
   * attempt (in `request`, and in beforeRetry), so waiting for it never counts against the
   * per-attempt timeout: a wait is not a failure and must not cause a retry.
   */
  const attemptFetch = async (
    input: Request | URL | string,
    init?: RequestInit,
  ): Promise<Response> => {
    const state = (init as { [CALL_STATE]?: CallState } | undefined)?.[CALL_STATE];
    if (state === undefined) throw new Error('the transport was called without its call state');
    const primed = state.primed;
    if (primed !== undefined) {
      // The first attempt was already made (its hooks ran, it counted): ky goes on from its outcome.
      state.primed = undefined;
      if ('error' in primed) throw primed.error;
      return primed.response;
    }
    state.attempt += 1;
    const outgoing = input instanceof Request ? input : new Request(input, init);
    state.attemptUrl = outgoing.url;
    state.hasBody = false;
    reportRequest(state, outgoing.headers);
    const sentAt = hooks.onResponse ? performance.now() : 0;
    const response = await baseFetch(outgoing);
    reportResponse(state, response, sentAt);
    if (response.ok) {
      state.body = await readJsonBody(fetchedAnswer(response), outgoing.signal, state);
      state.hasBody = true;
    }
    return response;
  };

  /** Tells the `onRequest` hook of the attempt `state` holds (URL and headers redacted). */
  function reportRequest(state: CallState, headers: Headers): void {
    const onRequest = hooks.onRequest;
    if (!onRequest) return;
    safely(() =>
      onRequest({
        provider,
        method: state.method,
        url: redactSecrets(state.attemptUrl),
        attempt: state.attempt,
        headers: redactHeaders(headers),
      }),
    );
  }

  /** Tells the `onResponse` hook how the attempt `state` holds was answered. */
  function reportResponse(state: CallState, response: AnswerHead, sentAt: number): void {
    const onResponse = hooks.onResponse;
    if (!onResponse) return;
    safely(() =>
      onResponse({
        provider,
        method: state.method,
        url: redactSecrets(state.attemptUrl),
        attempt: state.attempt,
        status: response.status,
        durationMs: performance.now() - sentAt,
        requestId: requestIdFrom(response.headers),
      }),
    );
  }

  /**
   * Reads and parses a successful response's body.
   * @throws ForceRetryError (retried) when an idempotent request's body is truncated or not
   * JSON; for other requests the read error, or ProviderResponseError for a body that is not
   * JSON.
   */
  async function readJsonBody(
    response: ReadableAnswer,
    signal: AbortSignal,
    state: CallState,
  ): Promise<unknown> {
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      if (!state.idempotent || signal.aborted) throw error;
      throw new ForceRetryError({ code: MALFORMED_BODY, cause: asError(error) });
    }
    if (isBlank(text)) return undefined;
    try {
      return JSON.parse(text);
    } catch (error) {
      if (state.idempotent) {
        throw new ForceRetryError({ code: MALFORMED_BODY, cause: asError(error) });
      }
      throw malformedBody(provider, state.operation, response, error);
    }
  }

  // One ky instance for the client's lifetime: the settings that never change per call are merged
  // once here, not on every request.
  const client = ky.create({
    prefix: settings.baseUrl,
    fetch: attemptFetch,
    timeout: timeoutMs,
    throwHttpErrors: true,
    retry: {
      limit: maxRetries,
      methods: ['get', 'put', 'delete', 'post', 'patch'],
      statusCodes: RETRY_STATUS_CODES,
      afterStatusCodes: [429, 503],
      maxRetryAfter: maxRetryAfterMs,
      backoffLimit: maxDelayMs,
      delay: (retryCount) => baseDelayMs * 2 ** (retryCount - 1),
      jitter: true,
      retryOnTimeout: true,
      shouldRetry: ({ error }) => {
        // A server asking for a longer wait than we accept: fail now with retryAfterMs.
        if (
          isHTTPError(error) &&
          (error.response.status === 429 || error.response.status === 503)
        ) {
          const wait = parseRetryAfter(error.response.headers.get('retry-after'));
          if (wait !== undefined && wait > maxRetryAfterMs) return false;
        }
        return undefined;
      },
    },
    hooks: {
      beforeRetry: [
        async ({ options, error }) => {
          const state = options.context[CALL_STATE] as CallState;
          await limiter?.acquire(state.signal);
          if (hooks.onRetry) {
            const onRetry = hooks.onRetry;
            safely(() =>
              onRetry({
                provider,
                method: state.method,
                url: redactSecrets(state.attemptUrl),
                attempt: state.attempt + 1,
                reason: describeRetryReason(error),
              }),
            );
          }
        },
      ],
    },
  });

  async function request(call: HttpRequest): Promise<HttpResponse> {
    const method = call.method ?? 'GET';
    const idempotent = call.idempotent ?? method !== 'POST';
    const state: CallState = {
      method,
      idempotent,
      operation: call.operation ?? `${method} ${call.path}`,
      signal: call.signal,
      attempt: 0,
      attemptUrl: '',
      hasBody: false,
      body: undefined,
      primed: undefined,
    };
    const started = Date.now();

    const credentialHeaders = call.authenticated === false ? undefined : await settings.headers?.();
    try {
      if (limiter) await acquireWithinDeadline(limiter, call.signal, deadlineMs);
      const headers =
        credentialHeaders || call.headers
          ? { ...baseHeaders, ...credentialHeaders, ...call.headers }
          : baseHeaders;
      if (call.json === undefined) {
        const answered = await firstAttempt(call, state, headers, started);
        if (answered !== undefined) return answered;
      }
      const options: Options & { [CALL_STATE]: CallState } = {
        method,
        searchParams: call.searchParams,
        json: call.json,
        headers,
        signal: call.signal,
        // The deadline covers the whole call, a wait for the first rate-limit slot included.
        totalTimeout: Math.max(1, deadlineMs - (Date.now() - started)),
        context: { [CALL_STATE]: state },
        [CALL_STATE]: state,
      };
      // Non-idempotent requests are never retried.
      if (!idempotent) options.retry = { limit: 0 };
      const response = await client(call.path, options);
      return {
        status: response.status,
        headers: response.headers,
        requestId: requestIdFrom(response.headers),
        body: state.hasBody ? state.body : await parseBody(response, state.operation),
      };
    } catch (error) {
      if (call.signal?.aborted) throw call.signal.reason;
      const typed = await toTypedError(error, {
        provider,
        operation: state.operation,
        started,
        deadlineMs,
        timeoutMs,
        settings,
      });
      safely(() =>
        hooks.onError?.({ provider, method, url: redactSecrets(state.attemptUrl), error: typed }),
      );
      throw typed;
    }
  }

  /**
   * The first attempt of a call without a body, made without ky: a successful call (nearly every
   * call) then costs one `fetch` and no ky instance, `Request` objects (ky makes two or three per
   * call), option merging or retry set-up. It keeps what ky's attempt does: the same URL and
   * headers, the hooks, the per-attempt timeout (capped by the call's deadline) covering the body,
   * and the body read and parsed once. Anything but success is handed to ky as the outcome of its
   * first attempt (`state.primed`), so retries, `Retry-After`, timeouts and typed errors are ky's,
   * as before. Undefined then; an aborted call rejects with the signal's reason.
   */
  async function firstAttempt(
    call: HttpRequest,
    state: CallState,
    headers: Readonly<Record<string, string>>,
    started: number,
  ): Promise<HttpResponse | undefined> {
    const url = requestUrl(settings.baseUrl, call.path, call.searchParams);
    state.attempt = 1;
    state.attemptUrl = url;
    if (hooks.onRequest) reportRequest(state, new Headers(headers));
    const attemptTimeout = Math.max(1, Math.min(timeoutMs, deadlineMs - (Date.now() - started)));
    const attempt = linkAbort([call.signal], { timeoutMs: attemptTimeout });
    const signal = attempt.signal;
    const failed = (error: unknown): undefined => {
      if (call.signal?.aborted) throw call.signal.reason;
      // ky's own timeout error, so ky retries it (or not) as it would its own.
      state.primed = {
        error: attempt.timedOut
          ? new KyTimeoutError(new Request(url, { method: state.method }))
          : error,
      };
      return undefined;
    };
    try {
      const sentAt = hooks.onResponse ? performance.now() : 0;
      // Through undici's dispatcher unless a `fetch` was given (see dispatcher-request.ts); Node
      // creates the dispatcher with its first `fetch`, so a process's very first call fetches.
      const dispatcher = settings.fetch === undefined ? sharedDispatcher() : undefined;
      let response: ReadableAnswer & { toResponse(): Promise<Response> };
      try {
        const init = { method: state.method, headers, signal };
        const dispatched = dispatcher ? await dispatchRequest(dispatcher, url, init) : undefined;
        response = dispatched
          ? dispatchedAnswer(dispatched)
          : fetchedAnswer(await baseFetch(url, init));
      } catch (error) {
        return failed(error);
      }
      reportResponse(state, response, sentAt);
      if (response.status < 200 || response.status > 299) {
        try {
          state.primed = { response: await response.toResponse() };
        } catch (error) {
          return failed(error);
        }
        return undefined;
      }
      let body: unknown;
      try {
        body = await readJsonBody(response, signal, state);
      } catch (error) {
        return failed(error);
      }
      return {
        status: response.status,
        headers: response.headers,
        requestId: requestIdFrom(response.headers),
        body,
      };
    } finally {
      attempt.release();
    }
  }

  async function parseBody(response: KyResponse, operation: string): Promise<unknown> {
    const text = await response.text();
    if (isBlank(text)) return undefined;
    try {
      return JSON.parse(text);
    } catch (error) {
      throw malformedBody(provider, operation, response, error);
    }
  }

  return { request };
}

/**
 * The URL of a request as ky builds it from its `prefix` option: the base URL and the path joined
 * by one slash, then the search parameters appended, form-encoded (an `undefined` value is left
 * out). The query is encoded once and parsed with the rest: appending to `URL#searchParams` one
 * by one re-serialises the query each time.
 */
function requestUrl(
  baseUrl: string,
  path: string,
  searchParams: HttpRequest['searchParams'],
): string {
  const joined = `${baseUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
  let query: URLSearchParams | undefined;
  if (searchParams instanceof URLSearchParams) {
    query = searchParams;
  } else if (searchParams) {
    query = new URLSearchParams();
    for (const name of Object.keys(searchParams)) {
      const value = searchParams[name];
      if (value !== undefined) query.append(name, String(value));
    }
  }
  const encoded = query?.toString() ?? '';
  if (encoded === '') return new URL(joined).href;
  if (!joined.includes('?') && !joined.includes('#')) return new URL(`${joined}?${encoded}`).href;
  // A path with a query or fragment of its own: the parameters are added to its query, as ky adds them.
  const url = new URL(joined);
  for (const [name, value] of query!) url.searchParams.append(name, value);
  return url.href;
}

/** What the hooks and errors read of a response: its status and headers. */
interface AnswerHead {
  readonly status: number;
  readonly headers: Headers;
}

/** A response whose body is still to be read, from `fetch` or from the dispatcher. */
interface ReadableAnswer extends AnswerHead {
  /** The body as `Response#text()` reads it. */
  text(): Promise<string>;
}

/** A `fetch` response as a readable answer (it is its own `Response` for ky). */
function fetchedAnswer(response: Response): ReadableAnswer & { toResponse(): Promise<Response> } {
  return {
    status: response.status,
    headers: response.headers,
    text: () => readText(response),
    toResponse: () => Promise.resolve(response),
  };
}

/** A dispatcher response as a readable answer. */
function dispatchedAnswer(
  response: DispatchedResponse,
): ReadableAnswer & { toResponse(): Promise<Response> } {
  return {
    status: response.status,
    headers: response.headers,
    text: async () => textOf(await response.bytes()),
    toResponse: () => response.toResponse(),
  };
}

/**
 * A body as text, as `Response#text()` reads it (UTF-8, a leading byte order mark dropped,
 * malformed sequences replaced), with one copy of the bytes fewer: a body that arrives in one
 * chunk is decoded where it lies, several chunks are joined once.
 */
async function readText(response: Response): Promise<string> {
  const body = response.body;
  if (body === null) return '';
  return textOf(await readAllBytes(body as AsyncIterable<Uint8Array>));
}

/** Bytes as text, as `Response#text()` decodes them: UTF-8, a leading byte order mark dropped. */
function textOf(bytes: Uint8Array): string {
  const start = hasByteOrderMark(bytes) ? 3 : 0;
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, bytes.byteLength - start).toString(
    'utf8',
  );
}

function hasByteOrderMark(bytes: Uint8Array): boolean {
  return bytes.byteLength >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}

/** Whether a body is empty or only whitespace (a regular expression stops at the first other character, where `trim()` would copy). */
function isBlank(text: string): boolean {
  return text.length === 0 || BLANK.test(text);
}

const BLANK = /^\s*$/;

/**
 * Waits for a rate-limit slot, within the call's deadline.
 * @throws TimeoutError (deadline) when no slot frees up in time; the signal's reason when aborted.
 */
async function acquireWithinDeadline(
  limiter: RateLimiter,
  signal: AbortSignal | undefined,
  deadlineMs: number,
): Promise<void> {
  const waiting = linkAbort([signal], { timeoutMs: deadlineMs });
  try {
    await limiter.acquire(waiting.signal);
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    if (waiting.timedOut) {
      const timeout = new Error('waited for a rate-limit slot past the deadline');
      timeout.name = 'TimeoutError';
      throw timeout;
    }
    throw error;
  } finally {
    waiting.release();
  }
}

async function toTypedError(
  error: unknown,
  context: {
    provider: string;
    operation: string;
    started: number;
    deadlineMs: number;
    timeoutMs: number;
    settings: HttpClientSettings;
  },
): Promise<OrderBridgeError> {
  const { provider, operation } = context;
  if (OrderBridgeError.isInstance(error)) return error;
  if (error instanceof HTTPError || isHTTPError(error)) {
    const response = error.response;
    const body = await readErrorBody(error);
    const description = context.settings.describeError?.(body, response.status) ?? {};
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    return errorFromProviderResponse({
      ...description,
      provider,
      status: response.status,
      operation,
      retryAfterMs,
      requestId: description.requestId ?? requestIdFrom(response.headers),
    });
  }
  if (isTimeoutError(error) || (error instanceof Error && error.name === 'TimeoutError')) {
    const elapsed = Date.now() - context.started;
    const scope = elapsed >= context.deadlineMs - 5 ? 'deadline' : 'attempt';
    const limit = scope === 'deadline' ? context.deadlineMs : context.timeoutMs;
    return new TimeoutError({
      provider,
      request: operation,
      scope,
      timeoutMs: limit,
      message:
        scope === 'deadline'
          ? `${provider} ${operation} did not complete within its ${limit} ms deadline (retries included)`
          : `${provider} ${operation} timed out after ${limit} ms without a complete response`,
    });
  }
  if (isForceRetryError(error)) {
    // Retries spent on bodies that could not be read.
    const cause = error.cause;
    return new ProviderResponseError({
      provider,
      isRetryable: true,
      issues: [
        {
          path: '(body)',
          message: cause instanceof Error ? redactSecrets(cause.message) : 'unreadable body',
        },
      ],
      message: `${provider} ${operation} returned a body that is truncated or not valid JSON (${cause instanceof Error ? redactSecrets(cause.message) : 'unreadable'})`,
      cause,
    });
  }
  if (isNetworkError(error) || error instanceof TypeError) {
    const detail = networkDetail(error);
    return new TransportError({
      provider,
      request: operation,
      message: `${provider} ${operation} failed before a response arrived: ${detail}`,
      cause: error,
    });
  }
  return new OrderBridgeError({
    provider,
    message: `${provider} ${operation} failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`,
    cause: error,
  });
}

async function readErrorBody(error: HTTPError): Promise<unknown> {
  if (error.data !== undefined) return error.data;
  try {
    const text = await error.response.text();
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  } catch {
    return undefined;
  }
}

function malformedBody(
  provider: string,
  operation: string,
  response: AnswerHead,
  error: unknown,
): ProviderResponseError {
  return new ProviderResponseError({
    provider,
    status: response.status,
    requestId: requestIdFrom(response.headers),
    issues: [
      { path: '(body)', message: error instanceof Error ? error.message : 'not valid JSON' },
    ],
    message: `${provider} ${operation} returned a body that is not valid JSON`,
    isRetryable: true,
  });
}

function describeRetryReason(error: unknown): string {
  if (isHTTPError(error)) return `HTTP ${error.response.status}`;
  if (isTimeoutError(error)) return 'timeout';
  if (isForceRetryError(error)) return 'malformed body';
  return 'network error';
}

function networkDetail(error: unknown): string {
  let current: unknown = error;
  const parts: string[] = [];
  while (current instanceof Error && parts.length < 4) {
    const code = (current as { code?: unknown }).code;
    parts.push(typeof code === 'string' ? `${current.message} (${code})` : current.message);
    current = current.cause;
  }
  return redactSecrets(parts.join(': ') || 'network error');
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function safely(action: () => void): void {
  try {
    action();
  } catch {
    // A logging hook must never break a request.
  }
}
