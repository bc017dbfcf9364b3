import type { z } from 'zod';
import { jsonResponse, type SandboxResponse } from '../http/sandbox-http.js';

/** The error body of the control endpoint (the FlexPortal envelope shape, for familiarity). */
export function controlError(
  status: number,
  code: string,
  message: string,
  details?: unknown,
): SandboxResponse {
  return jsonResponse(status, { error: { code, message, ...(details ? { details } : {}) } });
}

/** A zod error as the `details` list of a control error: one `{ path, message, code }` per issue. */
export function zodDetails(error: z.ZodError): { path: string; message: string; code: string }[] {
  return error.issues.map((issue) => ({
    path: issue.path.join('.') || '(body)',
    message: issue.message,
    code: issue.code,
  }));
}

/** Parses a control request body; an empty body is `{}`. */
export function parseJson(body: string): { ok: true; value: unknown } | { ok: false } {
  if (body.trim() === '') return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch {
    return { ok: false };
  }
}
