import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** The SHA-256 of a webhook secret: what the service keeps and compares. */
export function hashHookSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/** Compared when the tenant is unknown, so that case costs what a wrong secret costs. */
const UNKNOWN_TENANT_HASH = hashHookSecret(randomBytes(32).toString('hex'));

/**
 * Whether a presented secret is the expected one, in constant time: both sides are hashed first,
 * so the comparison is always of 32 bytes whatever the lengths, and `timingSafeEqual` compares
 * them without an early exit. With no expected hash (unknown tenant, or a tenant without the
 * hook) a comparison is still made, and the answer is false.
 */
export function hookSecretMatches(presented: string, expected: Buffer | undefined): boolean {
  const matches = timingSafeEqual(hashHookSecret(presented), expected ?? UNKNOWN_TENANT_HASH);
  return matches && expected !== undefined;
}
