import type { Context } from 'hono';
import type { ServiceEnv } from './service-env.js';

/** Base of every problem `type` URI; the suffix is the stable problem name. */
export const PROBLEM_BASE = 'https://orderbridge.dev/problems/';

/** The media type of every error response (RFC 9457). */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Each problem the service answers with, its HTTP status and its fixed title. */
export const PROBLEM_TYPES = {
  'invalid-query': { status: 400, title: 'The request is invalid' },
  'invalid-cursor': { status: 400, title: 'The cursor is invalid' },
  'cursor-expired': { status: 400, title: 'The cursor has expired' },
  'bad-request': { status: 400, title: 'The request is malformed' },
  unauthorized: { status: 401, title: 'Authentication is required' },
  forbidden: { status: 403, title: 'The API key may not do this' },
  'not-found': { status: 404, title: 'Not found' },
  'method-not-allowed': { status: 405, title: 'Method not allowed' },
  'request-timeout': { status: 408, title: 'The request was not received in time' },
  'payload-too-large': { status: 413, title: 'The request body is too large' },
  'rate-limited': { status: 429, title: 'Too many requests' },
  'headers-too-large': { status: 431, title: 'The request headers are too large' },
  'provider-error': { status: 502, title: 'A provider answered with an error' },
  'provider-unavailable': { status: 503, title: 'A provider is unavailable' },
  'deadline-exceeded': { status: 504, title: 'The request took too long' },
  'configuration-error': { status: 500, title: 'The service is misconfigured' },
  'not-ready': { status: 503, title: 'The service is not ready' },
  'store-not-configured': { status: 503, title: 'The service has no order store' },
  internal: { status: 500, title: 'Internal error' },
} as const;

/** A stable problem name, e.g. `invalid-query`. */
export type ProblemName = keyof typeof PROBLEM_TYPES;

/** One invalid input field and why. */
export interface FieldError {
  /** The field: a query parameter (`limit`), a path parameter (`key`) or a header. */
  field: string;
  /** What is wrong and what is accepted. */
  message: string;
}

/** An RFC 9457 problem details object, with the service's extension members. */
export interface Problem {
  /** Stable URI naming the kind of problem (`https://orderbridge.dev/problems/invalid-query`). */
  type: string;
  /** Short summary, the same for every occurrence of the type. */
  title: string;
  /** HTTP status code. */
  status: number;
  /** What happened this time and what to do. */
  detail: string;
  /** The request path the problem occurred at. */
  instance?: string;
  /** The service's request id (also in `X-Request-Id`); quote it when asking for support. */
  requestId?: string;
  /** Each invalid field, for bad input. */
  errors?: FieldError[];
  /** The provider that failed, for provider problems. */
  provider?: string;
  /** What kind of provider failure (`authentication`, `unavailable`, `timeout`, ...). */
  kind?: string;
  /** HTTP status the provider answered with, when it answered. */
  providerStatus?: number;
  /** The provider's own request id, for the provider's support. */
  providerRequestId?: string;
  /** Seconds to wait before retrying (also in `Retry-After`). */
  retryAfter?: number;
  /** For `not-ready`: each provider check. */
  checks?: unknown[];
  /** For `not-ready`: the database check (with a PostgreSQL store and an API key). */
  database?: unknown;
}

/** What a caller supplies to build a problem; type, title and status come from the name. */
export interface ProblemInit extends Omit<Problem, 'type' | 'title' | 'status'> {
  /** Overrides the status the name implies (rarely needed). */
  status?: number;
}

/** Builds a problem object from its stable name. */
export function createProblem(name: ProblemName, init: ProblemInit): Problem {
  const definition = PROBLEM_TYPES[name];
  const { status, ...rest } = init;
  return {
    type: `${PROBLEM_BASE}${name}`,
    title: definition.title,
    status: status ?? definition.status,
    ...rest,
  };
}

/** Serialises a problem into an `application/problem+json` response with the given headers. */
export function problemResponse(problem: Problem, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(problem), {
    status: problem.status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE, ...headers },
  });
}

/**
 * Answers a request with a problem, filling in the request id and instance from the context.
 * Extra headers (`Retry-After`, `WWW-Authenticate`) are added as given.
 */
export function respondWithProblem(
  context: Context<ServiceEnv>,
  name: ProblemName,
  init: ProblemInit,
  headers: Record<string, string> = {},
): Response {
  const requestId = context.get('requestId');
  const problem = createProblem(name, {
    instance: context.req.path,
    ...(requestId ? { requestId } : {}),
    ...init,
  });
  const response = problemResponse(problem, headers);
  if (requestId) response.headers.set('x-request-id', requestId);
  return response;
}
