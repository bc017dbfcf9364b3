import { linkAbort, type OrderProvider, parseOrderQuery } from '@orderbridge/core';
import { problemFromError } from '../http/problem-from-error.js';

/** Rejects when the signal aborts. */
function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

/** The last check of one provider of one tenant. */
export interface ProviderCheck {
  /** Tenant id. */
  tenant: string;
  /** Provider id. */
  provider: string;
  /** `pending` until the first check finishes. */
  status: 'pending' | 'ok' | 'failed';
  /** When the last check finished (ISO 8601). */
  checkedAt?: string;
  /**
   * Why the last check failed, as clients may read it: the provider and the kind of failure, never
   * the upstream host, path or message (those go to `onCheck`, for the log).
   */
  error?: string;
}

/** What `/readyz` reports. */
export interface ReadinessReport {
  /** True when every provider's last check succeeded and the service is not shutting down. */
  isReady: boolean;
  /** Every provider's last check. */
  checks: ProviderCheck[];
}

/** Checks every tenant's providers at start and then periodically. */
export interface ReadinessMonitor {
  /** The current report. */
  report(): ReadinessReport;
  /** Runs every check now (each bounded by the timeout); resolves when all have finished. */
  checkNow(): Promise<void>;
  /** Checks now and then every `intervalMs` (the timer does not keep the process alive). */
  start(intervalMs: number): void;
  /** Stops the periodic checks and reports not ready from now on (shutting down). */
  stop(): void;
}

/**
 * Creates the monitor. A check is the provider's `checkConnection()` when it has one, else a
 * one-order listing; it fails after `timeoutMs` (default 5 s).
 */
export function createReadinessMonitor(
  tenants: ReadonlyArray<{ id: string; providers: readonly OrderProvider[] }>,
  options: {
    timeoutMs?: number;
    /** Called after each check; `error` is the failure itself, for the operators' log. */
    onCheck?: (check: ProviderCheck, error?: unknown) => void;
  } = {},
): ReadinessMonitor {
  const timeoutMs = options.timeoutMs ?? 5000;
  const checks = tenants.flatMap((tenant) =>
    tenant.providers.map((provider) => ({
      provider,
      state: { tenant: tenant.id, provider: provider.id, status: 'pending' } as ProviderCheck,
    })),
  );
  let timer: NodeJS.Timeout | undefined;
  let isStopped = false;
  let running: Promise<void> | undefined;

  const runOne = async (entry: (typeof checks)[number]): Promise<void> => {
    // A deadline released when the check ends: `AbortSignal.timeout` would fire `timeoutMs` after
    // every check, finished or not, and abort a signal no one uses with a fresh DOMException.
    const deadline = linkAbort([], { timeoutMs });
    const signal = deadline.signal;
    let next: ProviderCheck;
    let failure: unknown;
    try {
      const check = entry.provider.checkConnection
        ? entry.provider.checkConnection({ signal })
        : entry.provider.listOrders(parseOrderQuery({ limit: 1 }), { signal });
      // Bounded even for a provider that ignores the signal.
      await Promise.race([check, aborted(signal)]);
      next = { ...entry.state, status: 'ok', checkedAt: new Date().toISOString() };
      delete next.error;
    } catch (error) {
      failure = error;
      next = {
        ...entry.state,
        status: 'failed',
        checkedAt: new Date().toISOString(),
        error: signal.aborted
          ? `no answer within ${timeoutMs} ms`
          : (problemFromError(error).init.detail ?? 'the check failed'),
      };
    } finally {
      deadline.release();
    }
    entry.state = next;
    options.onCheck?.(next, failure);
  };

  const checkNow = (): Promise<void> => {
    running ??= Promise.all(checks.map(runOne)).then(
      () => {
        running = undefined;
      },
      () => {
        running = undefined;
      },
    );
    return running;
  };

  return {
    report() {
      const states = checks.map((entry) => entry.state);
      return {
        isReady: !isStopped && states.every((state) => state.status === 'ok'),
        checks: states,
      };
    },
    checkNow,
    start(intervalMs) {
      isStopped = false;
      void checkNow();
      timer = setInterval(() => void checkNow(), intervalMs);
      timer.unref();
    },
    stop() {
      isStopped = true;
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
