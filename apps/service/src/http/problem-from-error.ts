import {
  ConfigurationError,
  formatPath,
  InvalidQueryError,
  OrderBridgeError,
  ProviderApiError,
  ProviderResponseError,
  ProviderUnavailableError,
  type QueryIssue,
  RateLimitError,
  TimeoutError,
  TransportError,
} from '@orderbridge/core';
import type { ZodError } from 'zod';
import type { FieldError, ProblemInit, ProblemName } from './problem.js';
import { ProblemError } from './problem-error.js';

/** A problem derived from an error: its name, fields, and extra headers. */
export interface ErrorProblem {
  /** The problem name. */
  name: ProblemName;
  /** Fields of the problem. */
  init: ProblemInit;
  /** Extra response headers (`Retry-After`). */
  headers: Record<string, string>;
  /** True when the error is a bug of the service (log it at error level, with its stack). */
  isInternal: boolean;
}

/** Most field errors one problem lists; the rest are counted in a last entry. */
export const MAX_REPORTED_ERRORS = 10;
/** Longest field name echoed back (a parameter name is client input of any length). */
const MAX_FIELD_LENGTH = 64;
/** Longest message echoed back. */
const MAX_MESSAGE_LENGTH = 300;
/** Longest wait passed on as `Retry-After`, in seconds: an upstream may ask for anything. */
export const MAX_RETRY_AFTER_SECONDS = 3600;

/** Query fields of core's issues that are named differently as HTTP parameters. */
const PARAMETER_NAMES: Record<string, string> = { providers: 'provider' };

/**
 * Maps an issue's field (`status[1]`, `sort.field`) to the query parameter a client sent
 * (`status`, `sort`), so `errors[].field` always names a parameter.
 */
export function parameterOf(field: string): string {
  const head = /^[A-Za-z_][A-Za-z0-9_]*/.exec(field)?.[0] ?? field;
  return PARAMETER_NAMES[head] ?? head;
}

/**
 * Converts the zod issues of a parameter schema into field errors; each unknown parameter gets its
 * own entry.
 */
export function fieldErrorsFromZod(error: ZodError): FieldError[] {
  return boundErrors(
    error.issues.flatMap((issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => ({ field: key, message: 'is not a parameter of this operation' }))
        : toFieldErrors([{ field: formatPath(issue.path) || '(query)', message: issue.message }]),
    ),
  );
}

/** Converts core's query issues into field errors, one per parameter and message (bounded). */
export function fieldErrorsOf(issues: readonly QueryIssue[]): FieldError[] {
  return boundErrors(toFieldErrors(issues));
}

function toFieldErrors(issues: readonly QueryIssue[]): FieldError[] {
  return issues.map((issue) => ({
    field: parameterOf(issue.field),
    message:
      issue.field.includes('[') || issue.field.includes('.')
        ? `${issue.field}: ${issue.message}`
        : issue.message,
  }));
}

/**
 * Keeps an error answer small whatever the request: at most `MAX_REPORTED_ERRORS` entries (a last
 * one says how many more there were), field names and messages cut to a sane length. A 15 KB query
 * could otherwise produce megabytes of errors.
 */
export function boundErrors(errors: readonly FieldError[]): FieldError[] {
  const shown = errors.slice(0, MAX_REPORTED_ERRORS).map((error) => ({
    field: truncate(error.field, MAX_FIELD_LENGTH),
    message: truncate(error.message, MAX_MESSAGE_LENGTH),
  }));
  const more = errors.length - shown.length;
  if (more > 0) {
    shown.push({
      field: '(more)',
      message: `and ${more} more problem${more === 1 ? '' : 's'} not listed`,
    });
  }
  return shown;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Seconds for `Retry-After`: whole, at least 1, at most `MAX_RETRY_AFTER_SECONDS`; 0 for none. */
export function retryAfterSeconds(milliseconds: number | undefined): number {
  if (milliseconds === undefined || !Number.isFinite(milliseconds) || milliseconds < 0) {
    return milliseconds === Number.POSITIVE_INFINITY ? MAX_RETRY_AFTER_SECONDS : 0;
  }
  return Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(1, Math.ceil(milliseconds / 1000)));
}

/**
 * Chooses the problem for an error: bad input → 400, a provider's error answer → 502 (a 404 from a
 * provider too: the caller's own resource was not what was missing; `GET /v1/orders/{key}` turns a
 * provider's 404 into its own), a provider that is unavailable, rate-limited or unreachable → 503
 * (504 for timeouts), anything unexpected → 500 with a generic detail.
 *
 * A provider problem names the provider and a stable kind, never the provider's message: that
 * carries upstream hosts, paths and query strings, which clients must not see. Operators find the
 * full error in the log.
 */
export function problemFromError(error: unknown): ErrorProblem {
  const headers: Record<string, string> = {};
  if (error instanceof ProblemError) {
    return { name: error.problem, init: error.init, headers: error.headers, isInternal: false };
  }
  if (InvalidQueryError.isInstance(error)) {
    const errors = fieldErrorsOf(error.issues);
    if (error.issues.some((issue) => issue.field === 'cursor')) {
      return {
        name: 'invalid-cursor',
        init: {
          detail:
            'The cursor does not belong to this query; repeat the query that returned it, or start without a cursor.',
          errors,
        },
        headers,
        isInternal: false,
      };
    }
    return {
      name: 'invalid-query',
      init: { detail: describeIssues(errors), errors },
      headers,
      isInternal: false,
    };
  }
  if (ProviderApiError.isInstance(error)) {
    const provider = providerFields(error);
    if (RateLimitError.isInstance(error) || ProviderUnavailableError.isInstance(error)) {
      const retryAfter = retryAfterSeconds(error.retryAfterMs);
      if (retryAfter > 0) headers['retry-after'] = String(retryAfter);
      return {
        name: 'provider-unavailable',
        init: { ...provider, ...(retryAfter > 0 ? { retryAfter } : {}) },
        headers,
        isInternal: false,
      };
    }
    return {
      name: 'provider-error',
      init: provider,
      headers,
      isInternal: false,
    };
  }
  if (ProviderResponseError.isInstance(error)) {
    return {
      name: 'provider-error',
      init: {
        detail: `Provider "${error.provider}" sent a response that does not match its documented format; the details are in the service log.`,
        provider: error.provider,
        kind: 'invalid_response',
        ...(error.status !== undefined ? { providerStatus: error.status } : {}),
        ...(error.requestId !== undefined ? { providerRequestId: error.requestId } : {}),
      },
      headers,
      isInternal: false,
    };
  }
  if (TimeoutError.isInstance(error)) {
    return {
      name: 'provider-unavailable',
      init: {
        status: 504,
        detail: `Provider "${error.provider}" did not answer in time; try again later.`,
        provider: error.provider,
        kind: 'timeout',
      },
      headers,
      isInternal: false,
    };
  }
  if (TransportError.isInstance(error)) {
    return {
      name: 'provider-unavailable',
      init: {
        detail: `Provider "${error.provider}" could not be reached; try again later.`,
        provider: error.provider,
        kind: 'transport',
      },
      headers,
      isInternal: false,
    };
  }
  if (ConfigurationError.isInstance(error)) {
    return {
      name: 'configuration-error',
      init: {
        detail: error.message,
        ...(error.provider !== undefined ? { provider: error.provider } : {}),
      },
      headers,
      isInternal: true,
    };
  }
  return {
    name: 'internal',
    init: {
      detail:
        'An unexpected error occurred. It has been logged; quote the request id when reporting it.',
      ...(OrderBridgeError.isInstance(error) && error.provider ? { provider: error.provider } : {}),
    },
    headers,
    isInternal: true,
  };
}

/** What a client may read about a provider's error answer: who, what kind, which status. */
const KIND_TEXT: Record<string, string> = {
  authentication: 'refused the credentials configured for it',
  permission: 'refused access with the credentials configured for it',
  not_found: 'answered that a resource it was asked for does not exist',
  rate_limited: 'is rate limiting requests; try again later',
  unavailable: 'is unavailable; try again later',
  server: 'failed; try again later',
  bad_request: 'refused the request',
  conflict: 'refused the request as conflicting',
};

function providerFields(error: ProviderApiError): ProblemInit & { detail: string } {
  const status = error.status !== undefined ? ` (HTTP ${error.status})` : '';
  return {
    detail: `Provider "${error.provider}" ${KIND_TEXT[error.kind] ?? 'answered with an error'}${status}; the details are in the service log.`,
    provider: error.provider,
    kind: error.kind,
    ...(error.status !== undefined ? { providerStatus: error.status } : {}),
    ...(error.requestId !== undefined ? { providerRequestId: error.requestId } : {}),
  };
}

/**
 * One sentence naming the first bad parameter and how many more there are; `errors` has each. (The
 * detail does not repeat every error: with many, that doubled the size of the answer.)
 */
export function describeIssues(errors: readonly FieldError[]): string {
  const listed = errors.filter((error) => error.field !== '(more)');
  const first = listed[0];
  if (!first) return 'Invalid query.';
  const text = first.message.startsWith(first.field)
    ? first.message
    : `${first.field}: ${first.message}`;
  const more = errors.length - 1;
  return `Invalid query: ${text}${more > 0 ? ` (and ${more === 1 ? 'one more problem' : 'more problems'}; see errors)` : ''}`;
}
