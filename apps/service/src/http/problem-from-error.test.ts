import {
  ConfigurationError,
  InvalidQueryError,
  ProviderResponseError,
  ProviderUnavailableError,
  RateLimitError,
  TimeoutError,
  TransportError,
} from '@orderbridge/core';
import { describe, expect, it } from 'vitest';
import {
  boundErrors,
  describeIssues,
  MAX_REPORTED_ERRORS,
  MAX_RETRY_AFTER_SECONDS,
  parameterOf,
  problemFromError,
} from './problem-from-error.js';

describe('problemFromError', () => {
  it('turns a cursor issue into invalid-cursor and other issues into invalid-query per parameter', () => {
    const cursor = problemFromError(
      new InvalidQueryError({
        issues: [{ field: 'cursor', message: 'belongs to a different query' }],
      }),
    );
    expect(cursor.name).toBe('invalid-cursor');
    const query = problemFromError(
      new InvalidQueryError({
        issues: [
          { field: 'status[1]', message: 'Invalid option' },
          { field: 'providers', message: 'unknown provider "x"' },
        ],
      }),
    );
    expect(query.name).toBe('invalid-query');
    expect(query.init.errors).toEqual([
      { field: 'status', message: 'status[1]: Invalid option' },
      { field: 'provider', message: 'unknown provider "x"' },
    ]);
  });

  it('maps malformed provider answers to 502 and unreachable providers to 503', () => {
    const malformed = problemFromError(
      new ProviderResponseError({
        provider: 'flexfactor',
        message: 'bad body',
        status: 200,
        requestId: 'r1',
      }),
    );
    expect(malformed).toMatchObject({
      name: 'provider-error',
      init: {
        provider: 'flexfactor',
        kind: 'invalid_response',
        providerStatus: 200,
        providerRequestId: 'r1',
      },
    });
    const unreachable = problemFromError(
      new TransportError({ provider: 'flexportal', message: 'connection refused' }),
    );
    expect(unreachable).toMatchObject({
      name: 'provider-unavailable',
      init: { kind: 'transport' },
    });
  });

  it('keeps internal details out of the problem', () => {
    const internal = problemFromError(new RangeError('index 7 out of bounds in merge.ts'));
    expect(internal.name).toBe('internal');
    expect(internal.isInternal).toBe(true);
    expect(JSON.stringify(internal.init)).not.toContain('merge.ts');
    const configuration = problemFromError(
      new ConfigurationError({ setting: 'apiKey', message: 'apiKey is missing' }),
    );
    expect(configuration).toMatchObject({ name: 'configuration-error', isInternal: true });
  });
});

describe('parameterOf / describeIssues', () => {
  it('names the parameter of a nested field once', () => {
    expect(parameterOf('sort.field')).toBe('sort');
    expect(parameterOf('status[0]')).toBe('status');
    expect(
      describeIssues([
        { field: 'sort', message: 'sort.field: bad' },
        { field: 'limit', message: 'too big' },
      ]),
    ).toBe('Invalid query: sort.field: bad (and one more problem; see errors)');
  });

  it('bounds the errors it reports, whatever the input', () => {
    const many = Array.from({ length: 1000 }, (_, index) => ({
      field: `unknown${index}${'x'.repeat(500)}`,
      message: 'is not a parameter of this operation',
    }));
    const bounded = boundErrors(many);
    expect(bounded).toHaveLength(MAX_REPORTED_ERRORS + 1);
    expect(bounded.at(-1)).toEqual({
      field: '(more)',
      message: 'and 990 more problems not listed',
    });
    expect(Math.max(...bounded.map((error) => error.field.length))).toBeLessThanOrEqual(64);
  });

  it('shows clients the provider and kind of a failure, never its upstream message or URL', () => {
    const upstream = 'flexportal GET https://api-eu.flexportal.io/v1/orders?startAfter=x failed';
    for (const error of [
      new ProviderUnavailableError({ provider: 'flexportal', status: 503, message: upstream }),
      new TransportError({ provider: 'flexportal', request: 'GET /v1/orders', message: upstream }),
      new TimeoutError({
        provider: 'flexportal',
        message: upstream,
        timeoutMs: 1,
        scope: 'attempt',
      }),
      new ProviderResponseError({ provider: 'flexportal', issues: [], message: upstream }),
    ]) {
      const { init } = problemFromError(error);
      expect(init.provider).toBe('flexportal');
      expect(JSON.stringify(init)).not.toMatch(/flexportal\.io|startAfter|\/v1\/orders/);
    }
  });

  it('passes Retry-After on as whole seconds, clamped, for 429 and 503 alike', () => {
    const huge = new RateLimitError({
      provider: 'p',
      status: 429,
      message: 'x',
      retryAfterMs: 1e23,
    });
    expect(problemFromError(huge).headers['retry-after']).toBe(String(MAX_RETRY_AFTER_SECONDS));
    const infinite = new RateLimitError({
      provider: 'p',
      status: 429,
      message: 'x',
      retryAfterMs: Number.POSITIVE_INFINITY,
    });
    expect(problemFromError(infinite).headers['retry-after']).toBe(String(MAX_RETRY_AFTER_SECONDS));
    const unavailable = new ProviderUnavailableError({
      provider: 'p',
      status: 503,
      message: 'x',
      retryAfterMs: 1500,
    });
    expect(problemFromError(unavailable)).toMatchObject({
      headers: { 'retry-after': '2' },
      init: { retryAfter: 2 },
    });
  });
});
