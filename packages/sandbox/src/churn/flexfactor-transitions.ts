import { flexFactorStatusName } from '../flexfactor/flexfactor-schema.js';
import { CURRENCIES, decimalToMinor, minorToDecimal } from '../money/currencies.js';
import type { SeededRandom } from '../random/seeded-random.js';
import { numberOf } from '../table/lenient-values.js';
import type { WireObject } from '../table/order-table.js';

// Status codes (FF-LIST's `orderStatuses`; docs/providers/flexfactor.md).
const DRAFT = 0;
const ONHOLD = 1;
const CANCELLED = 2;
const PROBLEM = 3;
const PROCESSING = 4;
const CAPTURE_REQUIRED = 5;
const RETURNED = 6;
const COMPLETED = 7;

/**
 * The next state of a FlexFactor order row, or undefined when it has nowhere to go (Cancelled,
 * Returned, charged back, fully refunded) or is not shaped like a generated row. Moves: Draft → Processing or
 * Cancelled; Onhold → Processing or Cancelled; Problem → Completed or Cancelled; Processing →
 * Completed or Problem; Capturerequired → Completed or Cancelled; Completed → Returned (refunded in
 * full) or a partial refund (still Completed). FlexFactor rows carry no change time, so `createdOn`
 * and `orderPlacedDate` never move: a change is visible only by re-reading the row. `statusName`
 * follows the status (lower case, as list rows show it); an order that stops awaiting capture or
 * review loses its `expiryDate`, as generated rows have none outside those states.
 * @param row the current wire row (not modified)
 * @param random the order's draws for this churn
 */
export function nextFlexFactorRow(row: WireObject, random: SeededRandom): WireObject | undefined {
  const status = row.status;
  const exponent = CURRENCIES[String(row.currencyCode)]?.exponent;
  if (typeof status !== 'number' || exponent === undefined) return undefined;
  const amountMinor = decimalToMinor(numberOf(row.amount), exponent);
  const refundsMinor = decimalToMinor(numberOf(row.refundsAmount), exponent);
  if (amountMinor === undefined || refundsMinor === undefined) return undefined;
  const next: WireObject = { ...row };
  const draw = random.next();
  switch (status) {
    case DRAFT:
      next.status = draw < 0.6 ? PROCESSING : CANCELLED;
      break;
    case ONHOLD:
      next.status = draw < 0.7 ? PROCESSING : CANCELLED;
      break;
    case PROBLEM:
      next.status = draw < 0.5 ? COMPLETED : CANCELLED;
      break;
    case PROCESSING:
      next.status = draw < 0.85 ? COMPLETED : PROBLEM;
      break;
    case CAPTURE_REQUIRED:
      next.status = draw < 0.85 ? COMPLETED : CANCELLED;
      break;
    case COMPLETED: {
      const left = amountMinor - refundsMinor;
      if (left <= 0) return undefined;
      // A partial refund leaves at least one minor unit unrefunded; too little left → a return.
      if (draw < 0.5 && left >= 2) {
        const refund = Math.max(1, Math.floor(left * (0.1 + random.next() * 0.4)));
        next.refundsAmount = minorToDecimal(refundsMinor + refund, exponent);
      } else {
        next.status = RETURNED;
        next.refundsAmount = minorToDecimal(amountMinor, exponent);
      }
      break;
    }
    default:
      return undefined;
  }
  const nextStatus = next.status as number;
  if (nextStatus !== status) {
    next.statusName = (flexFactorStatusName(nextStatus) ?? 'Unknown').toLowerCase();
    // The payout follows the payment, as generated rows show it: a newly paid order's payout is
    // pending, a refund reverses it.
    if ('payoutStatus' in next) {
      if (nextStatus === COMPLETED) next.payoutStatus = 'pending';
      else if (nextStatus === RETURNED) next.payoutStatus = 'reversed';
    }
    const awaiting =
      nextStatus === ONHOLD ||
      nextStatus === CAPTURE_REQUIRED ||
      (nextStatus === PROCESSING && row.expiryDate !== null && row.expiryDate !== undefined);
    if (!awaiting && 'expiryDate' in next) next.expiryDate = null;
  }
  return next;
}

/** Statuses a new order starts in: in flight, mostly (a new order is rarely settled already). */
const NEW_ORDER_STATUSES = [
  PROCESSING,
  PROCESSING,
  PROCESSING,
  CAPTURE_REQUIRED,
  CAPTURE_REQUIRED,
  CAPTURE_REQUIRED,
  COMPLETED,
  COMPLETED,
  COMPLETED,
  ONHOLD,
] as const;

/** The status of a newly created FlexFactor order. */
export function newFlexFactorStatus(random: SeededRandom): number {
  return random.pick(NEW_ORDER_STATUSES);
}
