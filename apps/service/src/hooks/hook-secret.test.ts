import { describe, expect, it } from 'vitest';
import { hashHookSecret, hookSecretMatches } from './hook-secret.js';

const SECRET = 'test_hook_secret_0000000000000000000000';

describe('hookSecretMatches', () => {
  it('accepts the secret whose hash is expected', () => {
    expect(hookSecretMatches(SECRET, hashHookSecret(SECRET))).toBe(true);
  });

  it('refuses another secret, one of another length, a prefix and the empty string', () => {
    const expected = hashHookSecret(SECRET);
    for (const presented of [`${SECRET.slice(0, -1)}1`, `${SECRET}0`, SECRET.slice(0, 8), '']) {
      expect(hookSecretMatches(presented, expected)).toBe(false);
    }
  });

  it('refuses anything when nothing is expected (unknown tenant), still comparing', () => {
    expect(hookSecretMatches(SECRET, undefined)).toBe(false);
    expect(hookSecretMatches('', undefined)).toBe(false);
  });
});
