import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AcmeOrder } from './acme-api.js';
import type { ACME_DOCUMENTED_STATES } from './acme-mapper.js';

/*
 * A local Acme Orders API, written from Acme's documentation (see acme-api.ts) and not from the
 * provider: same paths, parameters, auth, envelope, keyset page tokens, sort and error bodies. It
 * listens on 127.0.0.1 only. Tests read its dataset as the ground truth and flip its fault switches.
 */

/** Options of `startAcmeSimulator`. */
export interface AcmeSimulatorOptions {
  /** Orders in the dataset (default 150). */
  count?: number;
  /** Seed of the dataset: the same seed gives the same orders (default 1). */
  seed?: number;
  /** The API key the simulator accepts (default `acme-test-key-0001`, an obviously fake one). */
  apiKey?: string;
}

/** Fault switches of the simulator; each affects the next order requests only. */
export interface AcmeSimulatorFaults {
  /** The next `count` order requests answer `status` (with `Retry-After` when given). */
  failNext(count: number, status: number, options?: { retryAfterSeconds?: number }): Promise<void>;
  /** The next `count` order requests answer 200 with a truncated JSON body. */
  malformedNext(count: number): Promise<void>;
  /** Delays every following response by `ms` (0 resets). */
  latency(ms: number): Promise<void>;
  /** Clears every fault. */
  clear(): Promise<void>;
}

/** A running simulator. */
export interface AcmeSimulator {
  /** Base URL to give the provider (`http://127.0.0.1:<port>/v1/`). */
  readonly url: string;
  /** The API key it accepts. */
  readonly apiKey: string;
  /** Fault switches. */
  readonly faults: AcmeSimulatorFaults;
  /** A copy of every order it holds, as Acme sends them. */
  records(): AcmeOrder[];
  /** Sets an order's raw `state`, documented or not (to test unknown states end to end). */
  setState(id: string, state: string): void;
  /** How many requests it has answered. */
  readonly requestCount: number;
  /** Stops the server and drops open connections. */
  close(): Promise<void>;
}

const MAX_PAGE_SIZE = 100;
const DEFAULT_PAGE_SIZE = 25;

/** Starts a simulator on a free loopback port. */
export async function startAcmeSimulator(
  options: AcmeSimulatorOptions = {},
): Promise<AcmeSimulator> {
  const apiKey = options.apiKey ?? 'acme-test-key-0001';
  const orders = generateAcmeOrders(options.count ?? 150, options.seed ?? 1);
  const byId = new Map(orders.map((order) => [order.id, order]));
  const fault = {
    failures: 0,
    status: 500,
    retryAfterSeconds: undefined as number | undefined,
    malformed: 0,
    latencyMs: 0,
  };
  let requestCount = 0;

  const server = createServer((request, response) => {
    requestCount += 1;
    void handle(request, response).catch(() => {
      if (!response.headersSent)
        send(response, 500, { error: { code: 'internal', message: 'simulator failed' } });
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse) {
    if (fault.latencyMs > 0) {
      const arrived = await delay(fault.latencyMs, response);
      if (!arrived) return; // the client went away
    }
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (request.headers.authorization !== `Bearer ${apiKey}`) {
      return send(response, 401, {
        error: { code: 'unauthenticated', message: 'missing or invalid API key' },
      });
    }
    const single = /^\/v1\/orders\/([^/]+)$/.exec(url.pathname);
    if (request.method !== 'GET' || (url.pathname !== '/v1/orders' && !single)) {
      return send(response, 404, {
        error: { code: 'not_found', message: `no route ${request.method} ${url.pathname}` },
      });
    }
    if (fault.failures > 0) {
      fault.failures -= 1;
      const headers: Record<string, string> =
        fault.retryAfterSeconds === undefined
          ? {}
          : { 'retry-after': String(fault.retryAfterSeconds) };
      return send(
        response,
        fault.status,
        { error: { code: 'injected', message: `injected ${fault.status}` } },
        headers,
      );
    }
    if (fault.malformed > 0) {
      fault.malformed -= 1;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"orders": [{"id": "A-1', 'utf8');
      return;
    }
    if (single) {
      const order = byId.get(decodeURIComponent(single[1]!));
      return order
        ? send(response, 200, order)
        : send(response, 404, { error: { code: 'not_found', message: 'no such order' } });
    }
    return listOrders(url.searchParams, response);
  }

  function listOrders(params: URLSearchParams, response: ServerResponse) {
    const invalid = (message: string) =>
      send(response, 400, { error: { code: 'invalid_argument', message } });
    const pageSize = params.has('page_size') ? Number(params.get('page_size')) : DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      return invalid(`page_size must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
    }
    const order = params.get('order') ?? '-created_at';
    if (order !== 'created_at' && order !== '-created_at')
      return invalid('order must be created_at or -created_at');
    const sign = order === 'created_at' ? 1 : -1;
    const states = params.get('state')?.split(',').filter(Boolean);
    const customerId = params.get('customer_id');
    const matching = orders
      .filter((candidate) => !states || states.includes(candidate.state))
      .filter((candidate) => !customerId || candidate.customer?.id === customerId)
      .sort((left, right) => sign * compareCreated(left, right));
    let start = 0;
    const token = params.get('page_token');
    if (token) {
      const after = readToken(token);
      if (!after) return invalid('page_token is not valid');
      start = matching.findIndex((candidate) => sign * compareCreated(candidate, after) > 0);
      if (start === -1) start = matching.length;
    }
    const page = matching.slice(start, start + pageSize);
    const last = page.at(-1);
    const hasMore = start + pageSize < matching.length;
    send(response, 200, {
      orders: page,
      next_page_token: hasMore && last ? writeToken(last) : null,
      total_size: matching.length,
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/`,
    apiKey,
    faults: {
      async failNext(count, status, faultOptions) {
        Object.assign(fault, {
          failures: count,
          status,
          retryAfterSeconds: faultOptions?.retryAfterSeconds,
        });
      },
      async malformedNext(count) {
        fault.malformed = count;
      },
      async latency(ms) {
        fault.latencyMs = ms;
      },
      async clear() {
        Object.assign(fault, {
          failures: 0,
          malformed: 0,
          latencyMs: 0,
          retryAfterSeconds: undefined,
        });
      },
    },
    records: () => structuredClone(orders),
    setState(id, state) {
      const order = byId.get(id);
      if (!order) throw new Error(`the Acme simulator holds no order ${JSON.stringify(id)}`);
      order.state = state;
    },
    get requestCount() {
      return requestCount;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Creation time, then id: Acme's documented order (ties by id in the same direction). */
function compareCreated(
  left: Pick<AcmeOrder, 'created_at' | 'id'>,
  right: Pick<AcmeOrder, 'created_at' | 'id'>,
): number {
  if (left.created_at !== right.created_at) return left.created_at < right.created_at ? -1 : 1;
  return left.id < right.id ? -1 : left.id > right.id ? 1 : 0;
}

function writeToken(order: AcmeOrder): string {
  return Buffer.from(JSON.stringify([order.created_at, order.id])).toString('base64url');
}

function readToken(token: string): Pick<AcmeOrder, 'created_at' | 'id'> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (Array.isArray(value) && typeof value[0] === 'string' && typeof value[1] === 'string') {
      return { created_at: value[0], id: value[1] };
    }
  } catch {
    // fall through: not a token of ours
  }
  return undefined;
}

function send(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-request-id': `req_${Math.random().toString(36).slice(2, 10)}`,
    ...headers,
  });
  response.end(text);
}

/** Waits `ms`; resolves false early when the client closes the connection. */
function delay(ms: number, response: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      response.off('close', onClose);
      resolve(true);
    }, ms);
    const onClose = () => {
      clearTimeout(timer);
      resolve(false);
    };
    response.once('close', onClose);
  });
}

const FIRST = ['Lena', 'Omar', 'Yuki', 'Priya', 'Jonas', 'Ama', 'Mateo', 'Sofia', 'Noah', 'Ines'];
const LAST = [
  'Vos',
  'Haddad',
  'Tanaka',
  'Raman',
  'Berg',
  'Mensah',
  'Silva',
  'Rossi',
  'Keller',
  'Duarte',
];
const PRODUCTS = [
  { sku: 'MUG-01', title: 'Enamel mug', cents: 1250 },
  { sku: 'TEE-02', title: 'Logo tee', cents: 2199 },
  { sku: 'CAP-03', title: 'Cap', cents: 1599 },
];
const STATE_WEIGHTS: Readonly<Record<(typeof ACME_DOCUMENTED_STATES)[number], number>> = {
  new: 3,
  paid: 3,
  partially_shipped: 1,
  shipped: 5,
  cancelled: 2,
  refunded: 1,
};

/** A deterministic dataset: creation times a few minutes to hours apart, some exactly equal. */
export function generateAcmeOrders(count: number, seed: number): AcmeOrder[] {
  let state = seed >>> 0;
  const random = () => {
    // mulberry32
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
  const weighted = Object.entries(STATE_WEIGHTS).flatMap(([name, weight]) =>
    Array<string>(weight).fill(name),
  );
  let created = Date.UTC(2025, 2, 1, 9, 0, 0);
  return Array.from({ length: count }, (_, index): AcmeOrder => {
    if (index % 10 !== 9) created += (1 + Math.floor(random() * 240)) * 60_000; // every 10th: same second
    const currency = random() < 0.7 ? 'EUR' : 'USD';
    const picked = Array.from({ length: 1 + Math.floor(random() * 3) }, () => ({
      product: PRODUCTS[Math.floor(random() * PRODUCTS.length)]!,
      quantity: 1 + Math.floor(random() * 3),
    }));
    const lines = picked.map(({ product, quantity }) => ({
      sku: product.sku,
      title: product.title,
      quantity,
      unit_price: cents(product.cents),
    }));
    const subtotal = picked.reduce((sum, line) => sum + line.quantity * line.product.cents, 0);
    const tax = Math.round(subtotal * 0.2);
    const person = Math.floor(random() * FIRST.length);
    const updated =
      random() < 0.2 ? null : new Date(created + Math.floor(random() * 72) * 3_600_000);
    return {
      id: `A-${10_001 + index}`,
      state: weighted[Math.floor(random() * weighted.length)]!,
      customer:
        index % 25 === 24
          ? null
          : {
              id: `c_${person + 1}`,
              email: `${FIRST[person]!.toLowerCase()}@example.com`,
              name: `${FIRST[person]} ${LAST[person]}`,
            },
      lines,
      currency,
      subtotal: cents(subtotal),
      tax: cents(tax),
      total: cents(subtotal + tax),
      // Acme sends whole seconds with a Z, as its docs show.
      created_at: new Date(created).toISOString().replace('.000Z', 'Z'),
      updated_at: updated ? updated.toISOString().replace('.000Z', 'Z') : null,
    };
  });
}

/** Integer cents → Acme's decimal string ("12.50"). */
function cents(value: number): string {
  return `${Math.floor(value / 100)}.${String(value % 100).padStart(2, '0')}`;
}
