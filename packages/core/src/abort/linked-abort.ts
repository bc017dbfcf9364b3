/**
 * An abort signal of one's own that follows other signals (and, optionally, a deadline) until
 * released: what `AbortSignal.any([...sources, AbortSignal.timeout(ms)])` gives, for work with a
 * known end. `AbortSignal.any` ties its result to each source through weak references that Node
 * tracks until the result is garbage-collected, and `AbortSignal.timeout` keeps a timer per signal
 * until it fires; both cost ~40 µs per request on the service's hot path, several times per
 * request, and load the garbage collector. A linked abort is one `AbortController`, a listener per
 * source and at most one timer, all removed by `release()`.
 *
 * Every `linkAbort` must be paired with `release()` once the work ends (a `finally`): until then
 * the sources hold a listener each.
 */
export interface LinkedAbort {
  /** Aborted when a source aborts (with its reason), the deadline passes, or `abort` is called. */
  readonly signal: AbortSignal;
  /** True once the deadline passed (the signal's reason is then a `TimeoutError` DOMException). */
  readonly timedOut: boolean;
  /** Aborts the signal (a no-op once aborted). */
  abort(reason?: unknown): void;
  /** Detaches from the sources and clears the deadline; the signal keeps its state. */
  release(): void;
}

/** Options of {@link linkAbort}. */
export interface LinkAbortOptions {
  /** Aborts the signal with a `TimeoutError` after this many ms (none: no deadline). */
  timeoutMs?: number | undefined;
}

/**
 * Links a new abort signal to `sources` (undefined entries are skipped). A source that is already
 * aborted aborts the new signal at once, with its reason.
 */
export function linkAbort(
  sources: readonly (AbortSignal | undefined)[],
  options: LinkAbortOptions = {},
): LinkedAbort {
  const controller = new AbortController();
  const followed: AbortSignal[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let timedOut = false;
  const onSourceAbort = (event: Event) => {
    controller.abort((event.target as AbortSignal).reason);
    release();
  };
  function release(): void {
    for (const source of followed) source.removeEventListener('abort', onSourceAbort);
    followed.length = 0;
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
  }
  for (const source of sources) {
    if (source === undefined) continue;
    if (source.aborted) {
      controller.abort(source.reason);
      release();
      break;
    }
    source.addEventListener('abort', onSourceAbort);
    followed.push(source);
  }
  if (options.timeoutMs !== undefined && !controller.signal.aborted) {
    timer = setTimeout(() => {
      timer = undefined;
      timedOut = true;
      controller.abort(new DOMException('The operation timed out.', 'TimeoutError'));
      release();
    }, options.timeoutMs);
  }
  return {
    signal: controller.signal,
    get timedOut() {
      return timedOut;
    },
    abort(reason?: unknown) {
      controller.abort(reason);
    },
    release,
  };
}
