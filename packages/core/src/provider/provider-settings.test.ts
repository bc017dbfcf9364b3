import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { formatPath } from '../query/order-query.js';
import {
  type ProviderSettings,
  providerSettingsShape,
  toTransportOptions,
} from './provider-settings.js';

const schema = z.strictObject(providerSettingsShape);

/** The path and message of the first issue, or `undefined` when the settings are valid. */
function firstIssue(settings: unknown): { path: string; message: string } | undefined {
  const result = schema.safeParse(settings);
  if (result.success) return undefined;
  const issue = result.error.issues[0]!;
  return { path: formatPath(issue.path), message: issue.message };
}

describe('providerSettingsShape', () => {
  it('accepts every documented setting, and none at all', () => {
    const settings: ProviderSettings = {
      fetch: async () => new Response('{}'),
      timeout: 5_000,
      deadline: 60_000,
      retry: { maxRetries: 2, baseDelayMs: 0, maxDelayMs: 10, maxRetryAfterMs: 1_000 },
      rateLimit: { requestsPerMinute: 100 },
      hooks: { onRequest: () => undefined },
      id: 'flexportal-eu',
      env: { FLEXPORTAL_API_KEY: 'fp_test_key_123', UNSET: undefined },
    };
    expect(firstIssue(settings)).toBeUndefined();
    expect(firstIssue({})).toBeUndefined();
    expect(firstIssue({ retry: false })).toBeUndefined();
  });

  it('accepts process.env, which is not a plain object', () => {
    expect(firstIssue({ env: process.env })).toBeUndefined();
  });

  it.each([
    [{ fetch: 'https://proxy.test' }, 'fetch', 'Invalid input'],
    [{ timeout: -1 }, 'timeout', 'must be positive'],
    [{ timeout: 0 }, 'timeout', 'must be positive'],
    [{ deadline: 1.5 }, 'deadline', 'must be a whole number of ms'],
    [{ retry: true }, 'retry', 'Invalid input'],
    [{ retry: { maxRetries: -1 } }, 'retry.maxRetries', 'Too small: expected number to be >=0'],
    [{ rateLimit: { requestsPerMinute: 0 } }, 'rateLimit.requestsPerMinute', 'must be at least 1'],
    [{ rateLimit: { requestsPerMinute: 1.5 } }, 'rateLimit.requestsPerMinute', 'whole number'],
    [{ hooks: 'log' }, 'hooks', 'expected record'],
    [{ id: 7 }, 'id', 'expected string'],
    [{ env: 'production' }, 'env', 'must be an object of environment variables'],
    [{ env: null }, 'env', 'must be an object of environment variables'],
  ])('refuses %j at %s', (settings, path, message) => {
    const issue = firstIssue(settings);
    expect(issue?.path).toBe(path);
    expect(issue?.message).toContain(message);
  });

  it('refuses unknown keys inside retry and rateLimit', () => {
    const retry = schema.safeParse({ retry: { limit: 3 } });
    expect(retry.error?.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['limit'] });
    expect(formatPath(retry.error?.issues[0]?.path ?? [])).toBe('retry');
    const rateLimit = schema.safeParse({ rateLimit: { requestsPerMinute: 10, burst: 5 } });
    expect(rateLimit.error?.issues[0]).toMatchObject({
      code: 'unrecognized_keys',
      keys: ['burst'],
    });
  });

  it('has exactly the fields of ProviderSettings', () => {
    expect(Object.keys(providerSettingsShape).sort()).toEqual(
      ['deadline', 'env', 'fetch', 'hooks', 'id', 'rateLimit', 'retry', 'timeout'].sort(),
    );
  });
});

describe('toTransportOptions', () => {
  it('renames timeout and deadline to the transport names and passes the rest through', () => {
    const fetch = async () => new Response('{}');
    const hooks = { onRetry: () => undefined };
    const options = toTransportOptions({
      fetch,
      timeout: 1_000,
      deadline: 9_000,
      retry: false,
      rateLimit: { requestsPerMinute: 60 },
      hooks,
      id: 'ignored',
      env: {},
    });
    expect(options).toEqual({
      fetch,
      timeoutMs: 1_000,
      deadlineMs: 9_000,
      retry: false,
      rateLimit: { requestsPerMinute: 60 },
      hooks,
    });
    expect(options.fetch).toBe(fetch);
    expect(options.hooks).toBe(hooks);
  });

  it('leaves unset settings undefined, so the transport applies its defaults', () => {
    expect(toTransportOptions({})).toStrictEqual({
      fetch: undefined,
      timeoutMs: undefined,
      deadlineMs: undefined,
      retry: undefined,
      rateLimit: undefined,
      hooks: undefined,
    });
  });
});
