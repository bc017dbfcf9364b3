/**
 * Process-wide registry of secret values (API keys, app secrets, access tokens). Every error message
 * and transport log line passes through `redactSecrets`, so a secret that reaches a message by
 * accident (an echoing server, a URL) is masked before anyone can see it.
 */
const secrets = new Set<string>();
const MIN_SECRET_LENGTH = 6;
const MASK = '[REDACTED]';

/** Registers values that must never appear in errors or logs. Short values are ignored. */
export function registerSecret(...values: Array<string | undefined | null>): void {
  for (const value of values) {
    if (typeof value === 'string' && value.length >= MIN_SECRET_LENGTH) secrets.add(value);
  }
}

/** Forgets a secret, e.g. an access token that expired. */
export function unregisterSecret(value: string | undefined | null): void {
  if (typeof value === 'string') secrets.delete(value);
}

/** Replaces every registered secret, and anything that looks like a bearer credential, with a mask. */
export function redactSecrets(text: string): string {
  let result = text;
  for (const secret of secrets) {
    if (result.includes(secret)) result = result.split(secret).join(MASK);
  }
  return result.replace(/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{6,}/gi, `$1 ${MASK}`);
}

/** Header names whose values are credentials; they are masked in every log payload. */
export const SENSITIVE_HEADERS: ReadonlySet<string> = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
]);

/** Copies headers into a plain object with credential values masked. */
export function redactHeaders(headers: Headers | Record<string, string>): Record<string, string> {
  const entries = headers instanceof Headers ? [...headers.entries()] : Object.entries(headers);
  const result: Record<string, string> = {};
  for (const [name, value] of entries) {
    result[name] = SENSITIVE_HEADERS.has(name.toLowerCase()) ? MASK : redactSecrets(value);
  }
  return result;
}
