import { IndexPermutation } from '../random/index-permutation.js';
import { hash32, SeededRandom } from '../random/seeded-random.js';
import type { OrderTable, WireObject } from '../table/order-table.js';
import { ChurnCapacityError, type OrderChange } from './churn-request.js';
import { fieldChanges } from './field-changes.js';

// Random streams of a churn: one per purpose, so the draws of one never shift another's.
const STREAM_PICK = 0x70696b;
const STREAM_CHANGE = 0x636867;
const STREAM_CREATE = 0x6e6577;

/** One churn over one table, with the provider's rules plugged in. */
export interface ChurnPlan {
  /** The provider's orders. */
  readonly table: OrderTable;
  /** The live slots the churn may change or vanish (all of them, or the recent ones). */
  readonly pool: Int32Array;
  /** Picks the orders and every draw of their transitions. */
  readonly seed: number;
  /** Existing orders to change. */
  readonly changeCount: number;
  /** Orders to create. */
  readonly newOrders: number;
  /** Existing orders to delete (never changed ones). */
  readonly vanish: number;
  /** Names the data in error messages (`FlexPortal tenant "bu_sandbox_a"`). */
  readonly label: string;
  /** Which orders cannot change, for the error message (`fulfilled and paid, ...`). */
  readonly settled: string;
  /** The next state of an order, or undefined when it cannot change. */
  change(order: WireObject, random: SeededRandom): WireObject | undefined;
  /** The object to store in fresh slot `slot` (a new order). */
  create(slot: number, random: SeededRandom): WireObject;
}

/** What {@link runChurn} did. */
export interface ChurnOutcome {
  /** Orders changed, with the fields that changed. */
  readonly changed: OrderChange[];
  /** Ids created. */
  readonly created: string[];
  /** Ids deleted. */
  readonly vanished: string[];
}

/**
 * Runs a churn: walks the live orders in an order keyed by the seed (a keyed permutation, so no
 * order is visited twice and the same seed on the same data visits the same orders), changes the
 * first `changeCount` that can change, deletes the next `vanish`, then creates `newOrders`. Every
 * write goes through the table's bulk operations, so the sorted indexes are maintained in one pass
 * each. All or nothing: when not enough orders can change, nothing is written.
 * @throws ChurnCapacityError when fewer orders can change (or exist) than asked
 */
export function runChurn(plan: ChurnPlan): ChurnOutcome {
  const { table } = plan;
  const live = plan.pool;
  if (plan.changeCount + plan.vanish > live.length) {
    throw new ChurnCapacityError(
      `${plan.label} has ${live.length} orders; cannot change ${plan.changeCount} and vanish ${plan.vanish} of them`,
    );
  }
  const permutation =
    live.length > 0 ? new IndexPermutation(hash32(plan.seed, STREAM_PICK), live.length) : undefined;
  const random = new SeededRandom();
  const updates: { slot: number; object: WireObject }[] = [];
  const changed: OrderChange[] = [];
  const passedOver: number[] = [];
  let step = 0;
  for (; step < live.length && updates.length < plan.changeCount; step++) {
    const slot = live[permutation?.forward(step) ?? 0] as number;
    const before = table.materialize(slot);
    const after = plan.change(before, random.reset(plan.seed, STREAM_CHANGE, slot));
    if (after === undefined) {
      passedOver.push(slot);
      continue;
    }
    updates.push({ slot, object: after });
    changed.push({ id: table.idText(slot), changes: fieldChanges(before, after) });
  }
  if (updates.length < plan.changeCount) {
    throw new ChurnCapacityError(
      `${plan.label}: only ${updates.length} of its ${live.length} orders can still change (the others are settled: ${plan.settled}); asked to change ${plan.changeCount}`,
    );
  }
  // Orders to vanish: those passed over first, then the walk goes on.
  const vanishing = passedOver.slice(0, plan.vanish);
  for (; step < live.length && vanishing.length < plan.vanish; step++) {
    vanishing.push(live[permutation?.forward(step) ?? 0] as number);
  }
  const vanished = vanishing.map((slot) => table.idText(slot));

  table.replaceMany(updates);
  table.removeMany(vanishing);
  let created = 0;
  const inserted = table.insertMany(plan.newOrders, (slot) =>
    plan.create(slot, random.reset(plan.seed, STREAM_CREATE, created++)),
  );
  return {
    changed,
    created: inserted.map(({ slot }) => table.idText(slot)),
    vanished,
  };
}
