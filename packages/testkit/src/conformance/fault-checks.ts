import {
  AuthenticationError,
  type OrderPage,
  ProviderResponseError,
  ProviderUnavailableError,
  parseOrderQuery,
  RateLimitError,
} from '@orderbridge/core';
import { answered, assertTypedError, listingLimit, rejectionOf } from './check-support.js';
import type { ConformanceContext, ProviderFaults } from './conformance-context.js';
import { ConformanceError } from './conformance-error.js';
import { describeError } from './describe.js';
import { walkSortOf } from './listing-walk.js';

/** More failures than any sane retry policy attempts: the call must give up with a typed error. */
const PERSISTENT = 50;

/**
 * A provider whose credentials the backend rejects fails `listOrders` and `getOrder` with a
 * non-retryable `AuthenticationError` that names the provider and does not contain the secret.
 * Needs `createUnauthenticatedProvider`.
 * @throws ConformanceError when a call resolves, fails otherwise or leaks the secret.
 */
export async function checkAuthenticationRejected(context: ConformanceContext): Promise<void> {
  const create = context.createUnauthenticatedProvider;
  if (!create) {
    throw new ConformanceError({
      finding: 'setup gave no createUnauthenticatedProvider',
      promise: 'the 401 check needs ConformanceContext.createUnauthenticatedProvider',
    });
  }
  const provider = create();
  const promise = 'rejected credentials (401) fail with AuthenticationError';
  const someId = context.orders[0]?.id ?? 'conformance-any-order';
  const calls: Array<[string, () => Promise<unknown>]> = [
    ['listOrders with rejected credentials', () => provider.listOrders(firstPageQuery(context))],
    [
      `getOrder(${JSON.stringify(someId)}) with rejected credentials`,
      () => provider.getOrder(someId),
    ],
  ];
  for (const [situation, call] of calls) {
    const error = assertTypedError(
      await rejectionOf(call),
      AuthenticationError,
      context,
      situation,
      promise,
      provider.id,
    );
    if (error.isRetryable) {
      throw new ConformanceError({
        finding: `${situation} rejected with a retryable AuthenticationError`,
        promise: 'an authentication failure is not retryable: the credentials must be fixed',
      });
    }
  }
}

/**
 * One 503 is retried by the transport: the call succeeds with the same page as without the fault.
 * Needs `faults` and a retrying provider.
 * @throws ConformanceError when the call fails or answers differently.
 */
export async function checkTransientServerErrorRetried(context: ConformanceContext): Promise<void> {
  const faults = requireFaults(context);
  const query = firstPageQuery(context);
  const promise = 'a transient 5xx is retried (idempotent requests) and the call succeeds';
  const clean = await answered(() => context.provider.listOrders(query), 'listOrders', promise);
  try {
    await faults.failNext(1, 503);
    const retried = await answered(
      () => context.provider.listOrders(query),
      'listOrders after one 503',
      promise,
    );
    assertSamePage(clean, retried, 'listOrders after one 503', promise);
  } finally {
    await faults.clear();
  }
}

/**
 * Persistent 503 and 500 responses end, after the retries, in a retryable
 * `ProviderUnavailableError` carrying the provider id and the HTTP status. Needs `faults`.
 * @throws ConformanceError when the call resolves, fails otherwise or leaks the secret.
 */
export async function checkPersistentServerError(context: ConformanceContext): Promise<void> {
  const faults = requireFaults(context);
  for (const status of [503, 500]) {
    try {
      await faults.failNext(PERSISTENT, status);
      const situation = `listOrders while the backend answers ${status}`;
      const error = assertTypedError(
        await rejectionOf(() => context.provider.listOrders(firstPageQuery(context))),
        ProviderUnavailableError,
        context,
        situation,
        'a persistent 5xx fails with ProviderUnavailableError once the retries are spent',
      );
      if (!error.isRetryable || error.status !== status) {
        throw new ConformanceError({
          finding: `${situation} rejected with ProviderUnavailableError (isRetryable ${error.isRetryable}, status ${String(error.status)})`,
          promise: 'a 5xx error is retryable and carries the HTTP status',
        });
      }
    } finally {
      await faults.clear();
    }
  }
}

/**
 * A 429 with a short `Retry-After` is retried (the call succeeds) or ends in a `RateLimitError`;
 * either is the documented behaviour. Needs `faults`.
 * @throws ConformanceError when the call fails otherwise or answers differently.
 */
export async function checkShortRateLimit(context: ConformanceContext): Promise<void> {
  const faults = requireFaults(context);
  const query = firstPageQuery(context);
  const promise = 'a 429 with a short Retry-After is retried or fails with RateLimitError';
  const clean = await answered(() => context.provider.listOrders(query), 'listOrders', promise);
  try {
    await faults.failNext(1, 429, { retryAfterSeconds: 0 });
    const situation = 'listOrders after one 429 (Retry-After: 0)';
    let page: OrderPage;
    try {
      page = await context.provider.listOrders(query);
    } catch (error) {
      assertTypedError({ error }, RateLimitError, context, situation, promise);
      return;
    }
    assertSamePage(clean, page, situation, promise);
  } finally {
    await faults.clear();
  }
}

/**
 * A 429 whose `Retry-After` (an hour) exceeds what the transport waits fails at once with a
 * retryable `RateLimitError` whose `retryAfterMs` says how long to wait. Needs `faults`.
 * @throws ConformanceError when the call resolves, fails otherwise or loses the wait.
 */
export async function checkLongRateLimit(context: ConformanceContext): Promise<void> {
  const faults = requireFaults(context);
  try {
    await faults.failNext(PERSISTENT, 429, { retryAfterSeconds: 3600 });
    const situation = 'listOrders while the backend answers 429 with Retry-After: 3600';
    const error = assertTypedError(
      await rejectionOf(() => context.provider.listOrders(firstPageQuery(context))),
      RateLimitError,
      context,
      situation,
      'a 429 the transport will not wait out fails with RateLimitError',
    );
    if (!error.isRetryable || error.retryAfterMs === undefined || error.retryAfterMs < 3_599_000) {
      throw new ConformanceError({
        finding: `${situation} rejected with RateLimitError (isRetryable ${error.isRetryable}, retryAfterMs ${String(error.retryAfterMs)})`,
        promise:
          'a RateLimitError is retryable and carries the wait the provider asked for (retryAfterMs)',
      });
    }
  } finally {
    await faults.clear();
  }
}

/**
 * A 200 whose body is not valid JSON ends, after the retries, in `ProviderResponseError` (never a
 * raw `SyntaxError`). Needs `faults`.
 * @throws ConformanceError when the call resolves or fails otherwise.
 */
export async function checkMalformedBody(context: ConformanceContext): Promise<void> {
  const faults = requireFaults(context);
  try {
    await faults.malformedNext(PERSISTENT);
    assertTypedError(
      await rejectionOf(() => context.provider.listOrders(firstPageQuery(context))),
      ProviderResponseError,
      context,
      'listOrders while the backend sends bodies that are not JSON',
      'a malformed body fails with ProviderResponseError',
    );
  } finally {
    await faults.clear();
  }
}

/**
 * An already-aborted signal rejects `listOrders` and `getOrder` with the signal's reason.
 * @throws ConformanceError when a call resolves or rejects with something else.
 */
export async function checkAbortedSignalRejects(context: ConformanceContext): Promise<void> {
  const controller = new AbortController();
  const reason = new Error('conformance: aborted before the call');
  controller.abort(reason);
  const someId = context.orders[0]?.id ?? 'conformance-any-order';
  const calls: Array<[string, () => Promise<unknown>]> = [
    [
      'listOrders',
      () => context.provider.listOrders(firstPageQuery(context), { signal: controller.signal }),
    ],
    [
      `getOrder(${JSON.stringify(someId)})`,
      () => context.provider.getOrder(someId, { signal: controller.signal }),
    ],
  ];
  for (const [call, run] of calls) {
    assertAbortReason(await rejectionOf(run), reason, `${call} with an already-aborted signal`);
  }
}

/**
 * With 3 s of injected latency, aborting a call 50 ms in rejects it with the abort reason long
 * before the response would arrive (within 1.5 s of the abort). Needs `faults`.
 * @throws ConformanceError when the call resolves, rejects otherwise or keeps waiting.
 */
export async function checkAbortStopsPromptly(context: ConformanceContext): Promise<void> {
  const faults = requireFaults(context);
  const latencyMs = 3000;
  try {
    await faults.latency(latencyMs);
    const controller = new AbortController();
    const reason = new Error('conformance: aborted by the caller');
    let abortedAt = 0;
    const timer = setTimeout(() => {
      abortedAt = performance.now();
      controller.abort(reason);
    }, 50);
    const outcome = await rejectionOf(() =>
      context.provider.listOrders(firstPageQuery(context), { signal: controller.signal }),
    );
    clearTimeout(timer);
    const settledAfterAbort = abortedAt === 0 ? 0 : performance.now() - abortedAt;
    assertAbortReason(outcome, reason, `listOrders aborted 50 ms into a ${latencyMs} ms response`);
    if (settledAfterAbort > latencyMs / 2) {
      throw new ConformanceError({
        finding: `listOrders settled ${Math.round(settledAfterAbort)} ms after its signal aborted (the response was ${latencyMs} ms away)`,
        promise: 'an aborted call stops promptly instead of waiting for the response',
      });
    }
  } finally {
    await faults.clear();
  }
}

function assertAbortReason(
  outcome: { error: unknown } | undefined,
  reason: Error,
  situation: string,
): void {
  const promise = 'an aborted call rejects with the signal’s reason and is not retried';
  if (!outcome) throw new ConformanceError({ finding: `${situation} resolved`, promise });
  if (outcome.error !== reason) {
    throw new ConformanceError({
      finding: `${situation} rejected with ${describeError(outcome.error)} instead of the abort reason`,
      promise,
      cause: outcome.error,
    });
  }
}

function assertSamePage(
  expected: OrderPage,
  actual: OrderPage,
  situation: string,
  promise: string,
) {
  const keys = (page: OrderPage) => page.orders.map((order) => order.key).join(',');
  if (keys(expected) !== keys(actual)) {
    throw new ConformanceError({
      finding: `${situation} returned a different page (${actual.orders.length} orders, first ${actual.orders[0]?.key}; expected ${expected.orders.length}, first ${expected.orders[0]?.key})`,
      promise,
    });
  }
}

function requireFaults(context: ConformanceContext): ProviderFaults {
  if (!context.faults) {
    throw new ConformanceError({
      finding: 'setup gave no faults',
      promise: 'fault checks need ConformanceContext.faults',
    });
  }
  return context.faults;
}

function firstPageQuery(context: ConformanceContext) {
  return parseOrderQuery({ limit: listingLimit(context), sort: walkSortOf(context.provider) });
}
