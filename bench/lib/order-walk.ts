/** What a timed walk over a listing saw. */
export interface WalkResult {
  /** Wall milliseconds from the first request to the last order. */
  wallMs: number;
  /** Orders received. */
  orders: number;
  /** Distinct order keys among them. */
  uniqueOrders: number;
}

/**
 * Consumes an order stream and times it, counting orders and distinct keys (every order exactly
 * once means `orders === uniqueOrders === expected`).
 */
export async function walkOrders(
  stream: () => AsyncIterable<{ key: string }>,
): Promise<WalkResult> {
  const keys = new Set<string>();
  let orders = 0;
  const started = performance.now();
  for await (const order of stream()) {
    orders += 1;
    keys.add(order.key);
  }
  return { wallMs: performance.now() - started, orders, uniqueOrders: keys.size };
}

/** Human-readable "n orders, all distinct" or what went wrong. */
export function describeDelivery(walk: WalkResult, expected: number): string {
  if (walk.orders === expected && walk.uniqueOrders === expected) {
    return `${expected.toLocaleString('en')} orders, each exactly once`;
  }
  return `${walk.orders.toLocaleString('en')} orders received (${walk.uniqueOrders.toLocaleString('en')} distinct) of ${expected.toLocaleString('en')}`;
}

/** True when every expected order arrived exactly once. */
export function isExactlyOnce(walk: WalkResult, expected: number): boolean {
  return walk.orders === expected && walk.uniqueOrders === expected;
}

/** `describeDelivery` for several runs, said once when every run saw the same. */
export function describeRuns(walks: readonly WalkResult[], expected: number): string {
  const descriptions = walks.map((walk) => describeDelivery(walk, expected));
  const distinct = [...new Set(descriptions)];
  if (distinct.length === 1) {
    return walks.length === 1 ? distinct[0]! : `${walks.length} runs, each: ${distinct[0]!}`;
  }
  return descriptions.map((text, index) => `run ${index + 1}: ${text}`).join('; ');
}
