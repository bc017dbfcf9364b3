import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** A parsed incoming request, as the route handlers see it. */
export interface SandboxRequest {
  /** HTTP method, upper case. */
  readonly method: string;
  /** Path as sent (percent-encoding kept), without the query string. */
  readonly path: string;
  /** Query parameters. */
  readonly query: URLSearchParams;
  /** Request headers (names lower case, as node gives them). */
  readonly headers: IncomingHttpHeaders;
  /** Request body as text ('' when none). */
  readonly body: string;
}

/** A response before it is written (so faults can truncate or corrupt it). */
export interface SandboxResponse {
  /** HTTP status. */
  readonly status: number;
  /** Response headers. */
  readonly headers: Readonly<Record<string, string>>;
  /** Serialized body ('' for none). */
  readonly body: string;
  /**
   * A body too large to build at once (an export): its chunks, written in order with backpressure
   * and chunked transfer encoding. When set, `body` is ignored.
   */
  readonly stream?: Iterable<string>;
}

/** A JSON response (`application/json; charset=utf-8` unless a content type is given). */
export function jsonResponse(
  status: number,
  value: unknown,
  headers: Readonly<Record<string, string>> = {},
): SandboxResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(value),
  };
}

/** A response without a body. */
export function emptyResponse(
  status: number,
  headers: Readonly<Record<string, string>> = {},
): SandboxResponse {
  return { status, headers: { ...headers }, body: '' };
}

/** A random lower-case hex string of `bytes` bytes. */
export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

/** The single value of a header ('' when absent; the first when repeated). */
export function headerValue(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name];
  if (Array.isArray(value)) return value[0] ?? '';
  return value ?? '';
}

/** Parses `Authorization: Bearer <token>`; the scheme is case-insensitive (FF-LIST's request example sends "bearer"). */
export function bearerToken(headers: IncomingHttpHeaders): { present: boolean; token?: string } {
  const value = headerValue(headers, 'authorization').trim();
  if (value === '') return { present: false };
  const match = /^bearer\s+(\S+)\s*$/i.exec(value);
  return match ? { present: true, token: match[1] as string } : { present: true };
}
