import type { Tenant } from '../tenancy/tenant.js';

/** Per-request values the middleware chain sets for the handlers. */
export interface ServiceVariables {
  /** The request id (incoming `X-Request-Id` when sane, else a new UUID). */
  requestId: string;
  /** The authenticated tenant; set by the auth middleware on `/v1/*`. */
  tenant: Tenant;
  /** Id of the API key that authenticated the request (never the key itself). */
  apiKeyId: string;
  /**
   * Takes `count` more requests from the key's rate limit (upstream work beyond the first);
   * resolves once recorded, never rejects.
   */
  chargeRequests: (count: number) => Promise<void>;
  /**
   * Aborts when the client goes away or the request's deadline passes; handlers pass it to every
   * upstream call.
   */
  signal: AbortSignal;
  /** Whether the request's deadline passed (tells a 504 from a client that went away). */
  deadline: { readonly timedOut: boolean };
}

/** The Hono environment of the service's app. */
export interface ServiceEnv {
  Variables: ServiceVariables;
}
