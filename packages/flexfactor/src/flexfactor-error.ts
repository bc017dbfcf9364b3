import {
  formatPath,
  kindForStatus,
  type ProviderApiErrorKind,
  type ProviderErrorDescription,
  ProviderResponseError,
} from '@orderbridge/core';

/*
 * FlexFactor reports errors in three shapes (docs/providers/flexfactor.md §2.8, docs/providers/flexfactor.md ambiguity 26):
 * 1. ASP.NET ProblemDetails: `{ status: 400 | "400", title, traceId, errors: { field: [msg] } }` (FF-ERR);
 * 2. the envelope: `{ success: false, status: "FAILED", errors: [{ item1, item2, item3, item4 }] }` (AM);
 * 3. a flattened ModelState: `{ TraceId: ["00-…"], IdempotencyKey: ["… is required."] }` (AM remote test).
 * Each becomes a `ProviderErrorDescription` with the provider's own messages, per-field details and
 * the trace id as request id. The envelope can also arrive with HTTP 200, so it is checked on every
 * successful response too (`readEnvelopeFailure`).
 */

const MAX_MESSAGE_LENGTH = 500;
const MAX_DETAILS = 50;

type Detail = { path?: string; message: string; code?: string };

/** A failure reported inside a FlexFactor envelope, with the kind its six-digit code implies. */
export interface FlexFactorEnvelopeFailure extends ProviderErrorDescription {
  /** HTTP status the six-digit code names (`404001` → 404), when there is such a code. */
  codeStatus: number | undefined;
}

/**
 * Reads any FlexFactor error body (one of the three documented shapes) for the transport's
 * `describeError` hook. An unrecognised body yields an empty description: the error then says
 * only what the HTTP status means.
 */
export function describeFlexFactorError(body: unknown, _status: number): ProviderErrorDescription {
  if (!isRecord(body)) return {};
  const envelope = readEnvelopeFailure(body);
  if (envelope) {
    const { codeStatus: _codeStatus, kind: _kind, ...description } = envelope;
    return description;
  }
  const problem = readProblemDetails(body);
  if (problem) return problem;
  // The AWS API gateway in front of FlexFactor (§2.1, `apigw-requestid`) answers `{ "message": … }`.
  const gatewayMessage = typeof body.message === 'string' ? text(body.message) : undefined;
  if (gatewayMessage) return { message: truncate(gatewayMessage) };
  return readFlatFieldMap(body) ?? {};
}

/**
 * The failure an envelope reports: `success: false` or a non-empty `errors` array, whatever the
 * HTTP status. Returns undefined for a body that reports no failure.
 */
export function readEnvelopeFailure(body: unknown): FlexFactorEnvelopeFailure | undefined {
  if (!isRecord(body)) return undefined;
  const errors = Array.isArray(body.errors) ? body.errors : [];
  if (body.success !== false && errors.length === 0) return undefined;
  const details: Detail[] = [];
  const codes: string[] = [];
  for (const item of errors.slice(0, MAX_DETAILS)) {
    if (typeof item === 'string') {
      details.push({ message: item });
      continue;
    }
    if (!isRecord(item)) continue;
    const message = text(item.item1) ?? text(item.message) ?? 'error';
    const code = text(item.item2) ?? text(item.item3) ?? text(item.code);
    const name = text(item.item3);
    for (const candidate of [text(item.item2), name]) if (candidate) codes.push(candidate);
    details.push(code ? { message, code } : { message });
  }
  const statusCode = text(body.statusCode);
  if (statusCode) codes.push(statusCode);
  const providerCode = codes.find(isSixDigitCode) ?? codes[0];
  const codeStatus = statusFromCode(codes.find(isSixDigitCode));
  const messages = details.map((detail) => detail.message);
  const fallback = text(body.result) ?? text(body.status) ?? 'the request failed';
  const description: FlexFactorEnvelopeFailure = {
    message: truncate(messages.length > 0 ? messages.join('; ') : fallback),
    codeStatus,
  };
  if (providerCode) description.providerCode = providerCode;
  if (details.length > 0) description.details = details;
  if (codeStatus !== undefined) description.kind = kindForStatus(codeStatus);
  return description;
}

/** The error kind an envelope failure reported with HTTP `status` means. */
export function kindOfEnvelopeFailure(
  failure: FlexFactorEnvelopeFailure,
  status: number,
): ProviderApiErrorKind {
  // A successful HTTP status says nothing; the six-digit code does (FF-ORDERAPIS: "the first three
  // digits are the HTTP status"). An error status is authoritative.
  if (status >= 400) return kindForStatus(status);
  return failure.codeStatus !== undefined ? kindForStatus(failure.codeStatus) : 'unknown';
}

/** ASP.NET ProblemDetails (FF-ERR); `status` may be the string "400" (AM fixture). */
function readProblemDetails(body: Record<string, unknown>): ProviderErrorDescription | undefined {
  const title = text(body.title);
  const hasProblemStatus = typeof body.status === 'number' || isNumericText(body.status);
  if (!title && !(hasProblemStatus && (isRecord(body.errors) || text(body.traceId)))) {
    return undefined;
  }
  const details = isRecord(body.errors) ? fieldDetails(body.errors) : [];
  const detailText = text(body.detail);
  const parts = [title ?? 'request failed', detailText].filter(Boolean).join(' ');
  const description: ProviderErrorDescription = {
    message: truncate(
      details.length > 0 ? `${parts} (${details.map(describeDetail).join('; ')})` : parts,
    ),
  };
  if (details.length > 0) description.details = details;
  const traceId = text(body.traceId) ?? text(body.TraceId);
  if (traceId) description.requestId = traceId;
  return description;
}

/** A ModelState flattened to the top level, with `TraceId` as an array (AM remote test). */
function readFlatFieldMap(body: Record<string, unknown>): ProviderErrorDescription | undefined {
  const entries = Object.entries(body);
  if (entries.length === 0) return undefined;
  const isFieldMap = entries.every(
    ([, value]) =>
      (Array.isArray(value) && value.every((item) => typeof item === 'string')) ||
      typeof value === 'string',
  );
  if (!isFieldMap) return undefined;
  let requestId: string | undefined;
  const fields: Record<string, unknown> = {};
  for (const [key, value] of entries) {
    if (key.toLowerCase() === 'traceid') {
      requestId = Array.isArray(value) ? text(value[0]) : text(value);
    } else {
      fields[key] = value;
    }
  }
  const details = fieldDetails(fields);
  if (details.length === 0 && requestId === undefined) return undefined;
  const description: ProviderErrorDescription = {
    message: truncate(
      details.length > 0 ? details.map(describeDetail).join('; ') : 'request failed',
    ),
  };
  if (details.length > 0) description.details = details;
  if (requestId) description.requestId = requestId;
  return description;
}

function fieldDetails(errors: Record<string, unknown>): Detail[] {
  const details: Detail[] = [];
  for (const [field, value] of Object.entries(errors)) {
    const messages = Array.isArray(value) ? value : [value];
    for (const message of messages) {
      const readable = text(message);
      if (readable && details.length < MAX_DETAILS)
        details.push({ path: field, message: readable });
    }
  }
  return details;
}

function describeDetail(detail: Detail): string {
  return detail.path && detail.path !== '$' ? `${detail.path}: ${detail.message}` : detail.message;
}

function isSixDigitCode(code: string | undefined): code is string {
  return code !== undefined && /^\d{6}$/.test(code);
}

function statusFromCode(code: string | undefined): number | undefined {
  if (!code) return undefined;
  const status = Number(code.slice(0, 3));
  return status >= 100 && status <= 599 ? status : undefined;
}

function isNumericText(value: unknown): boolean {
  return typeof value === 'string' && /^\d{3}$/.test(value);
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function truncate(message: string): string {
  return message.length > MAX_MESSAGE_LENGTH
    ? `${message.slice(0, MAX_MESSAGE_LENGTH - 1)}…`
    : message;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A schema issue's JSON path, `(body)` when the body itself is wrong. */
export function bodyPath(path: readonly PropertyKey[]): string {
  return formatPath(path as PropertyKey[]) || '(body)';
}

/**
 * A successful response whose body does not match its documented schema: a
 * `ProviderResponseError` naming each issue's JSON path, with the caller's message.
 */
export function bodyShapeError(options: {
  provider: string;
  response: { status: number; requestId?: string | undefined };
  issues: readonly { path: PropertyKey[]; message: string }[];
  message: string;
}): ProviderResponseError {
  return new ProviderResponseError({
    provider: options.provider,
    status: options.response.status,
    requestId: options.response.requestId,
    issues: options.issues.map((issue) => ({ path: bodyPath(issue.path), message: issue.message })),
    message: options.message,
  });
}
