import type { ProviderErrorDescription } from '@orderbridge/core';
import { acmeErrorSchema } from './acme-api.js';

/**
 * Reads Acme's error body `{ error: { code, message } }` for core's transport, which picks the
 * error class from the HTTP status (401 → AuthenticationError, 404 → NotFoundError, 429 →
 * RateLimitError, 5xx → ProviderUnavailableError). Acme's code is kept verbatim as `providerCode`;
 * a body in another shape (a proxy's HTML page) still gives a typed error, with a short excerpt.
 */
export function describeAcmeError(body: unknown, _status: number): ProviderErrorDescription {
  const parsed = acmeErrorSchema.safeParse(body);
  if (parsed.success) {
    return { providerCode: parsed.data.error.code, message: parsed.data.error.message };
  }
  if (typeof body === 'string' && body.trim() !== '') {
    return { message: `unexpected error body: ${body.trim().slice(0, 200)}` };
  }
  return {};
}
