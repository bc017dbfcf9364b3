import {
  ConfigurationError,
  InvalidQueryError,
  ProviderResponseError,
  TransportError,
} from '@orderbridge/core';
import { describe, expect, it } from 'vitest';
import { describeIssues, parameterOf, problemFromError } from './problem-from-error.js';

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
    ).toBe('Invalid query: sort.field: bad; limit: too big');
  });
});
