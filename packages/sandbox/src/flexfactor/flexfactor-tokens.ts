import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { hashString, SeededRandom } from '../random/seeded-random.js';
import type { FlexFactorTokenResponse } from './flexfactor-schema.js';

/** Default access-token lifetime: 10 minutes (FF-TOKEN; `exp − nbf = 600` in the recorded JWT). */
export const DEFAULT_TOKEN_TTL_MS = 600_000;

/** The `aud` claim of the recorded JWT (§2.3). */
const AUDIENCE = ['payments', 'orders', 'merchants', 'eligibility-sftp', 'eligibility', 'contact'];

/** Why a bearer token was refused. */
export type TokenCheck =
  | { readonly valid: true }
  | { readonly valid: false; readonly reason: 'unknown' }
  | { readonly valid: false; readonly reason: 'expired'; readonly expiredAt: number };

/**
 * Issues and checks FlexFactor access tokens. Tokens are HS256 JWTs with the recorded claims
 * (`sub`, `unique_name`, `jti`, `iat` as a millisecond string, `aud`, `custom:mid`, `nbf`, `exp`,
 * `iss`), signed with a per-process random key; the expiry in milliseconds is kept per `jti` so a
 * TTL of a few milliseconds works and `expireAll` can end every session at once.
 */
export class TokenIssuer {
  private readonly signingKey = randomBytes(32);
  private readonly sessions = new Map<string, number>();
  private issued = 0;
  /** The stable `id` / `sub` of the application (a uuid derived from the app key). */
  readonly applicationId: string;

  /**
   * @param appKey the accepted AppKey
   * @param appSecret the accepted AppSecret
   * @param ttlMs access-token lifetime
   * @param merchantId written into the `custom:mid` claim
   */
  constructor(
    readonly appKey: string,
    readonly appSecret: string,
    private ttlMs: number,
    private readonly merchantId: string,
  ) {
    const random = new SeededRandom(hashString(appKey), 17);
    const hex = random.chars('0123456789abcdef', 32);
    this.applicationId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
  }

  /** Number of tokens issued since start (or the last stats reset by the caller). */
  get issuedCount(): number {
    return this.issued;
  }

  /** The current access-token lifetime in ms. */
  get tokenTtlMs(): number {
    return this.ttlMs;
  }

  /**
   * Changes the lifetime of tokens issued from now on.
   * @throws RangeError when ms is not a positive finite number
   */
  setTtl(ms: number): void {
    if (!Number.isFinite(ms) || ms <= 0) {
      throw new RangeError(`Token TTL must be a positive number of milliseconds, got ${ms}`);
    }
    this.ttlMs = ms;
  }

  /** True when the credentials are the configured pair. */
  accepts(appKey: string, appSecret: string): boolean {
    return safeEqual(appKey, this.appKey) && safeEqual(appSecret, this.appSecret);
  }

  /** Issues a token: the recorded response shape of `POST /v1/oauth2/token` (§2.3). */
  issue(now = Date.now()): FlexFactorTokenResponse {
    const expires = Math.floor(now + this.ttlMs);
    const jti = randomUUID();
    const header = { alg: 'HS256', typ: 'JWT' };
    const claims = {
      sub: this.applicationId,
      unique_name: this.appKey,
      jti,
      iat: String(now),
      aud: AUDIENCE,
      'custom:mid': this.merchantId,
      nbf: Math.floor(now / 1000),
      exp: Math.floor(expires / 1000),
      iss: 'Api-Client-Service',
    };
    const unsigned = `${base64url(header)}.${base64url(claims)}`;
    const signature = createHmac('sha256', this.signingKey).update(unsigned).digest('base64url');
    this.prune(now);
    this.sessions.set(jti, expires);
    this.issued++;
    return {
      accessToken: `${unsigned}.${signature}`,
      refreshToken: randomBytes(48).toString('base64'),
      expires,
      id: this.applicationId,
      session: null,
      daysToEnforceMFA: null,
      skipAvailable: null,
      success: true,
      result: null,
      status: null,
      statusCode: null,
      errors: [],
      customProperties: {},
    };
  }

  /** Checks a bearer token: signature, known session, not expired. */
  check(token: string, now = Date.now()): TokenCheck {
    const parts = token.split('.');
    if (parts.length !== 3) return { valid: false, reason: 'unknown' };
    const [header, payload, signature] = parts as [string, string, string];
    const expected = createHmac('sha256', this.signingKey)
      .update(`${header}.${payload}`)
      .digest('base64url');
    if (!safeEqual(signature, expected)) return { valid: false, reason: 'unknown' };
    let jti: unknown;
    try {
      jti = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { jti?: unknown })
        .jti;
    } catch {
      return { valid: false, reason: 'unknown' };
    }
    const expires = typeof jti === 'string' ? this.sessions.get(jti) : undefined;
    if (expires === undefined) return { valid: false, reason: 'unknown' };
    if (now >= expires) return { valid: false, reason: 'expired', expiredAt: expires };
    return { valid: true };
  }

  /** Makes every issued token expired now (they answer 401 from the next request). */
  expireAll(now = Date.now()): void {
    for (const [jti, expires] of this.sessions) {
      if (expires > now) this.sessions.set(jti, now);
    }
  }

  /** Resets the issued-token counter. */
  resetCount(): void {
    this.issued = 0;
  }

  private prune(now: number): void {
    if (this.sessions.size < 10_000) return;
    // Long-expired sessions only need to be remembered to say "expired" rather than "unknown".
    for (const [jti, expires] of this.sessions) {
      if (expires < now - 3_600_000) this.sessions.delete(jti);
    }
  }
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}
