import { NotFoundError, orderSchema } from '@orderbridge/core';
import { answered, assertTypedError, rejectionOf, walk } from './check-support.js';
import type { ConformanceContext } from './conformance-context.js';
import { ConformanceError } from './conformance-error.js';
import { firstOrderDisagreement } from './order-difference.js';

/**
 * `getOrder(id)` agrees with the listing — every value the listing sent is the same (`raw` ignored;
 * fields the listing left empty may be filled in; the raw status label compares case-insensitively)
 * — and is valid against the canonical schema, for a sample spread over the listing.
 * @throws ConformanceError naming the order and the first differing path.
 */
export async function checkGetOrderAgreesWithListing(
  context: ConformanceContext,
  sampleSize = 6,
): Promise<void> {
  const listed = (await walk(context)).orders;
  const picks = new Set<number>();
  for (let step = 0; step < sampleSize && listed.length > 0; step++) {
    picks.add(Math.round((step * (listed.length - 1)) / Math.max(1, sampleSize - 1)));
  }
  for (const index of picks) {
    const order = listed[index]!;
    const fetched = await answered(
      () => context.provider.getOrder(order.id),
      `getOrder(${JSON.stringify(order.id)}) of listed order ${order.key}`,
      'getOrder returns every order the listing returns',
    );
    const parsed = orderSchema.safeParse(fetched);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ConformanceError({
        finding: `getOrder(${JSON.stringify(order.id)}) returned an invalid order at ${issue?.path.join('.') || '(order)'}: ${issue?.message}`,
        promise: 'every order validates against the canonical orderSchema',
      });
    }
    const difference = firstOrderDisagreement(fetched, order);
    if (difference) {
      throw new ConformanceError({
        finding: `getOrder(${JSON.stringify(order.id)}) differs from the listed ${order.key} at ${difference.path}: fetched ${difference.left}, listed ${difference.right}`,
        promise: 'getOrder agrees with the listed order',
      });
    }
  }
}

/**
 * `getOrder` of an id the backend does not hold rejects with `NotFoundError` naming the provider.
 * @throws ConformanceError when it resolves or rejects otherwise.
 */
export async function checkMissingOrderNotFound(context: ConformanceContext): Promise<void> {
  const id = context.missingOrderId ?? missingOrderIdFor(context);
  if (context.orders.some((order) => order.id === id)) {
    throw new ConformanceError({
      finding: `missingOrderId ${JSON.stringify(id)} is an order of the ground truth`,
      promise: 'setup names an id the backend does not hold',
    });
  }
  const outcome = await rejectionOf(() => context.provider.getOrder(id));
  assertTypedError(
    outcome,
    NotFoundError,
    context,
    `getOrder(${JSON.stringify(id)}) of a missing id`,
    'a missing order rejects with NotFoundError',
  );
}

/** An id the backend does not hold: above every numeric id, else a made-up word. */
function missingOrderIdFor(context: ConformanceContext): string {
  const ids = context.orders.map((order) => order.id);
  if (ids.length > 0 && ids.every((id) => /^\d{1,30}$/.test(id))) {
    const highest = ids.reduce((max, id) => (BigInt(id) > max ? BigInt(id) : max), 0n);
    return String(highest + 1_000_000n);
  }
  return 'conformance-missing-order';
}
