import { z } from 'zod';
import type { ProviderName } from '../faults/provider-faults.js';
import { parseIsoMicros } from '../time/iso-time.js';

/** Largest number of orders one churn may change, create or vanish (the sandbox's order limit). */
const MAX_CHURN_ORDERS = 5_000_000;

/**
 * What a churn should do (`POST /_sandbox/{provider}/churn`, `sandbox.{provider}.churn()`). Give
 * `fraction` or `count` for existing orders to change, `newOrders` for orders to create and
 * `vanish` for orders to delete; at least one of them.
 */
export const churnRequestSchema = z
  .strictObject({
    fraction: z.number().min(0).max(1).optional(),
    count: z.int().min(0).max(MAX_CHURN_ORDERS).optional(),
    newOrders: z.int().min(0).max(MAX_CHURN_ORDERS).optional(),
    vanish: z.int().min(0).max(MAX_CHURN_ORDERS).optional(),
    seed: z.int().optional(),
    tenantId: z.string().min(1).optional(),
    createdSince: z
      .string()
      .refine((text) => parseIsoMicros(text) !== undefined, 'must be an ISO 8601 date or time')
      .optional(),
  })
  .refine((request) => request.fraction === undefined || request.count === undefined, {
    message: 'give either fraction or count, not both',
    path: ['count'],
  })
  .refine(
    (request) =>
      request.fraction !== undefined ||
      request.count !== undefined ||
      request.newOrders !== undefined ||
      request.vanish !== undefined,
    { message: 'give at least one of fraction, count, newOrders or vanish', path: [] },
  );

/** Options of a churn (see {@link churnRequestSchema}). */
export interface ChurnOptions {
  /** Share (0..1) of the existing orders to change, rounded to a whole number of orders. */
  fraction?: number;
  /** Number of existing orders to change (instead of `fraction`). */
  count?: number;
  /** Number of new orders to create, with `createdAt`/`createdOn` = the churn's time. */
  newOrders?: number;
  /** Number of existing orders to delete (never among the changed ones). */
  vanish?: number;
  /**
   * Picks the orders and their transitions: the same seed on the same data gives the same
   * changes. Default: derived from the dataset seed and the number of earlier churns.
   */
  seed?: number;
  /** FlexPortal tenant; default the default tenant. FlexFactor has no tenants. */
  tenantId?: string;
  /**
   * Change and vanish only orders created at or after this ISO 8601 time (`createdAt` /
   * `createdOn`); `fraction` is then a share of those. Recent orders are the ones whose status
   * still moves, and the ones a FlexFactor lookback sync re-reads.
   */
  createdSince?: string;
}

/** One field that changed: its value before and after. A key is absent when the field was. */
export interface FieldChange {
  /** The value before (absent when the field did not exist). */
  from?: unknown;
  /** The value after (absent when the field was removed). */
  to?: unknown;
}

/** One order a churn changed. */
export interface OrderChange {
  /** The order id. */
  id: string;
  /**
   * Every leaf field that changed, keyed by its dotted path in the wire object (`status`,
   * `payment.status`, `rentalProgress.rentedDevices`, `items.0.rentalIds`, `updatedAt`, ...).
   */
  changes: Record<string, FieldChange>;
}

/** What a churn did, exactly. */
export interface ChurnResult {
  /** The provider churned. */
  provider: ProviderName;
  /** The FlexPortal tenant churned (absent for FlexFactor). */
  tenantId?: string;
  /** The seed used (the given one, or the derived default). */
  seed: number;
  /**
   * The sandbox time of the churn, ISO 8601 UTC: milliseconds for FlexPortal, microseconds for
   * FlexFactor. New orders carry it as `createdAt` / `createdOn`; changed FlexPortal orders carry
   * it as `updatedAt` (or 1 ms after their previous `updatedAt` when that was later).
   */
  at: string;
  /** The orders changed, in the order they were picked. */
  changed: OrderChange[];
  /** Ids of the orders created. */
  created: string[];
  /** Ids of the orders deleted. */
  vanished: string[];
}

/** `POST /_sandbox/{provider}/vanish`: delete these orders. */
export const vanishRequestSchema = z.strictObject({
  ids: z.array(z.string().min(1)).min(1).max(MAX_CHURN_ORDERS),
  tenantId: z.string().min(1).optional(),
});

/** What a vanish did: the ids deleted, and the ids that were not there. */
export interface VanishResult {
  /** Ids deleted, in request order. */
  vanished: string[];
  /** Ids that did not exist (nothing was deleted for them). */
  missing: string[];
}

/** A churn asked for more orders than can change (or exist); nothing was changed. */
export class ChurnCapacityError extends Error {
  /**
   * @param message what was asked and how many orders could take it
   */
  constructor(message: string) {
    super(message);
    this.name = 'ChurnCapacityError';
  }
}
