import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';
import { createServiceMetrics } from './metrics.js';
import { transportHooks } from './transport-hooks.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      callback();
    },
  });
  return { lines, destination };
}

const response = {
  provider: 'flexportal',
  method: 'GET',
  url: 'https://api.example.test/v1/orders',
  attempt: 1,
  status: 200,
  durationMs: 12,
  requestId: 'req_1',
};

describe('transportHooks', () => {
  it('gives the transport no request hook when debug lines are off, and still counts responses', async () => {
    const metrics = createServiceMetrics({ defaultMetrics: false });
    const { lines, destination } = capture();
    const hooks = transportHooks(metrics, createLogger({ destination, level: 'info' }));
    expect(hooks.onRequest).toBeUndefined();
    hooks.onResponse?.(response);
    expect(await metrics.render()).toMatch(
      /orderbridge_upstream_requests_total\{provider="flexportal",status="200"\} 1/,
    );
    expect(lines).toHaveLength(0);
  });

  it('writes upstream debug lines and counts responses when debug lines are on', async () => {
    const metrics = createServiceMetrics({ defaultMetrics: false });
    const { lines, destination } = capture();
    const hooks = transportHooks(metrics, createLogger({ destination, level: 'debug' }));
    hooks.onRequest?.({
      provider: 'flexportal',
      method: 'GET',
      url: response.url,
      attempt: 1,
      headers: {},
    });
    hooks.onResponse?.(response);
    expect(lines.map((line) => JSON.parse(line).msg)).toEqual([
      'upstream request',
      'upstream response',
    ]);
    expect(await metrics.render()).toMatch(
      /orderbridge_upstream_requests_total\{provider="flexportal",status="200"\} 1/,
    );
  });
});
