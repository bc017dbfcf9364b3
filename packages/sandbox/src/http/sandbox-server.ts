import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import type { InjectedFault, ProviderFaults, ProviderName } from '../faults/provider-faults.js';
import {
  classifyFlexFactorRoute,
  type FlexFactorApi,
  flexFactorErrorForStatus,
} from '../flexfactor/flexfactor-routes.js';
import {
  classifyFlexPortalRoute,
  type FlexPortalApi,
  flexPortalErrorForStatus,
} from '../flexportal/flexportal-routes.js';
import type { StatsRecorder } from '../stats/sandbox-stats.js';
import { jsonResponse, type SandboxRequest, type SandboxResponse } from './sandbox-http.js';

/** Everything the server dispatches to. */
export interface SandboxServerParts {
  /** The FlexPortal API. */
  readonly flexportal: FlexPortalApi;
  /** The FlexFactor API. */
  readonly flexfactor: FlexFactorApi;
  /** Fault state per provider. */
  readonly faults: Readonly<Record<ProviderName, ProviderFaults>>;
  /** Counters. */
  readonly stats: StatsRecorder;
  /** The `/_sandbox` control endpoint. */
  readonly control: (request: SandboxRequest) => SandboxResponse | Promise<SandboxResponse>;
  /** Gzip the providers' answers for clients that accept it (`SandboxOptions.gzip`). */
  readonly gzip?: boolean;
}

const MAX_BODY_BYTES = 10 * 1024 * 1024;

/**
 * One `node:http` server for both simulators: `/flexportal/...` and `/flexfactor/...` (prefixes
 * stripped before the provider sees the path) plus `/_sandbox/...`. Faults are applied here, around
 * the provider handlers, so handlers stay pure request → response functions.
 */
export function createSandboxServer(parts: SandboxServerParts): Server {
  const server = createServer((request, response) => {
    handle(parts, request, response).catch((error: unknown) => {
      if (!response.headersSent) {
        write(
          response,
          jsonResponse(500, {
            error: {
              code: 'SANDBOX_ERROR',
              message: `The sandbox failed to answer: ${error instanceof Error ? error.message : String(error)}`,
            },
          }),
        );
      } else {
        response.destroy();
      }
    });
  });
  server.keepAliveTimeout = 5_000;
  return server;
}

async function handle(
  parts: SandboxServerParts,
  incoming: IncomingMessage,
  outgoing: ServerResponse,
): Promise<void> {
  const url = new URL(incoming.url ?? '/', 'http://sandbox.invalid');
  const method = (incoming.method ?? 'GET').toUpperCase();
  const provider = providerOf(url.pathname);
  // The latency fault is the upstream's response time, counted from the request's arrival: the
  // page is computed while it runs and the answer leaves when both are done, i.e. after
  // max(latency, work). The timer starts here, before the body is read or the page built.
  const latency = provider ? responseDelay(parts.faults[provider].delayMs()) : undefined;
  const body = await readBody(incoming);
  if (body === undefined) {
    write(
      outgoing,
      jsonResponse(413, { error: { code: 'PAYLOAD_TOO_LARGE', message: 'Body over 10 MB' } }),
    );
    return;
  }
  if (!provider) {
    if (url.pathname === '/_sandbox' || url.pathname.startsWith('/_sandbox/')) {
      parts.stats.control();
      const request: SandboxRequest = {
        method,
        path: url.pathname,
        query: url.searchParams,
        headers: incoming.headers,
        body,
      };
      const answer = await parts.control(request);
      if (answer.stream) await writeStream(outgoing, answer, answer.stream);
      else write(outgoing, answer);
      return;
    }
    write(
      outgoing,
      jsonResponse(404, {
        error: {
          code: 'NOT_FOUND',
          message: `No route for ${url.pathname}; the sandbox serves /flexportal/v1/..., /flexfactor/v1/... and /_sandbox`,
        },
      }),
    );
    return;
  }
  const request: SandboxRequest = {
    method,
    path: url.pathname.slice(provider.length + 1),
    query: url.searchParams,
    headers: incoming.headers,
    body,
  };
  const route =
    provider === 'flexportal'
      ? classifyFlexPortalRoute(method, request.path)
      : classifyFlexFactorRoute(method, request.path);
  const { stats } = parts;
  const faults = parts.faults[provider];
  stats.request(provider, route);

  const api = provider === 'flexportal' ? parts.flexportal : parts.flexfactor;
  const errorFor = provider === 'flexportal' ? flexPortalErrorForStatus : flexFactorErrorForStatus;
  const retryAfter = faults.overRateLimit();
  if (retryAfter !== undefined) {
    // §1.3: a limited request gets 429 with a Retry-After header (seconds).
    const limited = api.decorate(errorFor(429, String(retryAfter)));
    await latency;
    stats.response(provider, limited.status);
    write(outgoing, limited);
    return;
  }

  const fault: InjectedFault | undefined = faults.take(
    route === 'listOrders' || route === 'getOrder',
  );
  if (fault?.kind === 'reset') {
    await latency;
    stats.fault(provider, 'reset');
    incoming.socket.destroy();
    return;
  }
  let answer: SandboxResponse;
  if (fault?.kind === 'fail') {
    stats.fault(provider, 'failed');
    answer = api.decorate(errorFor(fault.status, fault.retryAfter));
  } else {
    answer = api.handle(request);
  }
  if (route === 'token' && answer.status === 200 && fault === undefined) stats.tokenIssued();
  if (fault?.kind === 'truncate') {
    await latency;
    stats.fault(provider, 'truncated');
    stats.response(provider, answer.status);
    writeTruncated(outgoing, answer);
    return;
  }
  if (fault?.kind === 'malformed') {
    stats.fault(provider, 'malformed');
    answer = malformed(answer);
  }
  // Encoded (and compressed) before the wait: building the response is part of the work the
  // latency covers.
  const bytes = Buffer.from(answer.body, 'utf8');
  const compressed =
    parts.gzip === true && bytes.length > 0 && acceptsGzip(incoming.headers['accept-encoding']);
  const sentBytes = compressed ? gzipSync(bytes) : bytes;
  await latency;
  stats.response(provider, answer.status);
  const sent = compressed
    ? {
        ...answer,
        headers: { ...answer.headers, 'content-encoding': 'gzip', vary: 'accept-encoding' },
      }
    : answer;
  write(outgoing, sent, sentBytes);
}

/**
 * Whether an `Accept-Encoding` header accepts gzip: a `gzip` (or `x-gzip`, or `*`) entry whose
 * quality is not 0 (RFC 9110 §12.5.3; names case-insensitive).
 */
export function acceptsGzip(header: string | undefined): boolean {
  if (header === undefined) return false;
  let wildcard: boolean | undefined;
  for (const entry of header.split(',')) {
    const [name = '', ...parameters] = entry.split(';').map((part) => part.trim().toLowerCase());
    const quality = parameters.find((parameter) => parameter.startsWith('q='));
    const accepted = quality === undefined || Number(quality.slice(2)) > 0;
    if (name === 'gzip' || name === 'x-gzip') return accepted;
    if (name === '*') wildcard = accepted;
  }
  return wildcard === true;
}

/** A timer of `delayMs` started now (undefined when there is no delay). */
function responseDelay(delayMs: number): Promise<void> | undefined {
  return delayMs > 0 ? sleep(delayMs) : undefined;
}

function providerOf(path: string): ProviderName | undefined {
  if (path.startsWith('/flexportal/')) return 'flexportal';
  if (path.startsWith('/flexfactor/')) return 'flexfactor';
  return undefined;
}

function readBody(incoming: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    incoming.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    incoming.on('end', () =>
      resolve(tooLarge ? undefined : Buffer.concat(chunks).toString('utf8')),
    );
    incoming.on('error', reject);
  });
}

function write(
  outgoing: ServerResponse,
  answer: SandboxResponse,
  body = Buffer.from(answer.body, 'utf8'),
): void {
  outgoing.writeHead(answer.status, { ...answer.headers, 'content-length': String(body.length) });
  outgoing.end(body);
}

/**
 * Writes a streamed body chunk by chunk, waiting for the socket to drain when its buffer is full,
 * so memory stays flat however large the body is. Stops early when the client goes away.
 */
async function writeStream(
  outgoing: ServerResponse,
  answer: SandboxResponse,
  chunks: Iterable<string>,
): Promise<void> {
  outgoing.writeHead(answer.status, { ...answer.headers });
  for (const chunk of chunks) {
    if (outgoing.destroyed) return;
    if (!outgoing.write(chunk)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          outgoing.off('drain', done);
          outgoing.off('close', done);
          resolve();
        };
        outgoing.on('drain', done);
        outgoing.on('close', done);
      });
    }
  }
  if (!outgoing.destroyed) outgoing.end();
}

/** Full Content-Length, half of the body, then the connection is destroyed. */
function writeTruncated(outgoing: ServerResponse, answer: SandboxResponse): void {
  const body = Buffer.from(answer.body, 'utf8');
  outgoing.writeHead(answer.status, { ...answer.headers, 'content-length': String(body.length) });
  outgoing.flushHeaders();
  outgoing.write(body.subarray(0, Math.floor(body.length / 2)), () => {
    outgoing.socket?.destroy();
  });
}

/**
 * 200 with a JSON content type and a body that is not JSON: a prefix of the real body followed by
 * `}{`, which no JSON parser accepts (a complete value may not be followed by more text, and an
 * incomplete one cannot continue with `}{`).
 */
function malformed(answer: SandboxResponse): SandboxResponse {
  const prefix = answer.body.slice(0, Math.floor(answer.body.length * 0.6));
  return {
    status: 200,
    headers: { ...answer.headers, 'content-type': 'application/json; charset=utf-8' },
    body: `${prefix}}{`,
  };
}
