import type { ProviderName } from '../faults/provider-faults.js';

/** Request counters of one provider. */
export interface ProviderStats {
  /** Requests received under the provider's prefix. */
  requests: number;
  /** Requests per operation: list, get, token (FlexFactor only) and anything else. */
  routes: { listOrders: number; getOrder: number; token: number; other: number };
  /** Responses per HTTP status code (as a string key, e.g. "200"). */
  statusCodes: Record<string, number>;
  /** 429 responses sent (rate limit and injected). */
  rateLimited: number;
  /** Access tokens issued (FlexFactor; always 0 for FlexPortal). */
  tokensIssued: number;
  /** Injected faults by kind. */
  faults: { failed: number; reset: number; truncated: number; malformed: number };
}

/** Counters of a sandbox since start or the last reset. */
export interface SandboxStats {
  /** Counters per provider. */
  flexportal: ProviderStats;
  /** Counters per provider. */
  flexfactor: ProviderStats;
  /** Requests to the `/_sandbox` control endpoint. */
  control: number;
}

/** Route names counted in {@link ProviderStats.routes}. */
export type CountedRoute = keyof ProviderStats['routes'];

/** Mutable counters behind `sandbox.stats()`. */
export class StatsRecorder {
  private stats: SandboxStats = StatsRecorder.empty();

  private static empty(): SandboxStats {
    const provider = (): ProviderStats => ({
      requests: 0,
      routes: { listOrders: 0, getOrder: 0, token: 0, other: 0 },
      statusCodes: {},
      rateLimited: 0,
      tokensIssued: 0,
      faults: { failed: 0, reset: 0, truncated: 0, malformed: 0 },
    });
    return { flexportal: provider(), flexfactor: provider(), control: 0 };
  }

  /** Counts a request on arrival. */
  request(provider: ProviderName, route: CountedRoute): void {
    const stats = this.stats[provider];
    stats.requests++;
    stats.routes[route]++;
  }

  /** Counts a response status. */
  response(provider: ProviderName, status: number): void {
    const stats = this.stats[provider];
    const key = String(status);
    stats.statusCodes[key] = (stats.statusCodes[key] ?? 0) + 1;
    if (status === 429) stats.rateLimited++;
  }

  /** Counts an injected fault. */
  fault(provider: ProviderName, kind: keyof ProviderStats['faults']): void {
    this.stats[provider].faults[kind]++;
  }

  /** Counts an issued token. */
  tokenIssued(): void {
    this.stats.flexfactor.tokensIssued++;
  }

  /** Counts a control request. */
  control(): void {
    this.stats.control++;
  }

  /** A deep copy of the counters. */
  snapshot(): SandboxStats {
    return structuredClone(this.stats);
  }

  /** Sets every counter to zero. */
  reset(): void {
    this.stats = StatsRecorder.empty();
  }
}
