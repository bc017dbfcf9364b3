import { problemResponseSchema } from './schemas.js';

/** A documented problem+json response. */
export const documentedProblem = (description: string) => ({
  description,
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
  ),
  500: documentedProblem('A bug or a misconfiguration (`internal`, `configuration-error`).'),
  502: documentedProblem(
    'A provider answered with an error (`provider-error`); names the provider.',
  ),
  503: documentedProblem(
    'A provider is unavailable, rate-limited or unreachable (`provider-unavailable`); names the provider.',
  ),
  504: documentedProblem(
    'A provider did not answer in time (`provider-unavailable`, kind `timeout`).',
  ),
} as const;
