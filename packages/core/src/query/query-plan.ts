import { InvalidQueryError } from '../errors/invalid-query-error.js';
import type { Order } from '../model/order.js';
import type { StatusDimension, StatusMap, StatusMapping } from '../model/status.js';
import { compareTimestamps } from '../model/timestamp.js';
import type { Warning } from '../model/warning.js';
import type { ProviderCapabilities } from '../provider/order-provider.js';
import { matchesQuery } from './order-match.js';
import {
  FILTER_FIELDS,
  type FilterField,
  type OrderQuery,
  type SortDirection,
  type SortField,
  sortOf,
} from './order-query.js';

const STATUS_DIMENSIONS: readonly StatusDimension[] = [
  'status',
  'paymentStatus',
  'fulfillmentStatus',
];

/** How a provider should answer one canonical query: what to send, what to finish locally. */
export interface QueryPlan {
  /** The validated query. */
  readonly query: OrderQuery;
  /** The sort, default applied. */
  readonly sort: { field: SortField; direction: SortDirection };
  /** Page size to request from the provider (the query's limit, clamped to the provider's maximum). */
  readonly pageSize: number;
  /**
   * Raw status codes to send as the provider's status filter, or undefined to send none. Worked out
   * from the status map so that every matching order is included.
   */
  readonly statusCodes: ReadonlyArray<string | number> | undefined;
  /** True when provably nothing matches (e.g. a status no raw value maps to): skip the request. */
  readonly isEmpty: boolean;
  /** Filters (other than statuses) to send to the provider. */
  readonly pushedFilters: ReadonlySet<FilterField>;
  /** Filters applied locally because the provider cannot. */
  readonly emulatedFilters: readonly FilterField[];
  /** The created-date bound at which a listing sorted by `createdAt` can stop early, if any. */
  readonly earlyStop: 'createdFrom' | 'createdTo' | undefined;
  /** One warning per emulated filter, for the page's `warnings`. */
  readonly warnings: readonly Warning[];
  /**
   * Applies the local part of the plan to one page of mapped orders (in sort order): drops orders
   * that do not match and says whether the sorted date bound was passed, so the listing can stop.
   * Every filter is re-checked locally, pushed or not; a pushed filter costs nothing and a provider
   * whose API matched loosely still returns exactly the right orders.
   */
  finishPage(orders: readonly Order[]): { orders: Order[]; reachedBound: boolean };
}

/** What `planQuery` needs to know about the provider. */
export interface PlanContext {
  provider: string;
  capabilities: ProviderCapabilities;
  statusMap: StatusMap;
}

/**
 * Splits a canonical query into what the provider's API does and what core finishes locally.
 * @throws InvalidQueryError when the query cannot be answered correctly (a sort the provider lacks).
 */
export function planQuery(query: OrderQuery, context: PlanContext): QueryPlan {
  const { capabilities, provider } = context;
  const sort = sortOf(query);
  if (!capabilities.sorts.includes(sort.field)) {
    throw new InvalidQueryError({
      provider,
      issues: [
        {
          field: 'sort.field',
          message: `provider "${provider}" cannot sort by "${sort.field}"; it sorts by ${capabilities.sorts.join(', ')}`,
        },
      ],
    });
  }
  const warnings: Warning[] = [];
  const filtered = FILTER_FIELDS.some((field) => query[field] !== undefined);
  const emulated: FilterField[] = [];
  const pushed = new Set<FilterField>();
  const neverMatching = (capabilities.neverMatchingFilters ?? []).filter(
    (field) => query[field] !== undefined,
  );
  const emulate = (field: FilterField, reason: string) => {
    emulated.push(field);
    warnings.push({
      code: 'filter-emulated',
      provider,
      field,
      message: `${provider} cannot filter by ${field}${reason ? ` (${reason})` : ''}; OrderBridge filters locally`,
    });
  };

  const requestedLimit = query.limit ?? capabilities.defaultPageSize;
  const pageSize = Math.min(requestedLimit, capabilities.maxPageSize);
  if (requestedLimit > capabilities.maxPageSize) {
    warnings.push({
      code: 'limit-clamped',
      provider,
      field: 'limit',
      message: `${provider} serves at most ${capabilities.maxPageSize} orders per page; limit ${requestedLimit} was reduced`,
    });
  }

  const statusPlan = planStatuses(query, context);
  for (const dimension of statusPlan.emulated)
    emulate(dimension, statusPlan.reasons.get(dimension) ?? '');

  for (const field of FILTER_FIELDS) {
    if (
      STATUS_DIMENSIONS.includes(field as StatusDimension) ||
      query[field] === undefined ||
      neverMatching.includes(field)
    )
      continue;
    if (capabilities.filters.includes(field)) {
      pushed.add(field);
      continue;
    }
    emulate(field, '');
  }

  let earlyStop: 'createdFrom' | 'createdTo' | undefined;
  if (sort.field === 'createdAt') {
    const bound = sort.direction === 'desc' ? 'createdFrom' : 'createdTo';
    if (query[bound] !== undefined && !pushed.has(bound)) {
      earlyStop = bound;
      const warning = warnings.find((candidate) => candidate.field === bound);
      if (warning) {
        warning.code = 'early-stop';
        warning.message = `${provider} cannot filter by ${bound}; the listing is sorted by createdAt, so OrderBridge stops at the bound`;
      }
    }
  }

  for (const field of neverMatching) {
    warnings.push({
      code: 'filter-never-matches',
      provider,
      field,
      message: `${provider} orders carry no ${field}; the ${field} filter matches none of them, so ${provider} was not asked`,
    });
  }

  const bound = earlyStop ? query[earlyStop] : undefined;
  return {
    query,
    sort,
    pageSize,
    statusCodes: statusPlan.codes,
    isEmpty: statusPlan.isEmpty || neverMatching.length > 0,
    pushedFilters: pushed,
    emulatedFilters: emulated,
    earlyStop,
    warnings,
    finishPage(orders) {
      // Most listings filter on nothing: their orders are kept without checking each one.
      const kept = filtered ? orders.filter((order) => matchesQuery(order, query)) : orders.slice();
      let reachedBound = false;
      if (earlyStop && bound !== undefined) {
        const last = orders.at(-1);
        if (last) {
          const comparison = compareTimestamps(last.createdAt, bound);
          reachedBound = earlyStop === 'createdFrom' ? comparison < 0 : comparison > 0;
        }
      }
      return { orders: kept, reachedBound };
    },
  };
}

interface StatusPlan {
  codes: ReadonlyArray<string | number> | undefined;
  isEmpty: boolean;
  emulated: StatusDimension[];
  reasons: Map<StatusDimension, string>;
}

/**
 * Works out which raw status values satisfy the query's status filters. A dimension can be pushed
 * down only when the raw status decides it for every documented value (FlexPortal's payment status
 * comes from another field) and the filter does not ask for `unknown` (undocumented raw values
 * cannot be enumerated).
 */
function planStatuses(query: OrderQuery, context: PlanContext): StatusPlan {
  const { capabilities, statusMap } = context;
  const requested = STATUS_DIMENSIONS.filter((dimension) => query[dimension] !== undefined);
  const reasons = new Map<StatusDimension, string>();
  if (requested.length === 0) return { codes: undefined, isEmpty: false, emulated: [], reasons };
  const canFilter =
    capabilities.filters.includes('status') && capabilities.statusFilterValues !== 'none';
  if (!canFilter) return { codes: undefined, isEmpty: false, emulated: requested, reasons };

  const labelEntries = statusMap.labelEntries ?? [];
  const decided: StatusDimension[] = [];
  const emulated: StatusDimension[] = [];
  for (const dimension of requested) {
    const values = query[dimension] as readonly string[];
    // A status documented by name only has no code to send: a filter it could satisfy must see
    // every raw value (FlexFactor's "Chargeback").
    const nameOnly = labelEntries.find((entry) =>
      valuesOf(entry, dimension).some((value) => values.includes(value)),
    );
    if (values.includes('unknown')) {
      reasons.set(dimension, 'a filter on "unknown" must see every raw value');
      emulated.push(dimension);
    } else if (nameOnly) {
      reasons.set(
        dimension,
        `its status "${nameOnly.label}" is documented without a raw value to filter by`,
      );
      emulated.push(dimension);
    } else if (statusMap.entries.every((entry) => entry[dimension] !== undefined)) {
      decided.push(dimension);
    } else {
      reasons.set(dimension, 'its raw status does not decide this dimension');
      emulated.push(dimension);
    }
  }
  if (decided.length === 0) return { codes: undefined, isEmpty: false, emulated, reasons };

  const candidates = statusMap.entries.filter((entry) =>
    decided.every((dimension) =>
      valuesOf(entry, dimension).some((value) =>
        (query[dimension] as readonly string[]).includes(value),
      ),
    ),
  );
  if (candidates.length === 0) return { codes: [], isEmpty: true, emulated, reasons };
  if (candidates.length === statusMap.entries.length)
    return { codes: undefined, isEmpty: false, emulated, reasons };
  if (candidates.length > 1 && capabilities.statusFilterValues === 'one') {
    const values = candidates.map((entry) => JSON.stringify(entry.code)).join(', ');
    for (const dimension of decided) {
      reasons.set(dimension, `it matches the raw values ${values} and the API filters by one`);
    }
    return { codes: undefined, isEmpty: false, emulated: [...emulated, ...decided], reasons };
  }
  return { codes: candidates.map((entry) => entry.code), isEmpty: false, emulated, reasons };
}

/**
 * The canonical values an order with this raw status can have in one dimension: the mapped value,
 * plus the payment statuses another field can turn it into (`otherPaymentStatuses`).
 */
function valuesOf(entry: StatusMapping, dimension: StatusDimension): string[] {
  const value = entry[dimension];
  const values: string[] = value === null || value === undefined ? [] : [value];
  if (dimension === 'paymentStatus') values.push(...(entry.otherPaymentStatuses ?? []));
  return values;
}
