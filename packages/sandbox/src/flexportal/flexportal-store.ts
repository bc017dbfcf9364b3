import { COUNTRIES } from '../generation/countries.js';
import { CURRENCIES, minorToDecimal } from '../money/currencies.js';
import { hashString } from '../random/seeded-random.js';
import { isoMillisOf, numberOf, recordOf } from '../table/lenient-values.js';
import {
  type KeysetPosition,
  OrderTable,
  type SelectQuery,
  type TableSource,
  type WireObject,
} from '../table/order-table.js';
import { applyPatch, createTableStore, type TableStore } from '../table/table-store.js';
import { formatIsoMillis, parseIsoMillis } from '../time/iso-time.js';
import {
  emptyFlexPortalCore,
  FlexPortalGenerator,
  flexPortalStatusOfRank,
  flexPortalStatusRank,
} from './flexportal-generator.js';
import {
  FLEXPORTAL_STATUSES,
  type FlexPortalOrder,
  type FlexPortalSortField,
  type FlexPortalStatus,
} from './flexportal-schema.js';

/** Fields to insert or patch: documented ones typed, anything else allowed (schema drift). */
export type FlexPortalOrderInput = Partial<FlexPortalOrder> | Record<string, unknown>;

/**
 * The ground truth behind the FlexPortal simulator, per tenant (`tenantId` defaults to the default
 * tenant). Reads return the wire objects the API serves; writes take effect on the next request.
 * Writes are lenient on purpose: nothing is validated, so tests can inject drift (an unknown
 * status, a missing field, an amount sent as a string).
 */
export interface FlexPortalStore {
  /** Tenant ids, the default tenant first. */
  tenants(): string[];
  /**
   * Number of orders of a tenant.
   * @throws Error when the tenant does not exist
   */
  count(tenantId?: string): number;
  /**
   * Every order of a tenant as a wire object, generated first then inserted (stable order; slow for
   * a million orders, meant for tests).
   * @throws Error when the tenant does not exist
   */
  list(tenantId?: string): FlexPortalOrder[];
  /**
   * One order by id, or undefined.
   * @throws Error when the tenant does not exist
   */
  get(orderId: string, tenantId?: string): FlexPortalOrder | undefined;
  /**
   * Inserts an order: a complete generated order (consistent with a given documented `status`)
   * with the given fields applied on top (a field set to undefined is removed). `createdAt`
   * defaults to now, `updatedAt` to `createdAt`. Returns the stored order.
   * @throws Error when the tenant does not exist or the order id is taken
   */
  insert(order?: FlexPortalOrderInput, tenantId?: string): FlexPortalOrder;
  /**
   * Shallow-merges a patch into an order (undefined removes a field). Undefined when absent.
   * @throws Error when the tenant does not exist or a new order id is taken
   */
  update(
    orderId: string,
    patch: FlexPortalOrderInput,
    tenantId?: string,
  ): FlexPortalOrder | undefined;
  /**
   * Deletes an order; false when it did not exist.
   * @throws Error when the tenant does not exist
   */
  delete(orderId: string, tenantId?: string): boolean;
}

/** Where the keyset walk resumes and in which direction (from a decoded cursor). */
export interface FlexPortalListQuery {
  /** `status` filter (one documented value). */
  readonly status?: FlexPortalStatus;
  /** `customerId` filter (matches `customer.customerId`). */
  readonly customerId?: string;
  /** `customField_<name>=<value>` filters (FP-OV), as [name, value] pairs sorted by name. */
  readonly customFields: readonly (readonly [string, string])[];
  /** Sort field. */
  readonly sortBy: FlexPortalSortField;
  /** Sort direction. */
  readonly sortDir: 'asc' | 'desc';
  /** Page size. */
  readonly limit: number;
  /** Resume strictly after this position (from `startAfter`). */
  readonly after?: KeysetPosition;
}

/** One page of a tenant's orders. */
export interface FlexPortalListResult {
  /** The orders on the page. */
  readonly orders: WireObject[];
  /** Whether more orders follow. */
  readonly hasMore: boolean;
  /** Keyset position of the last order on the page (what the next cursor encodes). */
  readonly last: KeysetPosition | undefined;
}

const SORT_KEY: Readonly<Record<FlexPortalSortField, string>> = {
  createdAt: 'createdAt',
  updatedAt: 'updatedAt',
  orderId: 'id',
  status: 'status',
  'totals.total': 'total',
};

const COLUMNS = ['id', 'createdAt', 'updatedAt', 'status', 'total', 'customer'] as const;

/** One FlexPortal tenant: credentials, generator and table. */
export class FlexPortalTenant {
  /** The tenant's orders. */
  readonly table: OrderTable;
  /** The tenant's generator. */
  readonly generator: FlexPortalGenerator;
  /** Reads and lenient writes of the tenant's orders. */
  readonly store: TableStore<FlexPortalOrder>;

  /**
   * @param tenantId the Tenant-ID header value this tenant answers to
   * @param apiKey the bearer key that owns this tenant
   * @param tenantIndex position (keys the data)
   * @param seed dataset seed
   * @param orderCount number of generated orders
   */
  constructor(
    readonly tenantId: string,
    readonly apiKey: string,
    tenantIndex: number,
    seed: number,
    orderCount: number,
  ) {
    const generator = new FlexPortalGenerator(seed, tenantIndex, tenantId, orderCount);
    this.generator = generator;
    const scratch = emptyFlexPortalCore();
    const exponents = COUNTRIES.map((country) => CURRENCIES[country.currency]?.exponent ?? 2);
    const source: TableSource = {
      columns: COLUMNS,
      baseCount: orderCount,
      fillBase: (slot, columns) => {
        const core = generator.core(slot, scratch);
        (columns.id as Float64Array)[slot] = generator.orderIdValue(slot);
        (columns.createdAt as Float64Array)[slot] = core.createdAtMs;
        (columns.updatedAt as Float64Array)[slot] = core.updatedAtMs;
        (columns.status as Float64Array)[slot] =
          flexPortalStatusRank(FLEXPORTAL_STATUSES[core.status]) ?? Number.NaN;
        (columns.total as Float64Array)[slot] = minorToDecimal(
          core.totalMinor,
          exponents[core.country] ?? 2,
        );
        (columns.customer as Float64Array)[slot] = core.customer;
      },
      fillFromObject: (slot, object, columns) => {
        const id = this.idOf(object);
        (columns.id as Float64Array)[slot] =
          id === undefined ? Number.NaN : generator.orderIdSurrogate(id);
        (columns.createdAt as Float64Array)[slot] = isoMillisOf(object.createdAt);
        (columns.updatedAt as Float64Array)[slot] = isoMillisOf(object.updatedAt);
        (columns.status as Float64Array)[slot] = flexPortalStatusRank(object.status) ?? Number.NaN;
        (columns.total as Float64Array)[slot] = numberOf(recordOf(object.totals)?.total);
        const customerId = recordOf(object.customer)?.customerId;
        (columns.customer as Float64Array)[slot] =
          typeof customerId === 'string'
            ? (generator.decodeCustomerId(customerId) ?? Number.NaN)
            : Number.NaN;
      },
      materializeBase: (slot) => generator.order(slot) as unknown as WireObject,
      idOf: (object) => this.idOf(object),
      generatedId: (slot) => generator.orderId(slot),
      decodeId: (id) => generator.decodeOrderId(id),
    };
    const table: OrderTable = new OrderTable(source, {
      id: { column: 'id', text: (slot) => table.idText(slot) },
      createdAt: { column: 'createdAt' },
      updatedAt: { column: 'updatedAt' },
      status: { column: 'status', text: (slot) => this.statusText(slot) },
      total: { column: 'total' },
    });
    this.table = table;
    this.store = createTableStore(table, (slot, fields) => this.buildInsert(slot, fields));
    // The default sort (createdAt desc) is ready before the first request.
    table.index('createdAt');
  }

  private idOf(object: WireObject): string | undefined {
    return typeof object.orderId === 'string' && object.orderId !== '' ? object.orderId : undefined;
  }

  private statusText(slot: number): string | null {
    const stored = this.table.override(slot);
    if (stored) return typeof stored.status === 'string' ? stored.status : null;
    return flexPortalStatusOfRank(this.table.columns.status?.[slot] ?? Number.NaN) ?? null;
  }

  /** The customFields map of a slot (stored or generated). */
  private customFieldsOf(slot: number): Record<string, unknown> | null | undefined {
    const stored = this.table.override(slot);
    if (stored) return recordOf(stored.customFields);
    return this.generator.customFields(slot);
  }

  /** One page under the documented list semantics (§1.4, §1.5). */
  list(query: FlexPortalListQuery): FlexPortalListResult {
    const table = this.table;
    const sortKey = SORT_KEY[query.sortBy];
    const selection = table.select(this.selection(sortKey, query));
    const orders: WireObject[] = [];
    let lastSlot = -1;
    let hasMore: boolean;
    if (query.sortDir === 'asc') {
      let position = query.after ? table.seekAfter(selection, sortKey, query.after) : 0;
      for (; position < selection.length && orders.length < query.limit; position++) {
        lastSlot = selection[position] as number;
        orders.push(table.materialize(lastSlot));
      }
      hasMore = position < selection.length;
    } else {
      let position = query.after
        ? table.seekBefore(selection, sortKey, query.after)
        : selection.length - 1;
      for (; position >= 0 && orders.length < query.limit; position--) {
        lastSlot = selection[position] as number;
        orders.push(table.materialize(lastSlot));
      }
      hasMore = position >= 0;
    }
    return {
      orders,
      hasMore,
      last: lastSlot >= 0 ? table.positionOf(lastSlot, sortKey) : undefined,
    };
  }

  private selection(sortKey: string, query: FlexPortalListQuery): SelectQuery {
    const checks: ((slot: number) => boolean)[] = [];
    const columns = this.table.columns;
    if (query.status !== undefined) {
      const rank = flexPortalStatusRank(query.status);
      checks.push((slot) => columns.status?.[slot] === rank);
    }
    let candidates: (() => Int32Array) | undefined;
    if (query.customerId !== undefined) {
      const wanted = query.customerId;
      const customer = this.generator.decodeCustomerId(wanted);
      checks.push((slot) => {
        const value = columns.customer?.[slot] ?? Number.NaN;
        if (!Number.isNaN(value)) return value === customer;
        return recordOf(this.table.override(slot)?.customer)?.customerId === wanted;
      });
      // One customer has a handful of orders: sort those instead of scanning a million rows.
      candidates = () =>
        customer === undefined ? new Int32Array(0) : this.table.group('customer', customer);
    }
    for (const [name, value] of query.customFields) {
      checks.push((slot) => {
        const field = this.customFieldsOf(slot)?.[name];
        return field !== undefined && field !== null && String(field) === value;
      });
    }
    if (checks.length === 0) return { sortKey, filterKey: '' };
    const filterKey = JSON.stringify([
      query.status ?? null,
      query.customerId ?? null,
      query.customFields,
    ]);
    return {
      sortKey,
      filterKey,
      predicate: (slot) => checks.every((check) => check(slot)),
      ...(candidates ? { candidates } : {}),
    };
  }

  /** A short hash of the filters, which a cursor records so it cannot be replayed elsewhere. */
  static filterFingerprint(
    tenantId: string,
    query: Omit<FlexPortalListQuery, 'limit' | 'after'>,
  ): string {
    const text = JSON.stringify([
      tenantId,
      query.status ?? null,
      query.customerId ?? null,
      query.customFields,
    ]);
    return hashString(text).toString(36);
  }

  /** Builds the object to insert into a fresh slot. */
  buildInsert(slot: number, given: Readonly<Record<string, unknown>>): WireObject {
    const createdAtMs =
      (typeof given.createdAt === 'string' ? parseIsoMillis(given.createdAt) : undefined) ??
      Date.now();
    const status =
      typeof given.status === 'string' && flexPortalStatusRank(given.status) !== undefined
        ? (given.status as FlexPortalStatus)
        : undefined;
    const generated = this.generator.order(slot, {
      createdAtMs,
      ...(status ? { status } : {}),
    }) as unknown as WireObject;
    generated.createdAt = formatIsoMillis(createdAtMs);
    generated.updatedAt = generated.createdAt;
    return applyPatch(generated, given);
  }
}

/** Creates the store facade over a set of tenants. */
export function createFlexPortalStore(
  tenants: ReadonlyMap<string, FlexPortalTenant>,
  defaultTenantId: string,
): FlexPortalStore {
  const tenantOf = (tenantId?: string): FlexPortalTenant => {
    const id = tenantId ?? defaultTenantId;
    const tenant = tenants.get(id);
    if (!tenant) {
      throw new Error(
        `Unknown FlexPortal tenant "${id}"; known tenants: ${[...tenants.keys()].join(', ')}`,
      );
    }
    return tenant;
  };
  return {
    tenants: () => [...tenants.keys()],
    count: (tenantId) => tenantOf(tenantId).store.count(),
    list: (tenantId) => tenantOf(tenantId).store.list(),
    get: (orderId, tenantId) => tenantOf(tenantId).store.get(orderId),
    insert: (order, tenantId) => tenantOf(tenantId).store.insert(order),
    update: (orderId, patch, tenantId) => tenantOf(tenantId).store.update(orderId, patch),
    delete: (orderId, tenantId) => tenantOf(tenantId).store.delete(orderId),
  };
}
