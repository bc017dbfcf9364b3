import type { Order, OrderProvider } from '@orderbridge/core';

/**
 * Fault switches of a provider's backend (its simulator or fake). Each switch affects the next
 * data requests only (order listings and look-ups, not token requests).
 */
export interface ProviderFaults {
  /**
   * The next `count` data requests fail with HTTP `status`; with `retryAfterSeconds`, the
   * response carries a `Retry-After` header.
   */
  failNext(count: number, status: number, options?: { retryAfterSeconds?: number }): Promise<void>;
  /** The next `count` data requests answer 200 with a body that is not valid JSON. */
  malformedNext(count: number): Promise<void>;
  /** Adds `ms` of latency to every following request; `latency(0)` resets it. */
  latency(ms: number): Promise<void>;
  /** Removes every pending fault and the added latency. */
  clear(): Promise<void>;
}

/** What `setup` hands the conformance suite: a connected provider and the truth about its backend. */
export interface ConformanceContext {
  /**
   * The provider under test, connected to a backend holding exactly `orders`. Its retry settings
   * should be fast (tiny backoff) for tests.
   */
  provider: OrderProvider;
  /**
   * Ground truth: every order the backend holds, as canonical orders keyed by the provider's id
   * (order of the array irrelevant). Listed orders must equal these (ignoring `raw`).
   */
  orders: Order[];
  /** The credential value the provider uses; the suite checks it never appears in an error. */
  secret?: string;
  /**
   * A provider of the same kind whose credentials the backend rejects (for the 401 test); omit
   * it and that test is skipped with the reason.
   */
  createUnauthenticatedProvider?: () => OrderProvider;
  /** Fault injection on the backend; omit it and the fault tests are skipped with the reason. */
  faults?: ProviderFaults;
  /**
   * Whether the provider retries transient failures (5xx, 429 with a short wait) through core's
   * transport (default true). A provider without a transport (the memory provider) sets false:
   * the "retried" tests are skipped with that reason, the typed-error tests still run.
   */
  retriesTransientErrors?: boolean;
  /**
   * Makes the backend hold the raw status `rawStatus` for order `orderId`, to check unknown-status
   * handling end to end; the suite restores the order's original raw code afterwards. Omit it and
   * that test is skipped with the reason.
   */
  setRawStatus?: (orderId: string, rawStatus: string | number) => Promise<void>;
  /**
   * An order id the backend does not hold but whose format the provider accepts (default: a
   * number above every numeric id, or `conformance-missing-order`).
   */
  missingOrderId?: string;
  /** Releases what `setup` started (servers, timers); called once in `afterAll`. */
  teardown?: () => Promise<void>;
}

/** Options of `describeProviderConformance`. */
export interface ConformanceOptions {
  /** Suite title, e.g. `flexportal (sandbox)`. */
  name: string;
  /** Connects the provider to a backend with a known dataset; called once in `beforeAll`. */
  setup: () => Promise<ConformanceContext>;
  /**
   * Documented raw status values of the provider, straight from its docs. The suite checks the
   * status map covers each (not `unknown`) and maps an undocumented value to `unknown`.
   */
  documentedStatuses: ReadonlyArray<string | number>;
  /** Timeout of each test (and twice this for `setup`), in ms (default 30,000). */
  timeoutMs?: number;
}
