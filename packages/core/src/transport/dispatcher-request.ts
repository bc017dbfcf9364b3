import { STATUS_CODES } from 'node:http';
import { promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate, inflateRaw } from 'node:zlib';

/**
 * The transport's first attempt of a call without a body goes through undici's global dispatcher
 * directly (`dispatcher.request`), not through `fetch`: the same connection pool and the same
 * dispatcher a user configured with `setGlobalDispatcher` (a proxy, mTLS), without `fetch`'s
 * WHATWG layer (`Request`, `Headers` and stream objects, spec checks), which cost ~0.27 ms of
 * CPU per call on a 86 KB page, about 3× what the dispatcher itself costs. What `fetch` does on
 * top that a provider call needs is done here: the body is decompressed as `fetch` decompresses
 * it (`accept-encoding: gzip, deflate`, as `fetch` sends), network errors are `TypeError('fetch
 * failed')` like `fetch`'s (so ky retries them alike), and a redirect is left to `fetch` to follow.
 */

/** Where Node's `fetch` (undici) keeps its global dispatcher; shared by every copy of undici. */
const GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1');

/** The part of undici's `Dispatcher` the first attempt uses. */
export interface SharedDispatcher {
  request(options: {
    origin: string;
    path: string;
    method: string;
    headers: Record<string, string>;
    signal?: AbortSignal;
  }): Promise<{
    statusCode: number;
    headers: Record<string, string | string[] | undefined>;
    body: AsyncIterable<Uint8Array> & { dump?(): Promise<unknown> };
  }>;
}

/** The last `globalThis.fetch` looked at, and whether it is Node's own. */
let checkedFetch: unknown;
let isCheckedFetchNodes = false;

/**
 * Whether `globalThis.fetch` is Node's own (its source loads Node's bundled undici), not a test
 * double or an interceptor (msw, nock, `vi.spyOn`) put in its place: a replaced `fetch` must see
 * every request, so the dispatcher is used only beside Node's own.
 */
function isNodeFetchInPlace(): boolean {
  const current = globalThis.fetch;
  if (current !== checkedFetch) {
    checkedFetch = current;
    isCheckedFetchNodes =
      typeof current === 'function' &&
      Function.prototype.toString.call(current).includes('internal/deps/undici/undici');
  }
  return isCheckedFetchNodes;
}

/**
 * Undici's global dispatcher, the one Node's `fetch` sends through; undefined until the process
 * made its first `fetch` (Node creates it then), when it is not a dispatcher, or when
 * `globalThis.fetch` is not Node's own (then every request must go through it).
 */
export function sharedDispatcher(): SharedDispatcher | undefined {
  if (!isNodeFetchInPlace()) return undefined;
  const dispatcher = (globalThis as Record<symbol, unknown>)[GLOBAL_DISPATCHER];
  return typeof (dispatcher as Partial<SharedDispatcher> | undefined)?.request === 'function'
    ? (dispatcher as SharedDispatcher)
    : undefined;
}

/** A response whose headers arrived; its body is read (and decompressed) by `bytes`. */
export interface DispatchedResponse {
  status: number;
  headers: Headers;
  /** The body, decompressed per `content-encoding`. Rejects when it breaks off or is garbled. */
  bytes(): Promise<Uint8Array>;
  /** The same answer as a `Response` (for ky, which goes on from a first attempt that failed). */
  toResponse(): Promise<Response>;
}

/** Statuses `fetch` follows (`redirect: 'follow'`). */
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Statuses whose `Response` cannot have a body. */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

const decoders: Record<string, (input: Uint8Array) => Promise<Buffer>> = {
  gzip: promisify(gunzip),
  'x-gzip': promisify(gunzip),
  br: promisify(brotliDecompress),
};
const inflateZlib = promisify(inflate);
const inflateBare = promisify(inflateRaw);

/**
 * Sends a body-less request through `dispatcher`. Resolves once the headers arrived, with
 * undefined for a redirect (its body discarded): the caller then sends the request with `fetch`,
 * which follows it.
 * @throws TypeError `fetch failed` (the cause attached) when no response arrived; the signal's
 * reason when it aborted first.
 */
export async function dispatchRequest(
  dispatcher: SharedDispatcher,
  url: string,
  init: { method: string; headers: Readonly<Record<string, string>>; signal: AbortSignal },
): Promise<DispatchedResponse | undefined> {
  const target = new URL(url);
  let answer: Awaited<ReturnType<SharedDispatcher['request']>>;
  try {
    answer = await dispatcher.request({
      origin: target.origin,
      path: `${target.pathname}${target.search}`,
      method: init.method,
      headers: { 'accept-encoding': 'gzip, deflate', ...init.headers },
      signal: init.signal,
    });
  } catch (error) {
    if (init.signal.aborted) throw init.signal.reason;
    throw new TypeError('fetch failed', { cause: error });
  }
  if (REDIRECT_STATUSES.has(answer.statusCode)) {
    await answer.body.dump?.().catch(() => undefined);
    return undefined;
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(answer.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else headers.append(name, value);
  }
  const status = answer.statusCode;
  let read: Promise<Uint8Array> | undefined;
  const bytes = () => {
    read ??= readBody(answer.body, headers.get('content-encoding'));
    return read;
  };
  return {
    status,
    headers,
    bytes,
    async toResponse() {
      const body = NULL_BODY_STATUSES.has(status) ? null : await bytes();
      return new Response(body as ConstructorParameters<typeof Response>[0], {
        status,
        statusText: STATUS_CODES[status] ?? '',
        headers,
      });
    },
  };
}

/**
 * Every byte of a body (a dispatcher's body, a `Response`'s stream), joined once; a body that
 * arrives in one chunk is returned as it lies.
 */
export async function readAllBytes(body: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    length += chunk.byteLength;
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length);
}

/** Reads a whole body and undoes its content codings, last applied first, as `fetch` does. */
async function readBody(
  body: AsyncIterable<Uint8Array>,
  contentEncoding: string | null,
): Promise<Uint8Array> {
  let bytes = await readAllBytes(body);
  if (contentEncoding === null || bytes.byteLength === 0) return bytes;
  const codings = contentEncoding
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity');
  for (const coding of codings.reverse()) {
    if (coding === 'deflate') {
      // Servers send both zlib-wrapped and bare deflate under this name; fetch reads either.
      bytes = (bytes[0]! & 0x0f) === 0x08 ? await inflateZlib(bytes) : await inflateBare(bytes);
      continue;
    }
    const decode = decoders[coding];
    // A coding fetch does not know is left as is (fetch hands such a body over undecoded).
    if (decode === undefined) return bytes;
    bytes = await decode(bytes);
  }
  return bytes;
}
