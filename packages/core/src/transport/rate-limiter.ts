/** A client-side request budget, e.g. FlexPortal Starter's 100 requests per minute. */
export interface RateLimitSettings {
  /** Requests allowed in any one-minute window. */
  requestsPerMinute: number;
}

/**
 * Sliding-window limiter: at most `requestsPerMinute` requests start in any window of a minute
 * (plus a small margin, so a server that counts by arrival time never sees one request too many).
 * Waiters are served in order; an aborted waiter leaves the queue at once.
 */
export class RateLimiter {
  private readonly starts: number[] = [];
  private queue: Promise<void> = Promise.resolve();
  private readonly windowMs: number;

  constructor(
    private readonly limit: number,
    windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new RangeError(`requestsPerMinute must be a positive whole number, got ${limit}`);
    }
    // 2% margin: latency differences between requests must not push a server-side count over.
    this.windowMs = Math.ceil(windowMs * 1.02);
  }

  /** Resolves when a request may start. @throws the signal's reason when aborted while waiting. */
  acquire(signal?: AbortSignal): Promise<void> {
    const turn = this.queue.then(() => this.waitForSlot(signal));
    // The next waiter queues behind this one whether it succeeds or is aborted.
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async waitForSlot(signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const now = this.now();
      while (this.starts.length > 0 && this.starts[0]! <= now - this.windowMs) this.starts.shift();
      if (this.starts.length < this.limit) {
        this.starts.push(now);
        return;
      }
      await sleep(this.starts[0]! + this.windowMs - now, signal);
    }
  }
}

/** Waits `ms` milliseconds, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
