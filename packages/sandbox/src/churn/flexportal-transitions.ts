import type { SeededRandom } from '../random/seeded-random.js';
import { isoMillisOf, numberOf, recordOf } from '../table/lenient-values.js';
import type { WireObject } from '../table/order-table.js';
import { formatIsoMillis } from '../time/iso-time.js';

const ALPHANUMERIC = '0123456789abcdefghijklmnopqrstuvwxyz';
const TRACKING_ALPHABET = '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ';
const TRANSACTION_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/**
 * The next state of a FlexPortal order under the lifecycle FP-OV describes (pending → confirmed →
 * partial → fulfilled, or cancelled), or a payment settling; undefined when the order has nowhere
 * to go (fulfilled and paid, cancelled and failed) or is not shaped like a generated order (drift
 * injected by a test is left alone). The new state keeps the generator's invariants: rented devices
 * and rental ids follow the status (partial: some, fulfilled: all), a shipped order has a tracking
 * number, a paid payment has the total as `paidAmount`. `updatedAt` becomes `changedAtMs`, or 1 ms
 * after the previous `updatedAt` when that is not earlier, so it always moves forward.
 * @param order the current wire order (not modified: changed parts are copied)
 * @param random the order's draws for this churn
 * @param changedAtMs the churn's time, epoch ms
 */
export function nextFlexPortalOrder(
  order: WireObject,
  random: SeededRandom,
  changedAtMs: number,
): WireObject | undefined {
  const shape = rentalShape(order);
  if (!shape) return undefined;
  const payment = recordOf(order.payment);
  const paymentStatus = payment?.status;
  // Copy on write: a shallow copy here, and fresh objects for every nested part that changes
  // (rent, settlePayment), so the stored order is never touched and no deep clone is needed.
  const next: WireObject = { ...order };
  let rented = shape.rented;
  switch (order.status) {
    case 'pending':
      next.status = random.chance(0.75) ? 'confirmed' : 'cancelled';
      break;
    case 'confirmed': {
      const draw = random.next();
      if (draw < 0.1) next.status = 'cancelled';
      else if (shape.devices >= 2 && draw < 0.55) {
        next.status = 'partial';
        rented = 1 + Math.floor(random.next() * (shape.devices - 1));
      } else {
        next.status = 'fulfilled';
        rented = shape.devices;
      }
      break;
    }
    case 'partial':
      next.status = 'fulfilled';
      rented = shape.devices;
      break;
    case 'fulfilled':
      if (paymentStatus !== 'pending' && paymentStatus !== 'failed') return undefined;
      break;
    case 'cancelled':
      if (paymentStatus !== 'pending') return undefined;
      break;
    default:
      return undefined;
  }
  if (rented !== shape.rented) rent(next, shape, rented, random, changedAtMs);
  if (payment) settlePayment(next, payment, order.status, next.status, random);
  const previous = isoMillisOf(order.updatedAt);
  next.updatedAt = formatIsoMillis(
    Number.isNaN(previous) ? changedAtMs : Math.max(changedAtMs, previous + 1),
  );
  return next;
}

interface RentalShape {
  /** Devices ordered (Σ quantity). */
  readonly devices: number;
  /** Devices rented so far. */
  readonly rented: number;
}

/** The rental counts of an order, when its items and progress agree as generated ones do. */
function rentalShape(order: WireObject): RentalShape | undefined {
  const progress = recordOf(order.rentalProgress);
  const items = order.items;
  if (!progress || !Array.isArray(items) || items.length === 0) return undefined;
  let devices = 0;
  for (const item of items) {
    const quantity = numberOf(recordOf(item)?.quantity);
    if (!Number.isInteger(quantity) || quantity < 1) return undefined;
    if (!Array.isArray(recordOf(item)?.rentalIds)) return undefined;
    devices += quantity;
  }
  const rented = numberOf(progress.rentedDevices);
  if (numberOf(progress.totalDevices) !== devices || !Number.isInteger(rented)) return undefined;
  if (rented < 0 || rented > devices) return undefined;
  return { devices, rented };
}

/**
 * Rents devices up to `rented` (only ever more): lines fill in order, as the generator fills them,
 * each new device gets a `sub_` rental id, and the first shipment gets a tracking number.
 */
function rent(
  order: WireObject,
  shape: RentalShape,
  rented: number,
  random: SeededRandom,
  changedAtMs: number,
): void {
  let remaining = rented;
  const allRentalIds: string[] = [];
  const items = (order.items as Record<string, unknown>[]).map((item) => ({ ...item }));
  order.items = items;
  for (const item of items) {
    const quantity = item.quantity as number;
    const rentedHere = Math.min(quantity, remaining);
    remaining -= rentedHere;
    const rentalIds = [...(item.rentalIds as unknown[])].filter(
      (id): id is string => typeof id === 'string',
    );
    while (rentalIds.length < rentedHere) rentalIds.push(`sub_${random.chars(ALPHANUMERIC, 12)}`);
    item.rentalIds = rentalIds;
    item.rentalStatus =
      rentedHere === 0 ? 'pending' : rentedHere < quantity ? 'partial' : 'completed';
    allRentalIds.push(...rentalIds);
  }
  order.rentalIds = allRentalIds;
  order.rentalProgress = { ...recordOf(order.rentalProgress), rentedDevices: rented };
  if (shape.rented === 0 && rented > 0 && typeof order.trackingNumber !== 'string') {
    order.trackingNumber = `1Z${random.chars(TRACKING_ALPHABET, 16)}`;
    order.shippedAt = formatIsoMillis(changedAtMs);
  }
}

/**
 * Moves the payment along with the order: confirmed and delivered orders get paid (most of the
 * time), cancelled ones see a pending payment fail; a failed payment of a fulfilled order is retried
 * and paid. `transactionId`, `paidAmount` and `manuallyMarked` follow the status as generated.
 */
function settlePayment(
  order: WireObject,
  payment: Record<string, unknown>,
  fromStatus: unknown,
  toStatus: unknown,
  random: SeededRandom,
): void {
  const current = payment.status;
  let target = current;
  if (toStatus === 'cancelled') {
    if (current === 'pending' && (fromStatus === 'cancelled' || random.chance(0.5))) {
      target = 'failed';
    }
  } else if (toStatus === 'fulfilled' && fromStatus === 'fulfilled') {
    target = 'paid';
  } else if (current === 'pending') {
    const chance = toStatus === 'confirmed' ? 0.35 : toStatus === 'partial' ? 0.6 : 0.75;
    if (random.chance(chance)) target = 'paid';
  }
  if (target === current) return;
  const next: Record<string, unknown> = { ...payment, status: target };
  if (payment.method === 'stripe' && typeof next.transactionId !== 'string') {
    next.transactionId = `pi_${random.chars(TRANSACTION_ALPHABET, 24)}`;
  }
  if (target === 'paid') next.paidAmount = recordOf(order.totals)?.total;
  next.manuallyMarked = payment.method === 'manual' && target === 'paid';
  order.payment = next;
}
