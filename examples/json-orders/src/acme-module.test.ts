import { ConfigurationError } from '@orderbridge/core';
import { describe, expect, it } from 'vitest';
import createProviderFromDefault, { createProvider } from './acme-module.js';

describe('the Acme module entry point', () => {
  it('is the default export and builds a v1 provider with the id it is given', () => {
    expect(createProviderFromDefault).toBe(createProvider);
    const provider = createProvider({
      id: 'acme-eu',
      apiKey: 'acme-test-key-0003',
      baseUrl: 'http://127.0.0.1:9/v1/',
      retry: { maxRetries: 0 },
    });
    expect(provider).toMatchObject({ id: 'acme-eu', specificationVersion: 'v1' });
  });

  it('names the bad setting', () => {
    expect(() => createProvider({ id: 'acme', baseUrl: 'ftp://x' })).toThrowError(
      'Acme setting settings.baseUrl: must be an absolute http(s) URL',
    );
    const error = (() => {
      try {
        createProvider({ id: 'acme', region: 'eu' });
      } catch (failure) {
        return failure;
      }
    })();
    expect(ConfigurationError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ setting: 'settings.region' });
  });
});
