import autocannon from 'autocannon';
import { quantile } from './statistics.ts';

/** A steady-rate load run and the latency of each 2xx response. */
export interface LoadResult {
  /** Response times of 2xx responses, in ms (autocannon's own float measurements). */
  latencies: number[];
  /** Requests sent. */
  sent: number;
  /** Non-2xx responses. */
  non2xx: number;
  /** Socket errors and timeouts. */
  errors: number;
  /** Achieved rate, requests per second. */
  ratePerSecond: number;
}

/** Options of {@link steadyLoad}. */
export interface SteadyLoadOptions {
  /** Base URL (scheme, host, port). */
  url: string;
  /** Paths to request, in turn (one path: always the same). */
  paths: readonly string[];
  /** Headers of every request. */
  headers: Record<string, string>;
  /** Requests per second over all connections. */
  ratePerSecond: number;
  /** Connections, enough that a request never waits for a free one. */
  connections: number;
  /** Seconds to run. */
  durationSeconds: number;
}

/**
 * Sends requests at a steady rate with autocannon (fixed connections, `overallRate`) and keeps
 * every 2xx response time, so percentiles are computed exactly rather than from autocannon's
 * whole-millisecond histogram.
 */
export function steadyLoad(options: SteadyLoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  let next = 0;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        overallRate: options.ratePerSecond,
        duration: options.durationSeconds,
        headers: options.headers,
        requests: [
          {
            method: 'GET',
            setupRequest: (request) => {
              const path = options.paths[next % options.paths.length]!;
              next += 1;
              return { ...request, path };
            },
          },
        ],
      },
      (error, result) => {
        if (error) {
          reject(error);
          return;
        }
        resolve({
          latencies,
          sent: result.requests.sent,
          non2xx: result.non2xx,
          errors: result.errors + result.timeouts,
          ratePerSecond: result.requests.average,
        });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    });
  });
}

/** p50 and p99 of a load run, in ms. */
export function percentilesOf(result: LoadResult): { p50: number; p99: number } {
  const values = result.latencies.length > 0 ? result.latencies : [Number.NaN];
  return { p50: quantile(values, 0.5), p99: quantile(values, 0.99) };
}
