import { AuthenticationError } from './authentication-error.js';
import { NotFoundError } from './not-found-error.js';
import { PermissionError } from './permission-error.js';
import { ProviderApiError, type ProviderApiErrorKind } from './provider-api-error.js';
import { ProviderUnavailableError } from './provider-unavailable-error.js';
import { RateLimitError } from './rate-limit-error.js';

/** What a provider's error body said, as read by the provider's own error parser. */
export interface ProviderErrorDescription {
  /** The provider's message, verbatim. */
  message?: string | undefined;
  /** The provider's error code, verbatim (`NOT_FOUND`, `404001`). */
  providerCode?: string | undefined;
  /** Field-level details. */
  details?: ReadonlyArray<{ path?: string; message: string; code?: string }> | undefined;
  /** A request or trace id found in the body. */
  requestId?: string | undefined;
  /** Overrides the kind the HTTP status implies (e.g. bad credentials reported as 400). */
  kind?: ProviderApiErrorKind | undefined;
}

/** Everything needed to turn a failed provider response into a typed error. */
export interface ProviderErrorInput extends ProviderErrorDescription {
  provider: string;
  status: number | undefined;
  /** Milliseconds the provider asked to wait (from `Retry-After`). */
  retryAfterMs?: number | undefined;
  /** What was being done, for the message (`GET /v1/orders`). */
  operation?: string | undefined;
}

/** The error kind an HTTP status implies. */
export function kindForStatus(status: number | undefined): ProviderApiErrorKind {
  if (status === undefined) return 'unknown';
  if (status === 401) return 'authentication';
  if (status === 403) return 'permission';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 429) return 'rate_limited';
  if (status === 502 || status === 503 || status === 504) return 'unavailable';
  if (status >= 500) return 'server';
  if (status >= 400) return 'bad_request';
  return 'unknown';
}

const hints: Partial<Record<ProviderApiErrorKind, string>> = {
  authentication: 'check the credentials',
  permission: 'check that the credentials may access this account',
  rate_limited: 'slow down or configure a client-side rate limit',
  unavailable: 'the provider is unavailable; try again later',
  server: 'the provider failed; try again later',
};

/**
 * Builds the right error class for a failed provider call: 401 → `AuthenticationError`, 403 →
 * `PermissionError`, 404 → `NotFoundError`, 429 → `RateLimitError`, 5xx →
 * `ProviderUnavailableError`, anything else → `ProviderApiError`. The message names the provider,
 * the status and the provider's own message.
 */
export function errorFromProviderResponse(input: ProviderErrorInput): ProviderApiError {
  const kind = input.kind ?? kindForStatus(input.status);
  const statusText = input.status !== undefined ? ` (HTTP ${input.status})` : '';
  const providerText = input.message ? `: ${input.message}` : '';
  const codeText = input.providerCode ? ` [${input.providerCode}]` : '';
  const hint = hints[kind] ? `; ${hints[kind]}` : '';
  const operation = input.operation ? ` ${input.operation}` : '';
  const options = {
    provider: input.provider,
    status: input.status,
    requestId: input.requestId,
    providerCode: input.providerCode,
    details: input.details,
    message: `${input.provider}${operation} failed${statusText}${codeText}${providerText}${hint}`,
  };
  switch (kind) {
    case 'authentication':
      return new AuthenticationError(options);
    case 'permission':
      return new PermissionError(options);
    case 'not_found':
      return new NotFoundError(options);
    case 'rate_limited':
      return new RateLimitError({ ...options, retryAfterMs: input.retryAfterMs });
    case 'unavailable':
    case 'server':
      return new ProviderUnavailableError({ ...options, retryAfterMs: input.retryAfterMs });
    default:
      return new ProviderApiError({ ...options, kind });
  }
}
