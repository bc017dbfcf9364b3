import {
  AuthenticationError,
  errorFromProviderResponse,
  type HttpClient,
  type HttpResponse,
  ProviderApiError,
  registerSecret,
  unregisterSecret,
} from '@orderbridge/core';
import { flexFactorTokenResponseSchema } from './flexfactor-api.js';
import { bodyShapeError, kindOfEnvelopeFailure, readEnvelopeFailure } from './flexfactor-error.js';

/*
 * FlexFactor's OAuth2-style token (docs/providers/flexfactor.md §2.3, FF-TOKEN): `POST {base}oauth2/token` with
 * `{ AppKey, AppSecret }` returns an access token valid for 10 minutes and its expiry `expires` in
 * epoch milliseconds. The docs ask clients to reuse the token rather than fetch one per call, and
 * to fetch a new one when a request returns 401. No refresh endpoint is documented (docs/providers/flexfactor.md ambiguity 23),
 * so `refreshToken` is never used: a new token is fetched with the app key and secret, as AM does.
 */

/** Lifetime assumed when a token response carries neither `expires` nor `expiresIn` (FF-TOKEN). */
const DOCUMENTED_LIFETIME_MS = 10 * 60_000;
/** Renew this long before expiry (or 10% of the lifetime, if shorter) so no call races the expiry. */
const RENEWAL_MARGIN_MS = 60_000;
/** Resolution of the HTTP `Date` header. */
const DATE_RESOLUTION_MS = 1_000;
const TOKEN_PATH = 'oauth2/token';
const TOKEN_OPERATION = 'POST /v1/oauth2/token';

/** Settings of the token manager. */
export interface FlexFactorTokenManagerSettings {
  /** Provider id, for errors. */
  provider: string;
  /** The provider's transport. */
  http: HttpClient;
  /** The public app key (client id). */
  appKey: string;
  /** The app secret. */
  appSecret: string;
  /** Clock (test seam); defaults to `Date.now`. */
  now?: () => number;
}

interface HeldToken {
  accessToken: string;
  refreshToken: string | undefined;
  /** Local clock time after which the token is renewed before use. */
  renewAt: number;
}

/**
 * Holds FlexFactor's access token: fetches one when needed, reuses it until shortly before it
 * expires, and keeps exactly one token request in flight however many calls need a token.
 */
export class FlexFactorTokenManager {
  private readonly settings: FlexFactorTokenManagerSettings;
  private readonly now: () => number;
  private current: HeldToken | undefined;
  private pending: Promise<HeldToken> | undefined;
  private issued = 0;

  constructor(settings: FlexFactorTokenManagerSettings) {
    this.settings = settings;
    this.now = settings.now ?? Date.now;
  }

  /** How many tokens this manager has received so far. */
  get tokensIssued(): number {
    return this.issued;
  }

  /**
   * A valid access token: the held one until shortly before it expires, else a new one. Concurrent
   * callers share one token request. `signal` stops this caller's wait, not the shared request.
   * @throws AuthenticationError when FlexFactor rejects the app key/secret; the transport's typed
   * errors when the token endpoint fails otherwise.
   */
  async accessToken(signal?: AbortSignal): Promise<string> {
    const held = this.current;
    if (held && this.now() < held.renewAt) return held.accessToken;
    if (!this.pending) {
      const request = this.fetchToken().finally(() => {
        if (this.pending === request) this.pending = undefined;
      });
      this.pending = request;
    }
    const token = await abortable(this.pending, signal);
    return token.accessToken;
  }

  /**
   * Forgets `accessToken` after FlexFactor refused it (401), so the next call fetches a new one.
   * A token other than the held one is ignored: several calls failing with the same stale token
   * cause one renewal, not one each.
   */
  invalidate(accessToken: string): void {
    if (this.current?.accessToken !== accessToken) return;
    this.forget(this.current);
    this.current = undefined;
  }

  private async fetchToken(): Promise<HeldToken> {
    const { http, appKey, appSecret, provider } = this.settings;
    let response: HttpResponse;
    try {
      // Fetching a token changes nothing server-side, so the POST is safe to retry.
      response = await http.request({
        method: 'POST',
        path: TOKEN_PATH,
        json: { AppKey: appKey, AppSecret: appSecret },
        authenticated: false,
        idempotent: true,
        operation: TOKEN_OPERATION,
      });
    } catch (error) {
      // Bad credentials are a 400 at the token endpoint (AM remote test `test_failed_fetch_access_token`,
      // docs/providers/flexfactor.md ambiguity 24), not the 401 other endpoints send.
      if (
        ProviderApiError.isInstance(error) &&
        (error.status === 400 || error.status === 401 || error.kind === 'authentication')
      ) {
        throw this.rejected(error.status, error);
      }
      throw error;
    }
    const failure = readEnvelopeFailure(response.body);
    if (failure) {
      const kind = kindOfEnvelopeFailure(failure, response.status);
      if (kind === 'authentication' || kind === 'bad_request') {
        throw this.rejected(response.status, {
          message: failure.message,
          providerCode: failure.providerCode,
          details: failure.details,
          requestId: response.requestId,
        });
      }
      throw errorFromProviderResponse({
        ...failure,
        kind,
        provider,
        status: response.status,
        operation: TOKEN_OPERATION,
        requestId: response.requestId,
      });
    }
    const parsed = flexFactorTokenResponseSchema.safeParse(response.body);
    if (!parsed.success) {
      throw bodyShapeError({
        provider,
        response,
        issues: parsed.error.issues,
        message: `${provider} ${TOKEN_OPERATION} returned a token response that does not match the documented format`,
      });
    }
    const body = parsed.data;
    registerSecret(body.accessToken, body.refreshToken);
    const receivedAt = this.now();
    const lifetime = this.lifetimeMs(body.expires, body.expiresIn, response.headers, receivedAt);
    const margin = Math.min(RENEWAL_MARGIN_MS, lifetime * 0.1);
    const token: HeldToken = {
      accessToken: body.accessToken,
      refreshToken: body.refreshToken ?? undefined,
      renewAt: receivedAt + lifetime - margin,
    };
    if (this.current) this.forget(this.current);
    this.current = token;
    this.issued += 1;
    return token;
  }

  /**
   * Milliseconds the token stays valid. `expires` is the server's epoch time, so it is measured
   * against the server's own clock (the response's `Date` header) when there is one: a client
   * clock that is off by minutes must not make a 10-minute token look expired or eternal.
   */
  private lifetimeMs(
    expires: number | string | null | undefined,
    expiresIn: number | null | undefined,
    headers: Headers,
    receivedAt: number,
  ): number {
    if (expires !== null && expires !== undefined) {
      let expiresAt = Number(expires);
      // Epoch seconds instead of milliseconds (before 1973 in ms): tolerate it.
      if (expiresAt < 1e11) expiresAt *= 1000;
      return Math.max(0, expiresAt - serverNow(headers, receivedAt));
    }
    // NODE's interface names `expiresIn` (no unit given; OAuth2 uses seconds).
    if (typeof expiresIn === 'number' && expiresIn > 0) return expiresIn * 1000;
    return DOCUMENTED_LIFETIME_MS;
  }

  private forget(token: HeldToken): void {
    unregisterSecret(token.accessToken);
    if (token.refreshToken) unregisterSecret(token.refreshToken);
  }

  private rejected(
    status: number | undefined,
    source: {
      message?: string | undefined;
      providerCode?: string | undefined;
      details?: ReadonlyArray<{ path?: string; message: string; code?: string }> | undefined;
      requestId?: string | undefined;
    },
  ): AuthenticationError {
    const provider = this.settings.provider;
    const said = providerMessage(source);
    return new AuthenticationError({
      provider,
      status,
      requestId: source.requestId,
      providerCode: source.providerCode,
      details: source.details,
      cause: ProviderApiError.isInstance(source) ? source : undefined,
      message: `FlexFactor rejected the app key/secret${status !== undefined ? ` (HTTP ${status})` : ''}${said ? `: ${said}` : ''}; check appKey and appSecret (FLEXFACTOR_APP_KEY / FLEXFACTOR_APP_SECRET) and that they belong to this environment (sandbox or production)`,
    });
  }
}

/**
 * FlexFactor's clock at the response. The `Date` header has one-second resolution, so it only
 * replaces the local clock when the two disagree by more than that (a skewed client clock); the
 * header's second is then read at its middle.
 */
function serverNow(headers: Headers, receivedAt: number): number {
  const serverDate = Date.parse(headers.get('date') ?? '');
  if (Number.isNaN(serverDate)) return receivedAt;
  return Math.abs(serverDate - receivedAt) <= 2 * DATE_RESOLUTION_MS
    ? receivedAt
    : serverDate + DATE_RESOLUTION_MS / 2;
}

/**
 * The provider's own words: the envelope's messages or the field messages, which the error parser
 * keeps as details (the whole transport error is kept as `cause`).
 */
function providerMessage(source: {
  message?: string | undefined;
  details?: ReadonlyArray<{ path?: string; message: string }> | undefined;
}): string | undefined {
  const details = source.details ?? [];
  if (details.length > 0) {
    return details
      .map((detail) => (detail.path ? `${detail.path}: ${detail.message}` : detail.message))
      .join('; ');
  }
  return ProviderApiError.isInstance(source) ? undefined : source.message;
}

/** Waits for `promise` unless `signal` aborts first (the shared promise keeps running). */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
