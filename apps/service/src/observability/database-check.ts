/** The last check of the database, as `/readyz` reports it. */
export interface DatabaseCheckResult {
  /** `ok` when the database answered a trivial query in time. */
  status: 'ok' | 'failed';
  /** When the check finished (ISO 8601). */
  checkedAt: string;
  /** Why it failed, as clients may read it: never a host name, user or message from the server. */
  error?: string;
}

/** Checks that the database answers, on demand, at most once per `maxAgeMs`. */
export interface DatabaseCheck {
  /** The result of a check no older than `maxAgeMs` (runs one when needed; never rejects). */
  check(): Promise<DatabaseCheckResult>;
}

/** Options of {@link createDatabaseCheck}. */
export interface DatabaseCheckOptions {
  /** How long the query may take, in ms (default 1000). */
  timeoutMs?: number | undefined;
  /** How long a result is reused, in ms (default 1000): probes never become a query flood. */
  maxAgeMs?: number | undefined;
  /** Called after a failed check with the error itself, for the operators' log. */
  onFailure?: ((error: unknown) => void) | undefined;
  /** Clock (default `Date.now`). */
  now?: (() => number) | undefined;
}

/**
 * Creates the check. `ping` runs a trivial query (`select 1`); a check fails when it rejects or
 * takes longer than `timeoutMs`. Concurrent callers share one running check, and a result is
 * reused for `maxAgeMs`, so however often load balancers probe `/readyz`, each replica sends the
 * database at most one query per `maxAgeMs`.
 */
export function createDatabaseCheck(
  ping: () => Promise<unknown>,
  options: DatabaseCheckOptions = {},
): DatabaseCheck {
  const timeoutMs = options.timeoutMs ?? 1_000;
  const maxAgeMs = options.maxAgeMs ?? 1_000;
  const now = options.now ?? Date.now;
  let last: { result: DatabaseCheckResult; at: number } | undefined;
  let running: Promise<DatabaseCheckResult> | undefined;

  const run = async (): Promise<DatabaseCheckResult> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    let result: DatabaseCheckResult;
    try {
      const outcome = await Promise.race([ping().then(() => 'ok' as const), timeout]);
      result =
        outcome === 'ok'
          ? { status: 'ok', checkedAt: new Date(now()).toISOString() }
          : {
              status: 'failed',
              checkedAt: new Date(now()).toISOString(),
              error: `no answer within ${timeoutMs} ms`,
            };
      if (outcome === 'timeout') options.onFailure?.(new Error(result.error));
    } catch (error) {
      options.onFailure?.(error);
      result = {
        status: 'failed',
        checkedAt: new Date(now()).toISOString(),
        error: describeFailure(error),
      };
    } finally {
      clearTimeout(timer);
    }
    last = { result, at: now() };
    return result;
  };

  return {
    check() {
      if (last !== undefined && now() - last.at < maxAgeMs) return Promise.resolve(last.result);
      running ??= run().finally(() => {
        running = undefined;
      });
      return running;
    },
  };
}

/**
 * What a client may read of a failure: the error's code when it is a system code (`ECONNREFUSED`)
 * or a five-character SQLSTATE (`57P03`), neither of which names a host or a user.
 */
function describeFailure(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && (/^E[A-Z]+$/.test(code) || /^[0-9A-Z]{5}$/.test(code))) {
    return `the database cannot be reached (${code})`;
  }
  return 'the database cannot be reached';
}
