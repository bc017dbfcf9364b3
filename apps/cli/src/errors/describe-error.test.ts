import {
  AuthenticationError,
  ConfigurationError,
  InvalidQueryError,
  ProviderResponseError,
  ProviderUnavailableError,
  registerSecret,
  TimeoutError,
  TransportError,
} from '@orderbridge/core';
import { describe, expect, it } from 'vitest';
import { describeError, providerErrorLine } from './describe-error.js';
import { ExitCode } from './exit-code.js';
import { InterruptedError } from './interrupted-error.js';
import { UsageError } from './usage-error.js';

const options = { debug: false, helpCommand: 'orderbridge orders list' };

describe('describeError', () => {
  it('usage errors: exit 2 with their hint, or the --help hint', () => {
    expect(describeError(new UsageError('bad flag', { hint: 'do this' }), options)).toMatchObject({
      message: 'bad flag',
      hint: 'do this',
      exitCode: ExitCode.usage,
    });
    expect(describeError(new UsageError('bad flag'), options).hint).toBe(
      'Run "orderbridge orders list --help" for usage.',
    );
  });

  it('configuration and query errors: exit 2', () => {
    const configuration = describeError(
      new ConfigurationError({ message: 'apiKey is missing' }),
      options,
    );
    expect(configuration).toMatchObject({
      message: 'configuration error: apiKey is missing',
      exitCode: 2,
    });
    expect(configuration.hint).toContain('orderbridge providers');
    const query = describeError(
      new InvalidQueryError({
        issues: [{ field: 'cursor', message: 'belongs to a different query' }],
      }),
      options,
    );
    expect(query).toMatchObject({
      message: 'invalid query: cursor belongs to a different query',
      exitCode: 2,
    });
  });

  it('provider errors: exit 1, one line with provider, kind, HTTP status and request id, no stack', () => {
    const error = new AuthenticationError({
      provider: 'flexportal',
      status: 401,
      requestId: 'req_1',
      providerCode: 'INVALID_TOKEN',
      message: 'API key is invalid',
    });
    const report = describeError(error, options);
    expect(report.exitCode).toBe(ExitCode.failure);
    expect(report.message).toBe(
      'flexportal authentication error (HTTP 401, code INVALID_TOKEN, request id req_1): API key is invalid',
    );
    expect(report.details).toBeUndefined();
    expect(report.hint).toContain('providers check');
  });

  it('names network, timeout and bad-response failures', () => {
    expect(
      providerErrorLine(
        new TransportError({
          provider: 'flexfactor',
          request: 'GET /v1/orders',
          message: 'ECONNRESET',
        }),
      ),
    ).toBe('flexfactor network error (GET /v1/orders): ECONNRESET');
    expect(
      providerErrorLine(
        new TimeoutError({
          provider: 'flexfactor',
          message: 'took too long',
          timeoutMs: 30_000,
          scope: 'attempt',
        }),
      ),
    ).toMatch(/^flexfactor timeout error/);
    expect(
      providerErrorLine(
        new ProviderResponseError({
          provider: 'flexportal',
          status: 200,
          issues: [{ path: 'orders[3].totals', message: 'missing' }],
          message: 'bad body',
        }),
      ),
    ).toBe('flexportal invalid response error (HTTP 200, at orders[3].totals): bad body');
    expect(
      providerErrorLine(
        new ProviderUnavailableError({ provider: 'flexfactor', status: 503, message: 'down' }),
      ),
    ).toBe('flexfactor unavailable error (HTTP 503): down');
  });

  it('interrupts: exit 130', () => {
    expect(describeError(new InterruptedError('SIGINT'), options)).toMatchObject({
      exitCode: 130,
      message: 'interrupted by SIGINT',
    });
  });

  it('--debug adds details, with registered secrets redacted', () => {
    registerSecret('sk_live_debug_secret_123');
    const report = describeError(new Error('boom with sk_live_debug_secret_123 inside'), {
      ...options,
      debug: true,
    });
    expect(report.exitCode).toBe(1);
    expect(report.message).toBe('unexpected error: boom with [REDACTED] inside');
    expect(report.details).toContain('at ');
    expect(report.details).not.toContain('sk_live_debug_secret_123');
  });
});
