import { describe, expect, it } from 'vitest';
import { ProviderResponseError } from '../errors/provider-response-error.js';
import type { Order } from '../model/order.js';
import type { OrderPage, OrderProvider } from '../provider/order-provider.js';
import {
  createArrayProvider,
  identityStatusMap,
  makeOrder,
} from '../test-support/array-provider.js';
import { collect, pages, paginate } from './pages.js';

const orders = Array.from({ length: 53 }, (_, index) =>
  makeOrder('p', `o${String(index).padStart(3, '0')}`, {
    createdAt: new Date(Date.UTC(2025, 0, 1) + index * 60_000).toISOString(),
    status: index % 3 === 0 ? 'completed' : 'pending',
  }),
);

describe('paginate', () => {
  it('walks every page in order', async () => {
    const provider = createArrayProvider('p', orders);
    const seen = await collect(
      paginate(provider, { limit: 10, sort: { field: 'createdAt', direction: 'asc' } }),
      { max: 1000 },
    );
    expect(seen.map((order) => order.id)).toEqual(orders.map((order) => order.id));
    expect(provider.calls).toHaveLength(6);
  });

  it('collects warnings once, not once per page', async () => {
    const provider = createArrayProvider('p', orders);
    const iterable = paginate(provider, { status: ['completed'], limit: 10 });
    const seen = await collect(iterable, { max: 1000 });
    expect(seen).toHaveLength(18);
    expect(iterable.warnings).toEqual([
      expect.objectContaining({ code: 'filter-emulated', field: 'status' }),
    ]);
  });

  it('collect stops at max and stops fetching', async () => {
    const provider = createArrayProvider('p', orders);
    const seen = await collect(paginate(provider, { limit: 10 }, { prefetch: false }), { max: 15 });
    expect(seen).toHaveLength(15);
    expect(provider.calls).toHaveLength(2);
  });

  it('collect requires a cap', async () => {
    const provider = createArrayProvider('p', orders);
    await expect(collect(paginate(provider), {} as { max: number })).rejects.toThrow(
      /needs \{ max \}/,
    );
  });

  it('prefetches the next page while the caller consumes the current one', async () => {
    const provider = createArrayProvider('p', orders);
    const iterator = pages(provider, { limit: 10 })[Symbol.asyncIterator]();
    await iterator.next();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(provider.calls).toHaveLength(2); // page 2 requested before the caller asked for it
    await iterator.return?.();
  });

  it('turns a repeating cursor into an error, not an endless loop', async () => {
    const provider: OrderProvider = {
      ...createArrayProvider('loop', orders),
      async listOrders(query): Promise<OrderPage> {
        return {
          orders: [makeOrder('loop', query.cursor ?? 'first')],
          nextCursor: query.cursor === 'b' ? 'a' : query.cursor === 'a' ? 'b' : 'a',
          warnings: [],
        };
      },
    };
    const error = await collect(paginate(provider), { max: 1000 }).catch((caught) => caught);
    expect(ProviderResponseError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/same cursor again/);
  });

  it('wraps a raw provider error so it names the provider', async () => {
    const provider = createArrayProvider('rawfail', orders, { fail: () => new Error('kaboom') });
    const error = await collect(paginate(provider), { max: 10 }).catch((caught) => caught);
    expect(error.provider).toBe('rawfail');
    expect(error.message).toMatch(/rawfail.*kaboom/);
  });
});

/** A page-number provider with a pinned dataset whose pages can be fetched in parallel. */
function pageNumberProvider(data: Order[], options: { pageSize: number; delayMs?: number }) {
  let inFlight = 0;
  let maxInFlight = 0;
  const requested: number[] = [];
  const provider: OrderProvider = {
    specificationVersion: 'v1',
    id: 'paged',
    statusMap: identityStatusMap,
    capabilities: {
      filters: [],
      statusFilterValues: 'none',
      sorts: ['createdAt'],
      defaultPageSize: options.pageSize,
      maxPageSize: options.pageSize,
      pageNumbers: true,
      totalCount: true,
    },
    async listOrders(query) {
      const pageNumber = query.cursor ? Number(query.cursor) : 1;
      requested.push(pageNumber);
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, options.delayMs ?? 5));
      inFlight -= 1;
      const pageCount = Math.ceil(data.length / options.pageSize);
      return {
        orders: data.slice((pageNumber - 1) * options.pageSize, pageNumber * options.pageSize),
        nextCursor: pageNumber < pageCount ? String(pageNumber + 1) : null,
        totalCount: data.length,
        pageNumber,
        pageCount,
        warnings: [],
      };
    },
    async getOrder() {
      throw new Error('unused');
    },
    cursorForPage: (_first, pageNumber) => String(pageNumber),
  };
  return { provider, requested, maxInFlight: () => maxInFlight };
}

describe('parallel page-number fetching', () => {
  it('fetches pages in parallel, bounded, and yields them in order', async () => {
    const { provider, maxInFlight, requested } = pageNumberProvider(orders, {
      pageSize: 5,
      delayMs: 20,
    });
    const seen = await collect(paginate(provider, {}, { concurrency: 3 }), { max: 1000 });
    expect(seen.map((order) => order.id)).toEqual(orders.map((order) => order.id));
    expect(maxInFlight()).toBe(3);
    expect(new Set(requested).size).toBe(11);
    expect(requested).toHaveLength(11);
  });

  it('a walk resumed at page k fetches only the pages after k', async () => {
    const { provider, requested } = pageNumberProvider(orders, { pageSize: 5 });
    const seen = await collect(paginate(provider, { cursor: '5' }, { concurrency: 3 }), {
      max: 1000,
    });
    expect(seen.map((order) => order.id)).toEqual(orders.slice(20).map((order) => order.id));
    expect([...requested].sort((a, b) => a - b)).toEqual([5, 6, 7, 8, 9, 10, 11]);
  });

  it('falls back to sequential pages when the total changes mid-walk', async () => {
    const data = [...orders];
    const { provider, requested } = pageNumberProvider(data, { pageSize: 5, delayMs: 5 });
    const iterator = paginate(provider, {}, { concurrency: 2 })[Symbol.asyncIterator]();
    const seen: string[] = [];
    for (;;) {
      const step = await iterator.next();
      if (step.done) break;
      seen.push(step.value.id);
      if (seen.length === 12) data.pop(); // the listing shrinks under the walk
    }
    // Every page after the change was re-fetched sequentially from the last good cursor.
    expect(seen.length).toBeGreaterThanOrEqual(52);
    expect(new Set(seen).size).toBe(seen.length);
    expect(requested.length).toBeGreaterThan(11);
  });
});

/** Lets every pending promise callback and timer of this tick run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Rejects with the signal's reason once it aborts. */
function abortedBy(signal: AbortSignal | undefined): Promise<never> {
  return new Promise((_resolve, reject) => {
    if (!signal) return;
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

interface ScriptedCall {
  cursor: string | null;
  signal: AbortSignal | undefined;
  hasHook: boolean;
  /** What onNextCursor returned (the provider awaits it before "mapping"). */
  hookResult: unknown;
  /** Lets the call finish ("mapping done"). */
  release: () => void;
}

/**
 * A cursor provider of `pageCount` one-order pages (cursors c1, c2, …) whose calls the test
 * drives: each call announces a cursor through onNextCursor at once (`announce`, default: its
 * real next cursor), then waits until the test releases it, then fails (`fail`) or returns.
 */
function scriptedProvider(
  pageCount: number,
  script: {
    announce?: (cursor: string | null, next: string | null) => string | null | undefined;
    fail?: (cursor: string | null) => Error | undefined;
    autoRelease?: boolean;
  } = {},
) {
  const calls: ScriptedCall[] = [];
  const provider: OrderProvider = {
    ...createArrayProvider('scripted', []),
    async listOrders(query, options) {
      const cursor = query.cursor ?? null;
      const index = cursor === null ? 0 : Number(cursor.slice(1));
      const next = index + 1 < pageCount ? `c${index + 1}` : null;
      let release!: () => void;
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      const call: ScriptedCall = {
        cursor,
        signal: options?.signal,
        hasHook: options?.onNextCursor !== undefined,
        hookResult: undefined,
        release,
      };
      calls.push(call);
      await Promise.resolve(); // the response arrives
      const announced = script.announce ? script.announce(cursor, next) : next;
      if (announced !== undefined) {
        call.hookResult = options?.onNextCursor?.(announced);
        await call.hookResult;
      }
      if (script.autoRelease) release();
      await Promise.race([released, abortedBy(options?.signal)]);
      const failure = script.fail?.(cursor);
      if (failure) throw failure;
      return {
        orders: [makeOrder('scripted', `o${index}`)],
        nextCursor: next,
        warnings: [],
      };
    },
  };
  return { provider, calls, cursors: () => calls.map((call) => call.cursor) };
}

describe('pipelined cursor walks (onNextCursor)', () => {
  it('requests the next page as soon as its cursor is announced, before the page resolves', async () => {
    const { provider, calls, cursors } = scriptedProvider(3);
    const iterator = pages(provider)[Symbol.asyncIterator]();
    const first = iterator.next();
    await settle();
    // Page 1 announced c1 and is still "mapping": page 2 is already on its way.
    expect(cursors()).toEqual([null, 'c1']);
    calls[0]!.release();
    expect((await first).value?.orders[0]?.id).toBe('o0');
    await settle();
    // Page 2 announced c2 while the caller held page 1: the walk reads one page ahead, no more.
    expect(cursors()).toEqual([null, 'c1']);
    const second = iterator.next();
    await settle();
    expect(cursors()).toEqual([null, 'c1', 'c2']);
    calls[1]!.release();
    expect((await second).value?.orders[0]?.id).toBe('o1');
    calls[2]!.release();
    expect((await iterator.next()).value?.orders[0]?.id).toBe('o2');
    expect((await iterator.next()).done).toBe(true);
    // The last page announced null: exactly one request per page.
    expect(cursors()).toEqual([null, 'c1', 'c2']);
    // Where the hook started a request, it handed the provider something to await before its
    // mapping (a turn of the event loop for that request to go out); elsewhere nothing.
    expect(calls.map((call) => call.hookResult instanceof Promise)).toEqual([true, false, false]);
  });

  it('aborts the early request when the page that announced it fails, and reports that failure', async () => {
    const pageError = new ProviderResponseError({
      provider: 'scripted',
      issues: [{ path: 'orders[0]', message: 'bad record' }],
      message: 'page 1 is broken',
    });
    const { provider, calls, cursors } = scriptedProvider(3, {
      fail: (cursor) => (cursor === null ? pageError : undefined),
    });
    const outcome = collect(paginate(provider), { max: 100 }).catch((error: unknown) => error);
    await settle();
    expect(cursors()).toEqual([null, 'c1']);
    calls[0]!.release();
    expect(await outcome).toBe(pageError);
    expect(calls[1]!.signal?.aborted).toBe(true);
    expect(cursors()).toEqual([null, 'c1']);
  });

  it('delivers the pages before a failing early request, then its error, in order', async () => {
    const pageError = new ProviderResponseError({
      provider: 'scripted',
      issues: [{ path: 'orders', message: 'broken' }],
      message: 'page 2 is broken',
    });
    const { provider } = scriptedProvider(3, {
      autoRelease: true,
      fail: (cursor) => (cursor === 'c1' ? pageError : undefined),
    });
    const seen: string[] = [];
    const error = await (async () => {
      for await (const order of paginate(provider)) seen.push(order.id);
    })().catch((caught: unknown) => caught);
    expect(seen).toEqual(['o0']);
    expect(error).toBe(pageError);
  });

  it('follows the returned cursor when the announced one differs, dropping the early request', async () => {
    const { provider, calls, cursors } = scriptedProvider(3, {
      autoRelease: true,
      announce: (_cursor, next) => (next === null ? null : `x${next}`),
    });
    const seen = await collect(paginate(provider), { max: 100 });
    expect(seen.map((order) => order.id)).toEqual(['o0', 'o1', 'o2']);
    expect(cursors().filter((cursor) => cursor?.startsWith('c'))).toEqual(['c1', 'c2']);
    for (const call of calls.filter((candidate) => candidate.cursor?.startsWith('x'))) {
      expect(call.signal?.aborted).toBe(true);
    }
  });

  it('does not request an announced cursor it has seen before, and stops on the repeat', async () => {
    // Page c1 claims c1 again as its next cursor.
    const { provider, cursors } = scriptedProvider(3, { autoRelease: true });
    const looping: OrderProvider = {
      ...provider,
      async listOrders(query, options) {
        const page = await provider.listOrders(query, {
          ...options,
          onNextCursor: (cursor) => options?.onNextCursor?.(query.cursor === 'c1' ? 'c1' : cursor),
        });
        return query.cursor === 'c1' ? { ...page, nextCursor: 'c1' } : page;
      },
    };
    const error = await collect(paginate(looping), { max: 100 }).catch((caught) => caught);
    expect(ProviderResponseError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/same cursor again/);
    expect(cursors()).toEqual([null, 'c1']);
  });

  it('passes no onNextCursor without prefetch, and requests a page only when asked', async () => {
    const { provider, calls, cursors } = scriptedProvider(3, { autoRelease: true });
    const iterator = pages(provider, {}, { prefetch: false })[Symbol.asyncIterator]();
    await iterator.next();
    await settle();
    expect(cursors()).toEqual([null]);
    await iterator.next();
    await iterator.next();
    expect((await iterator.next()).done).toBe(true);
    expect(calls.map((call) => call.hasHook)).toEqual([false, false, false]);
  });

  it('passes no onNextCursor for the first page of a walk that may fetch pages by number', async () => {
    let firstHadHook: boolean | undefined;
    const { provider } = pageNumberProvider(orders.slice(0, 12), { pageSize: 5, delayMs: 1 });
    const watched: OrderProvider = {
      ...provider,
      listOrders(query, options) {
        firstHadHook ??= options?.onNextCursor !== undefined;
        return provider.listOrders(query, options);
      },
    };
    expect(await collect(paginate(watched, {}, { concurrency: 2 }), { max: 100 })).toHaveLength(12);
    expect(firstHadHook).toBe(false);
  });
});

describe('parallel page-number fetching: slots', () => {
  /** A page-number provider whose pages (after the first) the test releases one by one. */
  function gatedPages(pageCount: number) {
    const gates = new Map<number, () => void>();
    const done = new Map<number, Promise<unknown>>();
    const requested: number[] = [];
    const signals = new Map<number, AbortSignal | undefined>();
    const data = orders.slice(0, pageCount);
    const { provider: base } = pageNumberProvider(data, { pageSize: 1, delayMs: 0 });
    const provider: OrderProvider = {
      ...base,
      listOrders(query, options) {
        const pageNumber = query.cursor ? Number(query.cursor) : 1;
        requested.push(pageNumber);
        signals.set(pageNumber, options?.signal);
        const work = (async () => {
          if (pageNumber > 1) {
            await Promise.race([
              new Promise<void>((resolve) => gates.set(pageNumber, resolve)),
              abortedBy(options?.signal),
            ]);
          }
          return base.listOrders(query, options);
        })();
        done.set(
          pageNumber,
          work.catch(() => undefined),
        );
        return work;
      },
    };
    /** Lets the latest request for the page finish, and the walk react to it. */
    const release = async (pageNumber: number) => {
      gates.get(pageNumber)?.();
      await done.get(pageNumber);
      await settle();
    };
    return { provider, requested, signals, release, data };
  }

  it('refills a slot as soon as a page arrives, even while an earlier page is still loading', async () => {
    const { provider, requested, release } = gatedPages(9);
    const iterator = pages(provider, {}, { concurrency: 2 })[Symbol.asyncIterator]();
    await iterator.next(); // page 1
    const second = iterator.next(); // waits for page 2, which stays slow
    await settle();
    expect(requested).toEqual([1, 2, 3]);
    await release(3);
    expect(requested).toEqual([1, 2, 3, 4]); // page 3 arrived: its slot went to page 4
    await release(4);
    expect(requested).toEqual([1, 2, 3, 4, 5]);
    await release(5);
    // Pages 2–5 are ahead of the caller (2 × concurrency): nothing more until the caller moves on.
    expect(requested).toEqual([1, 2, 3, 4, 5]);
    await release(2);
    expect((await second).value?.pageNumber).toBe(2);
    for (const pageNumber of [6, 7, 8, 9]) void release(pageNumber);
    const rest: Array<number | undefined> = [];
    for (;;) {
      const step = await iterator.next();
      if (step.done) break;
      rest.push(step.value.pageNumber);
      for (const pageNumber of [6, 7, 8, 9]) void release(pageNumber);
    }
    expect(rest).toEqual([3, 4, 5, 6, 7, 8, 9]);
    expect([...requested].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('frees a slot as soon as its page announces (its response is in), before the page is mapped', async () => {
    let releaseAll!: () => void;
    const mapped = new Promise<void>((resolve) => {
      releaseAll = resolve;
    });
    const requested: number[] = [];
    const { provider: base } = pageNumberProvider(orders.slice(0, 8), { pageSize: 1, delayMs: 0 });
    const provider: OrderProvider = {
      ...base,
      async listOrders(query, options) {
        const pageNumber = query.cursor ? Number(query.cursor) : 1;
        requested.push(pageNumber);
        if (pageNumber > 1) {
          // The response is in: announce, then "map" until the test lets go.
          await Promise.resolve();
          await options?.onNextCursor?.(String(pageNumber + 1));
          await mapped;
        }
        return base.listOrders(query, options);
      },
    };
    const iterator = pages(provider, {}, { concurrency: 2 })[Symbol.asyncIterator]();
    await iterator.next();
    const second = iterator.next();
    await settle();
    // Two on the wire at a time, but a page being mapped holds no slot: up to 2 × concurrency
    // pages ahead of the caller.
    expect(requested).toEqual([1, 2, 3, 4, 5]);
    releaseAll();
    expect((await second).value?.pageNumber).toBe(2);
    await iterator.return?.();
  });

  it('aborts the pages fetched ahead when the caller stops', async () => {
    const { provider, signals, release } = gatedPages(6);
    const iterator = pages(provider, {}, { concurrency: 2 })[Symbol.asyncIterator]();
    await iterator.next();
    const second = iterator.next();
    await settle();
    await release(2);
    expect((await second).value?.pageNumber).toBe(2);
    // Pages 3 and 4 are in flight while the caller holds page 2; it stops.
    await iterator.return?.();
    expect(signals.get(3)?.aborted).toBe(true);
    expect(signals.get(4)?.aborted).toBe(true);
    expect(signals.has(5)).toBe(false);
  });

  it('aborts the pages fetched ahead when the listing changes and the walk realigns', async () => {
    const { provider, requested, signals, release, data } = gatedPages(6);
    const iterator = pages(provider, {}, { concurrency: 2 })[Symbol.asyncIterator]();
    await iterator.next();
    const second = iterator.next();
    await settle();
    expect(requested).toEqual([1, 2, 3]);
    data.pop(); // the listing shrinks: page 2 reports another total than page 1
    await release(2);
    // The walk continues one page at a time from page 1's cursor; page 3's request was dropped.
    expect(signals.get(3)?.aborted).toBe(true);
    expect(requested.slice(3)).toEqual([2]);
    await release(2);
    expect((await second).value?.pageNumber).toBe(2);
    await iterator.return?.();
  });

  it('stops requesting after a failed page, delivers the pages before it, then fails', async () => {
    const pageError = new ProviderResponseError({
      provider: 'paged',
      issues: [{ path: 'orders', message: 'broken' }],
      message: 'page 3 is broken',
    });
    const { provider: base, requested } = pageNumberProvider(orders.slice(0, 10), {
      pageSize: 1,
      delayMs: 5,
    });
    const provider: OrderProvider = {
      ...base,
      async listOrders(query, options) {
        const page = await base.listOrders(query, options);
        if (page.pageNumber === 3) throw pageError;
        return page;
      },
    };
    const seen: Array<number | undefined> = [];
    const error = await (async () => {
      for await (const page of pages(provider, {}, { concurrency: 2 })) seen.push(page.pageNumber);
    })().catch((caught: unknown) => caught);
    expect(seen).toEqual([1, 2]);
    expect(error).toBe(pageError);
    expect(Math.max(...requested)).toBeLessThanOrEqual(4);
  });
});
