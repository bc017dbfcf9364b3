import type { ProviderErrorDescription } from '@orderbridge/core';
import { flexPortalErrorSchema } from './flexportal-api.js';

/** Longest slice of an unreadable error body kept in a message. */
const MAX_TEXT_BODY = 200;

/**
 * Reads a FlexPortal error body, `{ "error": { "code", "message", "details"? } }` (docs/providers/flexportal.md §1.9),
 * for core's transport. The provider's `code` is kept verbatim as `providerCode` (`NO_TENANT_ACCESS`,
 * `VALIDATION_ERROR`), so callers can tell apart the causes FlexPortal folds into one HTTP status
 * (401 `AUTH_REQUIRED` vs `INVALID_TOKEN`). The HTTP status decides the error class (core maps 401,
 * 403, 404, 429 and 5xx); a body in another shape (a proxy's HTML page) still yields a typed error,
 * with a short excerpt of the body as the message.
 */
export function describeFlexPortalError(body: unknown, _status: number): ProviderErrorDescription {
  const parsed = flexPortalErrorSchema.safeParse(body);
  if (parsed.success) {
    const { code, message, details } = parsed.data.error;
    return {
      providerCode: code,
      message,
      details: details?.map((detail) => ({
        message: detail.message,
        ...(detail.path ? { path: detail.path } : {}),
        ...(detail.code ? { code: detail.code } : {}),
      })),
    };
  }
  if (typeof body === 'string' && body.trim() !== '') {
    const text = body.trim().replace(/\s+/g, ' ');
    return {
      message: `unexpected error body: ${text.length > MAX_TEXT_BODY ? `${text.slice(0, MAX_TEXT_BODY)}…` : text}`,
    };
  }
  return {};
}
