import {
  ConfigurationError,
  formatPath,
  InvalidQueryError,
  NotFoundError,
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
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ field: key, message: 'is not a parameter of this operation' }))
      : fieldErrorsOf([{ field: formatPath(issue.path) || '(query)', message: issue.message }]),
  );
}

/** Converts core's query issues into field errors, one per parameter and message. */
export function fieldErrorsOf(issues: readonly QueryIssue[]): FieldError[] {
  return issues.map((issue) => ({
    field: parameterOf(issue.field),
    message:
      issue.field.includes('[') || issue.field.includes('.')
        ? `${issue.field}: ${issue.message}`
        : issue.message,
  }));
}

/**
 * Chooses the problem for an error: bad input → 400, a provider's error answer → 502, a provider
 * that is unavailable, rate-limited or unreachable → 503 (504 for timeouts), anything unexpected →
 * 500 with a generic detail (the details go to the log only).
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
  if (NotFoundError.isInstance(error)) {
    return {
      name: 'not-found',
      init: { detail: error.message, provider: error.provider },
      headers,
      isInternal: false,
    };
  }
  if (ProviderApiError.isInstance(error)) {
    const provider = providerFields(error);
    if (RateLimitError.isInstance(error)) {
      const retryAfter =
        error.retryAfterMs !== undefined ? Math.max(1, Math.ceil(error.retryAfterMs / 1000)) : 0;
      if (retryAfter > 0) headers['retry-after'] = String(retryAfter);
      return {
        name: 'provider-unavailable',
        init: { ...provider, ...(retryAfter > 0 ? { retryAfter } : {}) },
        headers,
        isInternal: false,
      };
    }
    if (ProviderUnavailableError.isInstance(error)) {
      return {
        name: 'provider-unavailable',
        init: provider,
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
        detail: error.message,
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
      init: { status: 504, detail: error.message, provider: error.provider, kind: 'timeout' },
      headers,
      isInternal: false,
    };
  }
  if (TransportError.isInstance(error)) {
    return {
      name: 'provider-unavailable',
      init: { detail: error.message, provider: error.provider, kind: 'transport' },
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

function providerFields(error: ProviderApiError): ProblemInit & { detail: string } {
  return {
    detail: error.message,
    provider: error.provider,
    kind: error.kind,
    ...(error.status !== undefined ? { providerStatus: error.status } : {}),
    ...(error.requestId !== undefined ? { providerRequestId: error.requestId } : {}),
  };
}

/** One sentence listing each bad parameter. */
export function describeIssues(errors: readonly FieldError[]): string {
  const describe = (error: FieldError) =>
    error.message.startsWith(error.field) ? error.message : `${error.field}: ${error.message}`;
  return `Invalid query: ${errors.map(describe).join('; ')}`;
}
