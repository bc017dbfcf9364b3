import { STATUS_CODES } from 'node:http';
import { promisify } from 'node:util';
import { brotliDecompress, crc32, gunzip, inflate, inflateRaw } from 'node:zlib';
import { gunzipSync as inflateGzipMember } from 'fflate';

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

const gunzipNative = promisify(gunzip);
const decoders: Record<string, (input: Uint8Array) => Promise<Uint8Array>> = {
  gzip: decodeGzip,
  'x-gzip': decodeGzip,
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

/** The most a deflate stream can expand (RFC 1951 blocks: 258 bytes per 2 bits, ≈ 1032:1). */
const MAX_DEFLATE_RATIO = 1032;

/**
 * A gzip body's bytes, decoded in JavaScript (fflate) and checked against the member's trailer
 * (CRC-32 and length); a body that fails any check or is not one gzip member of a plausible size
 * (several members, trailing bytes, corrupt data) is decoded by node:zlib, whose result or error
 * is what `fetch` gives.
 *
 * Why not node:zlib for every body: each zlib call, sync or async, creates a native handle whose
 * JavaScript wrapper V8's young-generation collections cannot free, so the handle and the output
 * chunks it held (measured: ≈ 320 KB per 172 KB page) are promoted and stay until a full
 * mark-compact. Against a provider that compresses its pages, the service then ran a
 * mark-compact every ≈ 4 s (10 in 43 s at 40 requests/s, each ≈ 20 ms of marking); decoded here,
 * the buffers die young. fflate also costs less CPU per page than the async zlib call with its
 * thread-pool round trip (0.38 against 0.70 ms for a 172 KB page).
 */
async function decodeGzip(bytes: Uint8Array): Promise<Uint8Array> {
  return gunzipMember(bytes) ?? (await gunzipNative(bytes));
}

/** One whole gzip member decoded and verified, or undefined when node:zlib should decide. */
export function gunzipMember(bytes: Uint8Array): Uint8Array | undefined {
  // Header (10 bytes), at least an empty deflate block (2), trailer (8).
  if (bytes.byteLength < 20) return undefined;
  const trailer = new DataView(bytes.buffer, bytes.byteOffset + bytes.byteLength - 8, 8);
  const expectedCrc = trailer.getUint32(0, true);
  const length = trailer.getUint32(4, true);
  // The trailer's length is what the buffer is sized by: a value no deflate stream of this size
  // can reach is not allocated.
  if (length > bytes.byteLength * MAX_DEFLATE_RATIO) return undefined;
  let decoded: Uint8Array;
  try {
    decoded = inflateGzipMember(bytes, { out: new Uint8Array(length) });
  } catch {
    return undefined;
  }
  // Output that did not fill the buffer, or overran it (fflate then stops writing), fails one of
  // these: a second member or a corrupt stream is left to node:zlib.
  return decoded.byteLength === length && crc32(decoded) === expectedCrc ? decoded : undefined;
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
