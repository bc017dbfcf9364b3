import { describe, expect, it } from 'vitest';
import { API_KEY_PREFIX, createApiKeyIndex, generateApiKey, hashApiKey } from './api-key.js';
import { readBearerToken } from './bearer-token.js';

describe('generateApiKey', () => {
  it('makes prefixed 256-bit keys that never repeat', () => {
    const keys = new Set(Array.from({ length: 200 }, generateApiKey));
    expect(keys.size).toBe(200);
    for (const key of keys) {
      expect(key.startsWith(API_KEY_PREFIX)).toBe(true);
      expect(Buffer.from(key.slice(API_KEY_PREFIX.length), 'base64url')).toHaveLength(32);
    }
  });
});

describe('hashApiKey', () => {
  it('is the hex SHA-256 of the key', () => {
    expect(hashApiKey('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
});

describe('createApiKeyIndex', () => {
  const index = createApiKeyIndex([
    { id: 'acme', apiKeys: [{ id: 'ci', sha256: hashApiKey('key-acme') }] },
    {
      id: 'globex',
      apiKeys: [
        { id: 'one', sha256: hashApiKey('key-globex-1') },
        { id: 'two', sha256: hashApiKey('key-globex-2').toUpperCase() },
      ],
    },
  ]);

  it('finds the owner of each stored key', () => {
    expect(index.find('key-acme')).toEqual({ tenantId: 'acme', keyId: 'ci' });
    expect(index.find('key-globex-2')).toEqual({ tenantId: 'globex', keyId: 'two' });
  });

  it('finds nobody for an unknown key, a prefix or the hash itself', () => {
    expect(index.find('key-acm')).toBeUndefined();
    expect(index.find('')).toBeUndefined();
    expect(index.find(hashApiKey('key-acme'))).toBeUndefined();
  });
});

describe('readBearerToken', () => {
  it('reads the token of a Bearer header, scheme in any case', () => {
    expect(readBearerToken('Bearer abc.DEF-123_~+/=')).toEqual({ token: 'abc.DEF-123_~+/=' });
    expect(readBearerToken('bearer abc')).toEqual({ token: 'abc' });
  });

  it('says missing for no header and malformed for anything else', () => {
    expect(readBearerToken(undefined)).toEqual({ failure: 'missing' });
    expect(readBearerToken('  ')).toEqual({ failure: 'missing' });
    for (const header of [
      'Basic abc',
      'Bearer',
      'Bearer a b',
      'Bearer ä',
      'abc',
      `Bearer ${'a'.repeat(600)}`,
    ]) {
      expect(readBearerToken(header), header).toEqual({ failure: 'malformed' });
    }
  });
});
