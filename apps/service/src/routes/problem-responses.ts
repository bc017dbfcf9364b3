import { problemResponseSchema } from './schemas.js';

/** One documented response header. */
type DocumentedHeader = {
  description: string;
  schema: { type: 'integer'; minimum: number };
};

/** `Retry-After` in seconds, as the service sends it. */
export const RETRY_AFTER_HEADER: DocumentedHeader = {
  description: 'Seconds to wait before retrying (sent when the wait is known).',
  schema: { type: 'integer', minimum: 1 },
};

/**
 * The rate-limit headers of an authenticated response (the IETF RateLimit header fields draft):
 * the key's budget per minute and what is left of it.
 */
export const RATE_LIMIT_HEADERS: Record<string, DocumentedHeader> = {
  'RateLimit-Limit': {
    description: 'Requests per minute this API key may make.',
    schema: { type: 'integer', minimum: 1 },
  },
  'RateLimit-Remaining': {
    description: 'Requests left in the current budget (0 on a 429).',
    schema: { type: 'integer', minimum: 0 },
  },
};

/** A documented problem+json response, with the headers it carries. */
export const documentedProblem = (
  description: string,
  headers?: Record<string, DocumentedHeader>,
) => ({
  description,
  ...(headers ? { headers: { ...headers } } : {}),
  content: { 'application/problem+json': { schema: problemResponseSchema } },
});

/** The error responses every authenticated operation can give, documented as problem+json. */
export const AUTHENTICATED_PROBLEMS = {
  400: documentedProblem(
    'Invalid input (`invalid-query`, `invalid-cursor`), with `errors` per parameter.',
  ),
  401: documentedProblem('Missing, malformed or unknown API key (`unauthorized`).'),
  429: documentedProblem(
    'The API key exceeded its rate limit (`rate-limited`); see `Retry-After`.',
    { 'Retry-After': RETRY_AFTER_HEADER, ...RATE_LIMIT_HEADERS },
  ),
  500: documentedProblem('A bug or a misconfiguration (`internal`, `configuration-error`).'),
  502: documentedProblem(
    'A provider answered with an error (`provider-error`); names the provider.',
  ),
  503: documentedProblem(
    'A provider is unavailable, rate-limited or unreachable (`provider-unavailable`); names the provider. `Retry-After` is set when the provider said how long to wait.',
    { 'Retry-After': RETRY_AFTER_HEADER },
  ),
  504: documentedProblem(
    'A provider did not answer in time (`provider-unavailable`, kind `timeout`).',
  ),
} as const;
