import { createHash, hash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Prefix of every key `new-key` generates. It makes a leaked key easy to recognise (and to find
 * with secret scanners); it carries no meaning for authentication.
 */
export const API_KEY_PREFIX = 'obk_';

/** One API key of a tenant, as configuration stores it: an id and the key's SHA-256 hash. */
export interface ApiKeyRecord {
  /** A name for the key (`ci`, `dashboard`), logged instead of the key. */
  id: string;
  /** Lower-case hex SHA-256 of the key. */
  sha256: string;
}

/**
 * Creates a new API key: the prefix plus 32 random bytes (256 bits) in base64url.
 *
 * Keys are random tokens, not passwords, so a fast hash is enough to store them: nobody can
 * enumerate 2^256 candidates, and a slow password hash would only add latency to every request.
 */
export function generateApiKey(): string {
  return `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** The lower-case hex SHA-256 of an API key: what the tenants file stores. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Who an API key belongs to. */
export interface ApiKeyOwner {
  /** The tenant id. */
  tenantId: string;
  /** The key's id. */
  keyId: string;
}

/** Finds the tenant of a presented key by its hash. */
export interface ApiKeyIndex {
  /** The owner of the key, or undefined when no tenant has it. */
  find(key: string): ApiKeyOwner | undefined;
}

/**
 * Indexes the tenants' key hashes. `find` hashes the presented key and compares it with every
 * stored hash in constant time, without stopping at the first match, so the response time says
 * nothing about which (or how many) hash bytes matched.
 */
export function createApiKeyIndex(
  tenants: ReadonlyArray<{ id: string; apiKeys: readonly ApiKeyRecord[] }>,
): ApiKeyIndex {
  const entries = tenants.flatMap((tenant) =>
    tenant.apiKeys.map((record) => ({
      hash: Buffer.from(record.sha256.toLowerCase(), 'hex'),
      owner: { tenantId: tenant.id, keyId: record.id },
    })),
  );
  return {
    find(key) {
      // One-shot `hash`: a `createHash` object per request survives scavenges until a full
      // collection (its native handle).
      const presented = hash('sha256', key, 'buffer');
      let found: ApiKeyOwner | undefined;
      for (const entry of entries) {
        if (entry.hash.length === presented.length && timingSafeEqual(entry.hash, presented)) {
          found ??= entry.owner;
        }
      }
      return found;
    },
  };
}
