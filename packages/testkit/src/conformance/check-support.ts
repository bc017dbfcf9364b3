import {
  type OrderBridgeError,
  type OrderQueryInput,
  parseOrderQuery,
  type Warning,
} from '@orderbridge/core';
import type { ConformanceContext } from './conformance-context.js';
import { ConformanceError } from './conformance-error.js';
import { describeError } from './describe.js';
import { type ListingWalk, walkListing, walkSortOf } from './listing-walk.js';

/**
 * The page size checks walk with: the provider's default, but small enough that the dataset
 * spans at least three pages (so promises across pages are exercised).
 */
export function listingLimit(context: ConformanceContext): number {
  const { defaultPageSize, maxPageSize } = context.provider.capabilities;
  return Math.max(1, Math.min(defaultPageSize, maxPageSize, Math.ceil(context.orders.length / 3)));
}

/** Walks a query (sorted by the walk sort unless it names one) over the whole listing. */
export function walk(
  context: ConformanceContext,
  input: OrderQueryInput = {},
  options: { includeRaw?: boolean } = {},
): Promise<ListingWalk> {
  const query = parseOrderQuery({
    limit: listingLimit(context),
    ...input,
    sort: input.sort ?? walkSortOf(context.provider),
  });
  return walkListing(context.provider, query, {
    datasetSize: context.orders.length,
    includeRaw: options.includeRaw,
  });
}

/**
 * Runs a provider call that must succeed.
 * @throws ConformanceError naming the situation and the error when it fails.
 */
export async function answered<T>(
  call: () => Promise<T>,
  situation: string,
  promise: string,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new ConformanceError({
      finding: `${situation} failed: ${describeError(error)}`,
      promise,
      cause: error,
    });
  }
}

/** Runs a call that must fail and returns what it threw, or `undefined` when it resolved. */
export async function rejectionOf(
  call: () => Promise<unknown>,
): Promise<{ error: unknown } | undefined> {
  try {
    await call();
    return undefined;
  } catch (error) {
    return { error };
  }
}

/**
 * Asserts that an error does not carry the provider's secret anywhere: message, stack, JSON form
 * or cause chain.
 * @throws ConformanceError when it does.
 */
export function assertNoSecret(error: unknown, context: ConformanceContext, situation: string) {
  const secret = context.secret;
  if (!secret) return;
  const texts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    if (current instanceof Error) {
      texts.push(current.message, current.stack ?? '');
    }
    texts.push(safeJson(current), String(current));
    current = (current as { cause?: unknown }).cause;
  }
  if (texts.some((text) => text.includes(secret))) {
    throw new ConformanceError({
      finding: `the error for ${situation} contains the provider's secret (${describeError(error).replaceAll(secret, '<secret>')})`,
      promise: 'secrets never appear in errors (message, JSON form or cause)',
    });
  }
}

/**
 * Asserts that a call rejected with an OrderBridge error of the expected class (by its static
 * `isInstance`) that names the provider and carries no secret.
 * @throws ConformanceError otherwise.
 */
export function assertTypedError<T extends OrderBridgeError>(
  outcome: { error: unknown } | undefined,
  expected: { isInstance(error: unknown): error is T; name: string },
  context: ConformanceContext,
  situation: string,
  promise: string,
  providerId: string = context.provider.id,
): T {
  if (!outcome) {
    throw new ConformanceError({
      finding: `${situation} resolved instead of rejecting`,
      promise,
    });
  }
  const { error } = outcome;
  if (!expected.isInstance(error)) {
    throw new ConformanceError({
      finding: `${situation} rejected with ${describeError(error)}; expected ${expected.name}`,
      promise,
      cause: error,
    });
  }
  if (error.provider !== providerId) {
    throw new ConformanceError({
      finding: `${situation} rejected with ${expected.name} whose provider is ${JSON.stringify(error.provider)}; expected ${JSON.stringify(providerId)}`,
      promise: 'errors name the provider they come from (error.provider is the provider id)',
      cause: error,
    });
  }
  assertNoSecret(error, context, situation);
  return error;
}

/** True when warnings report local work on `field` (`filter-emulated` or `early-stop`). */
export function hasLocalWorkWarning(warnings: readonly Warning[], field: string): boolean {
  return warnings.some(
    (warning) =>
      (warning.code === 'filter-emulated' ||
        warning.code === 'early-stop' ||
        // A field the provider's orders never carry: answered empty without a request.
        warning.code === 'filter-never-matches') &&
      warning.field === field,
  );
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}
