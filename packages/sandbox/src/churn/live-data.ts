import { exportTable, type OrderExport } from '../export/order-export.js';
import type { ProviderName } from '../faults/provider-faults.js';
import type { FlexFactorData } from '../flexfactor/flexfactor-store.js';
import type { FlexPortalTenant } from '../flexportal/flexportal-store.js';
import { hash32 } from '../random/seeded-random.js';
import { isoMillisOf } from '../table/lenient-values.js';
import type { OrderTable, WireObject } from '../table/order-table.js';
import { formatIsoMicros, formatIsoMillis, nowMicros, parseIsoMicros } from '../time/iso-time.js';
import {
  flexFactorEventOf,
  flexFactorWebhookPayload,
} from '../webhooks/flexfactor-webhook-events.js';
import type { FlexFactorWebhooks } from '../webhooks/flexfactor-webhooks.js';
import { ChangeClock } from './change-clock.js';
import {
  type ChurnOptions,
  type ChurnResult,
  churnRequestSchema,
  type OrderChange,
  type VanishResult,
} from './churn-request.js';
import { newFlexFactorStatus, nextFlexFactorRow } from './flexfactor-transitions.js';
import { nextFlexPortalOrder } from './flexportal-transitions.js';
import { runChurn } from './run-churn.js';

/** A FlexPortal tenant id that the sandbox does not have. */
export class UnknownTenantError extends Error {
  /**
   * @param tenantId the unknown id
   * @param known the tenants the sandbox has
   */
  constructor(tenantId: string, known: readonly string[]) {
    super(`Unknown FlexPortal tenant "${tenantId}"; known tenants: ${known.join(', ')}`);
    this.name = 'UnknownTenantError';
  }
}

/**
 * Live changes of the sandbox's data while it runs, for sync tests: churns (status moves, payment
 * and refund changes, new orders, deletions), bulk deletes, and exports of the ground truth. Every
 * churn is deterministic from its seed; a churn without a seed gets one derived from the dataset
 * seed and the number of churns before it, so a scripted run is reproducible too.
 */
export class LiveData {
  /** FlexPortal change times, in ms (one clock for every tenant). */
  private readonly flexPortalClock = new ChangeClock();
  /** FlexFactor creation times, in µs. */
  private readonly flexFactorClock = new ChangeClock();
  private churns = 0;

  /**
   * @param seed the dataset seed
   * @param tenants FlexPortal tenants by id, the default tenant first
   * @param flexfactor the FlexFactor dataset
   * @param webhooks the FlexFactor webhook sender, told of every FlexFactor order a churn changes
   */
  constructor(
    private readonly seed: number,
    private readonly tenants: ReadonlyMap<string, FlexPortalTenant>,
    private readonly flexfactor: FlexFactorData,
    private readonly webhooks?: FlexFactorWebhooks,
  ) {}

  /**
   * Changes existing orders, creates new ones and deletes some, and reports exactly what it did.
   * @throws TypeError when the options are invalid (the message names the field)
   * @throws UnknownTenantError when the FlexPortal tenant does not exist
   * @throws ChurnCapacityError when fewer orders can change than asked (nothing changed then)
   */
  churn(provider: ProviderName, options: ChurnOptions): ChurnResult {
    const parsed = churnRequestSchema.safeParse(options);
    if (!parsed.success) {
      throw new TypeError(
        `Invalid churn for ${provider}: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`).join('; ')}`,
      );
    }
    const request = parsed.data;
    if (provider === 'flexfactor' && request.tenantId !== undefined) {
      throw new TypeError('Invalid churn for flexfactor: tenantId: FlexFactor has no tenants');
    }
    const tenant = provider === 'flexportal' ? this.tenant(request.tenantId) : undefined;
    const table = tenant ? tenant.table : this.flexfactor.table;
    const tenantIndex = tenant ? [...this.tenants.values()].indexOf(tenant) : 0;
    this.churns++;
    const seed =
      request.seed ??
      hash32(this.seed, provider === 'flexportal' ? 1 : 2, tenantIndex, this.churns);
    // createdSince bounds the pool by the creation-time column (FlexPortal ms, FlexFactor µs).
    const sinceUs =
      request.createdSince === undefined ? undefined : parseIsoMicros(request.createdSince);
    const pool =
      sinceUs === undefined
        ? table.liveSlotArray()
        : table.liveSlotsFrom(
            tenant ? 'createdAt' : 'createdOn',
            tenant ? Math.ceil(sinceUs / 1000) : sinceUs,
          );
    const changeCount =
      request.count ??
      (request.fraction === undefined ? 0 : Math.round(request.fraction * pool.length));
    const scope =
      request.createdSince === undefined ? '' : ` (created since ${request.createdSince})`;
    const common = {
      table,
      pool,
      seed,
      changeCount,
      newOrders: request.newOrders ?? 0,
      vanish: request.vanish ?? 0,
    };
    if (tenant) {
      const atMs = this.flexPortalClock.next(
        Date.now(),
        Math.max(table.maxOf('updatedAt'), table.maxOf('createdAt')),
      );
      const outcome = runChurn({
        ...common,
        label: `FlexPortal tenant "${tenant.tenantId}"${scope}`,
        settled:
          'fulfilled and paid, cancelled and not pending, or not shaped like a generated order',
        change: (order, random) => {
          const next = nextFlexPortalOrder(order, random, atMs);
          if (next) this.flexPortalClock.observe(isoMillisOf(next.updatedAt));
          return next;
        },
        create: (slot) => tenant.buildInsert(slot, { createdAt: formatIsoMillis(atMs) }),
      });
      return {
        provider,
        tenantId: tenant.tenantId,
        seed,
        at: formatIsoMillis(atMs),
        ...outcome,
      };
    }
    const atUs = this.flexFactorClock.next(nowMicros(), table.maxOf('createdOn'));
    const createdOn = formatIsoMicros(atUs);
    const outcome = runChurn({
      ...common,
      label: `FlexFactor${scope}`,
      settled: 'Cancelled, Returned, fully refunded, or not shaped like a generated row',
      change: nextFlexFactorRow,
      create: (slot, random) =>
        this.flexfactor.buildInsert(slot, { createdOn, status: newFlexFactorStatus(random) }),
    });
    this.announceFlexFactor(outcome.changed, outcome.created, createdOn);
    return { provider, seed, at: createdOn, ...outcome };
  }

  /**
   * Sends the webhook FlexFactor documents for a direct write of one FlexFactor order (the store's
   * `insert` / `update`, the control endpoint's order routes), when the move has one.
   * @param before the row before the write (undefined for an insert)
   * @param after the row as written
   */
  announceFlexFactorWrite(before: WireObject | undefined, after: WireObject): void {
    if (!this.webhooks) return;
    const event = flexFactorEventOf(before, after);
    if (event === undefined) return;
    this.webhooks.send([
      {
        payload: flexFactorWebhookPayload(event, after, formatIsoMicros(nowMicros())),
        merchantId: String(after.merchantId ?? ''),
      },
    ]);
  }

  /**
   * Sends the webhook FlexFactor documents for each changed or created order whose move has one
   * (a refund, completion, cancellation, or an order awaiting capture), in churn order. The
   * payload is built from the row as it now is, so a receiver that re-fetches the order reads the
   * state the event announces.
   */
  private announceFlexFactor(
    changed: readonly OrderChange[],
    created: readonly string[],
    at: string,
  ): void {
    if (!this.webhooks) return;
    const table = this.flexfactor.table;
    const events = [];
    const moves = [
      ...changed.map((change) => ({ id: change.id, changes: change.changes })),
      ...created.map((id) => ({ id, changes: undefined })),
    ];
    for (const move of moves) {
      const slot = table.find(move.id);
      if (slot === undefined) continue;
      const after = table.materialize(slot);
      const before =
        move.changes === undefined
          ? undefined
          : {
              status: 'status' in move.changes ? move.changes.status?.from : after.status,
              refundsAmount:
                'refundsAmount' in move.changes
                  ? move.changes.refundsAmount?.from
                  : after.refundsAmount,
            };
      const event = flexFactorEventOf(before, after);
      if (event === undefined) continue;
      events.push({
        payload: flexFactorWebhookPayload(event, after, at),
        merchantId: String(after.merchantId ?? ''),
      });
    }
    this.webhooks.send(events);
  }

  /**
   * Deletes orders by id, all in one pass over the indexes.
   * @throws UnknownTenantError when the FlexPortal tenant does not exist
   */
  vanish(provider: ProviderName, ids: readonly string[], tenantId?: string): VanishResult {
    const table = this.table(provider, tenantId);
    const slots: number[] = [];
    const vanished: string[] = [];
    const missing: string[] = [];
    const seen = new Set<number>();
    for (const id of ids) {
      const slot = table.find(id);
      if (slot === undefined || seen.has(slot)) {
        if (slot === undefined) missing.push(id);
        continue;
      }
      seen.add(slot);
      slots.push(slot);
      vanished.push(id);
    }
    table.removeMany(slots);
    return { vanished, missing };
  }

  /**
   * Every order of a provider (FlexPortal: of one tenant) in its wire format, frozen now.
   * @throws UnknownTenantError when the FlexPortal tenant does not exist
   */
  exportOrders(provider: ProviderName, tenantId?: string): OrderExport {
    return exportTable(this.table(provider, tenantId));
  }

  private table(provider: ProviderName, tenantId?: string): OrderTable {
    if (provider === 'flexfactor') {
      if (tenantId !== undefined) throw new TypeError('FlexFactor has no tenants');
      return this.flexfactor.table;
    }
    return this.tenant(tenantId).table;
  }

  private tenant(tenantId: string | undefined): FlexPortalTenant {
    const tenant =
      tenantId === undefined ? this.tenants.values().next().value : this.tenants.get(tenantId);
    if (!tenant) throw new UnknownTenantError(tenantId ?? '(default)', [...this.tenants.keys()]);
    return tenant;
  }
}
