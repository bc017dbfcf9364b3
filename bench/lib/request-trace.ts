import type { TransportHooks } from '@orderbridge/core';
import { type Summary, summarize } from './statistics.ts';

/**
 * Records when each request was sent and when its response headers arrived (through the
 * transport hooks), to split a walk's time into round trips and client work.
 */
export class RequestTrace {
  private pending = new Map<string, number>();
  private sent: number[] = [];
  private received: number[] = [];
  private roundTrips: number[] = [];

  /** Hooks to pass as the provider's `hooks` setting. */
  readonly hooks: TransportHooks = {
    onRequest: (event) => {
      const now = performance.now();
      this.sent.push(now);
      this.pending.set(`${event.method} ${event.url} ${event.attempt}`, now);
    },
    onResponse: (event) => {
      const now = performance.now();
      this.received.push(now);
      const key = `${event.method} ${event.url} ${event.attempt}`;
      const sentAt = this.pending.get(key);
      if (sentAt !== undefined) {
        this.pending.delete(key);
        this.roundTrips.push(now - sentAt);
      }
    },
  };

  /** Forgets what was recorded. */
  reset(): void {
    this.pending.clear();
    this.sent = [];
    this.received = [];
    this.roundTrips = [];
  }

  /** Request sent → its response headers. */
  roundTripMs(): Summary {
    return summarize(this.roundTrips.length > 0 ? this.roundTrips : [0]);
  }

  /**
   * Requests in flight on average over `wallMs`: the sum of every round trip divided by the wall
   * time (8 for a walk that always has 8 requests out).
   */
  meanInFlight(wallMs: number): number {
    const total = this.roundTrips.reduce((sum, value) => sum + value, 0);
    return wallMs > 0 ? total / wallMs : 0;
  }

  /**
   * For a sequential walk: response headers of request n → request n + 1 sent, the client's own
   * time on the walk's critical path.
   */
  gapMs(): Summary {
    const values: number[] = [];
    for (let index = 0; index + 1 < this.sent.length && index < this.received.length; index++) {
      values.push(this.sent[index + 1]! - this.received[index]!);
    }
    return summarize(values.length > 0 ? values : [0]);
  }
}
