/** Why an `Authorization` header was not accepted. */
export type BearerTokenFailure = 'missing' | 'malformed';

/** Token characters RFC 6750 allows (`b64token`), bounded so nothing huge is ever hashed. */
const TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
const MAX_TOKEN_LENGTH = 512;

/**
 * Reads the bearer token of an `Authorization` header (`Bearer <token>`, scheme case-insensitive).
 * Returns the token, or why there is none.
 */
export function readBearerToken(
  header: string | undefined,
): { token: string } | { failure: BearerTokenFailure } {
  if (header === undefined || header.trim() === '') return { failure: 'missing' };
  const match = /^\s*(\S+)\s+(\S+)\s*$/.exec(header);
  if (!match || match[1]!.toLowerCase() !== 'bearer') return { failure: 'malformed' };
  const token = match[2]!;
  if (token.length > MAX_TOKEN_LENGTH || !TOKEN.test(token)) return { failure: 'malformed' };
  return { token };
}
