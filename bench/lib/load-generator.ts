import { Agent, request as httpRequest } from 'node:http';
import autocannon from 'autocannon';
import { quantile } from './statistics.ts';

/** A load run and the latency of each 2xx response. */
export interface LoadResult {
  /**
   * Response times of 2xx responses, in ms (float): request written → body read for
   * {@link steadyLoad}, autocannon's own measurement for {@link burstLoad}.
   */
  latencies: number[];
  /** Requests sent. */
  sent: number;
  /** Non-2xx responses. */
  non2xx: number;
  /** Socket errors and timeouts. */
  errors: number;
  /** For {@link steadyLoad}: how late each request left against its schedule, in ms. */
  sendLateness?: number[];
}

/** A request unanswered after this long counts as an error. */
const REQUEST_TIMEOUT_MS = 30_000;

/** Options of {@link steadyLoad} and {@link burstLoad}. */
export interface LoadOptions {
  /** Base URL (scheme, host, port). */
  url: string;
  /** Paths to request, in turn (one path: always the same). */
  paths: readonly string[];
  /** Headers of every request. */
  headers: Record<string, string>;
  /** Requests per second (a whole number for {@link burstLoad}). */
  ratePerSecond: number;
  /** Seconds to run: `ratePerSecond × durationSeconds` requests are sent, every one answered. */
  durationSeconds: number;
}

/** Options of {@link burstLoad}. */
export interface BurstLoadOptions extends LoadOptions {
  /** Connections that share the rate; each fires its share at the start of every second. */
  connections: number;
}

/**
 * Sends requests at a steady rate, **evenly spaced**: request i goes out at `start + i × 1000 /
 * ratePerSecond` ms whether or not earlier ones have been answered (an open-loop arrival rate),
 * over a pool of keep-alive connections (`node:http` Agent; a new connection only when every open
 * one is busy). Response time = request written → last byte of the body read. Every 2xx response
 * time is kept, so percentiles are exact.
 *
 * autocannon cannot produce this shape: its rate limit is a budget per connection per second (a
 * connection sends back to back until it has used its share, then waits for its one-second tick),
 * and its connections tick together, so 20 requests/s over 2 connections arrive as pairs of
 * simultaneous requests. One autocannon instance per time slot does not hold either: Node re-arms
 * timers that fire late in one batch from the same moment, so on a busy machine the instances'
 * ticks merge. The schedule here is computed from absolute times and cannot drift; how late the
 * sends were is returned (`sendLateness`).
 * @throws RangeError when the rate is not positive.
 */
export async function steadyLoad(options: LoadOptions): Promise<LoadResult> {
  const rate = options.ratePerSecond;
  if (!(rate > 0)) throw new RangeError(`ratePerSecond must be positive, got ${rate}`);
  const total = Math.round(rate * options.durationSeconds);
  const spacingMs = 1000 / rate;
  const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
  const base = new URL(options.url);
  const latencies: number[] = [];
  const sendLateness: number[] = [];
  let non2xx = 0;
  let errors = 0;
  const send = (path: string) =>
    new Promise<void>((resolve) => {
      const sent = performance.now();
      const request = httpRequest(
        {
          agent,
          host: base.hostname,
          port: base.port,
          path,
          method: 'GET',
          headers: options.headers,
          timeout: REQUEST_TIMEOUT_MS,
        },
        (response) => {
          response.on('data', () => {});
          response.once('end', () => {
            const status = response.statusCode ?? 0;
            if (status >= 200 && status < 300) latencies.push(performance.now() - sent);
            else non2xx += 1;
            resolve();
          });
          response.once('error', () => {
            errors += 1;
            resolve();
          });
        },
      );
      request.once('timeout', () => request.destroy(new Error('timeout')));
      request.once('error', () => {
        errors += 1;
        resolve();
      });
      request.end();
    });
  const inFlight: Promise<void>[] = [];
  const start = performance.now() + spacingMs;
  for (let index = 0; index < total; index++) {
    const due = start + index * spacingMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    sendLateness.push(Math.max(0, performance.now() - due));
    inFlight.push(send(options.paths[index % options.paths.length]!));
  }
  await Promise.all(inFlight);
  agent.destroy();
  return { latencies, sent: total, non2xx, errors, sendLateness };
}

/**
 * Sends `ratePerSecond` requests a second in bursts: `connections` keep-alive connections fire
 * their share of each second back to back at the same moment (autocannon's `overallRate`).
 */
export function burstLoad(options: BurstLoadOptions): Promise<LoadResult> {
  return runAutocannon(
    options,
    {
      connections: options.connections,
      overallRate: options.ratePerSecond,
      amount: options.ratePerSecond * options.durationSeconds,
    },
    { value: 0 },
  );
}

/** One load result from several (latencies concatenated, counts added). */
export function mergeLoadResults(results: readonly LoadResult[]): LoadResult {
  return {
    latencies: results.flatMap((result) => result.latencies),
    sent: results.reduce((sum, result) => sum + result.sent, 0),
    non2xx: results.reduce((sum, result) => sum + result.non2xx, 0),
    errors: results.reduce((sum, result) => sum + result.errors, 0),
    sendLateness: results.flatMap((result) => result.sendLateness ?? []),
  };
}

/** p50, p99 and p99.9 of a load run's 2xx responses, in ms, and how many responses they are of. */
export function percentilesOf(result: LoadResult): {
  p50: number;
  p99: number;
  p999: number;
  samples: number;
} {
  const values = result.latencies.length > 0 ? result.latencies : [Number.NaN];
  return {
    p50: quantile(values, 0.5),
    p99: quantile(values, 0.99),
    p999: quantile(values, 0.999),
    samples: result.latencies.length,
  };
}

function runAutocannon(
  options: LoadOptions,
  shape: { connections: number; amount: number; connectionRate?: number; overallRate?: number },
  next: { value: number },
): Promise<LoadResult> {
  const latencies: number[] = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        // A number of requests rather than a duration: the run ends when the last response is
        // in, so no request is cut off in flight (and counted upstream but not here).
        ...shape,
        headers: options.headers,
        requests: [
          {
            method: 'GET',
            setupRequest: (request) => {
              const path = options.paths[next.value % options.paths.length]!;
              next.value += 1;
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
        });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    });
  });
}
