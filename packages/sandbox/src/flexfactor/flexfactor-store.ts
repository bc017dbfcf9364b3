import { CURRENCIES } from '../money/currencies.js';
import { isoMicrosOf, numberOf } from '../table/lenient-values.js';
import {
  OrderTable,
  type SelectQuery,
  type TableSource,
  type WireObject,
} from '../table/order-table.js';
import { applyPatch, createTableStore } from '../table/table-store.js';
import { nowMicros, parseIsoMicros } from '../time/iso-time.js';
import {
  emptyFlexFactorCore,
  type FlexFactorGenerator,
  payerNameOfRank,
  payerNameRank,
} from './flexfactor-generator.js';
import {
  FLEXFACTOR_CHARGEBACK_CODE,
  type FlexFactorOrderDetail,
  type FlexFactorRow,
} from './flexfactor-schema.js';
import { FLEXFACTOR_SEED_ROWS } from './flexfactor-seed-rows.js';

/** Fields to insert or patch: documented ones typed, anything else allowed (schema drift). */
export type FlexFactorOrderInput = Partial<FlexFactorRow> | Record<string, unknown>;

/**
 * The ground truth behind the FlexFactor simulator. Reads return the wire rows the list serves;
 * writes take effect on the next request and are not validated (tests inject drift on purpose).
 */
export interface FlexFactorStore {
  /** Number of orders. */
  count(): number;
  /** Every order as its list row, seed rows and generated first, then inserted (slow for 1M). */
  list(): FlexFactorRow[];
  /** One order's list row by id, or undefined. */
  get(id: string): FlexFactorRow | undefined;
  /** One order as `GET /v1/orders/{id}` returns it, or undefined. */
  detail(id: string): FlexFactorOrderDetail | undefined;
  /**
   * Inserts an order: a complete generated row (consistent with a given status code 0..8) with the
   * given fields applied verbatim (undefined removes a field). `createdOn` defaults to now.
   * @throws Error when the id is taken
   */
  insert(order?: FlexFactorOrderInput): FlexFactorRow;
  /**
   * Shallow-merges a patch into an order (undefined removes a field); undefined when absent.
   * @throws Error when a new id is taken
   */
  update(id: string, patch: FlexFactorOrderInput): FlexFactorRow | undefined;
  /** Deletes an order; false when it did not exist. */
  delete(id: string): boolean;
}

/** Sortable fields of `GET /v1/orders` (`orderBy`, matched case-insensitively). */
export const FLEXFACTOR_ORDER_BY = [
  'createdOn',
  'amount',
  'orderPlacedDate',
  'status',
  'payerName',
  'merchantName',
  'referenceNumber',
  'id',
] as const;

/** One sortable FlexFactor field. */
export type FlexFactorOrderBy = (typeof FLEXFACTOR_ORDER_BY)[number];

/** A validated list query. */
export interface FlexFactorListQuery {
  /** Case-insensitive substring over payerName, merchantName, referenceNumber and id. */
  readonly search?: string;
  /** Status codes to keep (any of). */
  readonly statuses?: readonly number[];
  /** Inclusive lower bound on createdOn, epoch µs. */
  readonly fromUs?: number;
  /** Inclusive upper bound on createdOn, epoch µs. */
  readonly toUs?: number;
  /** Exact merchantId. */
  readonly mid?: string;
  /** Sort field. */
  readonly orderBy: FlexFactorOrderBy;
  /** Sort direction. */
  readonly sort: 'asc' | 'desc';
  /** Page size. */
  readonly pageSize: number;
  /** 1-based page number. */
  readonly pageNumber: number;
}

/** A page: its rows and the total the paging fields are computed from. */
export interface FlexFactorListResult {
  /** Rows on the page. */
  readonly rows: WireObject[];
  /** Matching orders on all pages, counted at request time. */
  readonly totalItemCount: number;
}

const SORT_KEY: Readonly<Record<FlexFactorOrderBy, string>> = {
  createdOn: 'createdOn',
  amount: 'amount',
  orderPlacedDate: 'placed',
  status: 'status',
  payerName: 'payer',
  merchantName: 'merchantName',
  referenceNumber: 'reference',
  id: 'id',
};

const COLUMNS = [
  'id',
  'createdOn',
  'placed',
  'amount',
  'status',
  'payer',
  'merchantName',
  'merchant',
  'reference',
] as const;

/** The FlexFactor dataset: generator plus table plus list semantics. */
export class FlexFactorData {
  /** The orders. */
  readonly table: OrderTable;

  /** @param generator the dataset's generator */
  constructor(readonly generator: FlexFactorGenerator) {
    const scratch = emptyFlexFactorCore();
    const seedRows = generator.seedRowCount;
    const merchantRanks = generator.merchants.map((_, index) => generator.merchantRank(index));
    const merchantExponents = generator.merchants.map(
      (merchant) => CURRENCIES[merchant.currency]?.exponent ?? 2,
    );
    const fillFromObject: TableSource['fillFromObject'] = (slot, object, columns) => {
      const id = typeof object.id === 'string' ? object.id : undefined;
      (columns.id as Float64Array)[slot] =
        id === undefined ? Number.NaN : generator.orderIdSurrogate(id);
      (columns.createdOn as Float64Array)[slot] = isoMicrosOf(object.createdOn);
      (columns.placed as Float64Array)[slot] = isoMicrosOf(object.orderPlacedDate);
      (columns.amount as Float64Array)[slot] = numberOf(object.amount);
      (columns.status as Float64Array)[slot] = numberOf(object.status);
      (columns.payer as Float64Array)[slot] = payerNameRank(object.payerName) ?? Number.NaN;
      (columns.merchantName as Float64Array)[slot] =
        generator.merchantNameRankOf(object.merchantName) ?? Number.NaN;
      (columns.merchant as Float64Array)[slot] =
        generator.merchantOf(object.merchantId) ?? Number.NaN;
      (columns.reference as Float64Array)[slot] = generator.referenceSurrogate(
        object.referenceNumber,
      );
    };
    const source: TableSource = {
      columns: COLUMNS,
      baseCount: generator.baseCount,
      fillBase: (slot, columns) => {
        if (slot < seedRows) {
          fillFromObject(slot, FLEXFACTOR_SEED_ROWS[slot] as unknown as WireObject, columns);
          return;
        }
        const core = generator.core(slot, scratch);
        const exponent = merchantExponents[core.merchant] ?? 2;
        (columns.id as Float64Array)[slot] = generator.slotIdSurrogate(slot);
        (columns.createdOn as Float64Array)[slot] = core.createdOnUs;
        (columns.placed as Float64Array)[slot] = core.placedUs;
        (columns.amount as Float64Array)[slot] =
          exponent === 0 ? core.amountMinor : core.amountMinor / 10 ** exponent;
        (columns.status as Float64Array)[slot] = core.status;
        (columns.payer as Float64Array)[slot] = core.payerRank;
        (columns.merchantName as Float64Array)[slot] = merchantRanks[core.merchant] ?? Number.NaN;
        (columns.merchant as Float64Array)[slot] = core.merchant;
        (columns.reference as Float64Array)[slot] = core.reference;
      },
      fillFromObject,
      materializeBase: (slot) =>
        slot < seedRows
          ? ({ ...FLEXFACTOR_SEED_ROWS[slot] } as unknown as WireObject)
          : (generator.row(slot) as unknown as WireObject),
      idOf: (object) => (typeof object.id === 'string' && object.id !== '' ? object.id : undefined),
      generatedId: (slot) =>
        slot < seedRows ? (FLEXFACTOR_SEED_ROWS[slot]?.id as string) : generator.orderId(slot),
      decodeId: (id) => {
        const seedSlot = FLEXFACTOR_SEED_ROWS.findIndex((row) => row.id === id);
        if (seedSlot >= 0) return seedSlot < seedRows ? seedSlot : undefined;
        const slot = generator.decodeOrderId(id);
        return slot !== undefined && slot >= seedRows ? slot : undefined;
      },
    };
    const text = (field: string) => (slot: number) => this.textOf(slot, field);
    const table: OrderTable = new OrderTable(source, {
      id: { column: 'id', text: (slot) => table.idText(slot) },
      createdOn: { column: 'createdOn' },
      placed: { column: 'placed' },
      amount: { column: 'amount' },
      status: { column: 'status' },
      payer: { column: 'payer', text: text('payerName') },
      merchantName: { column: 'merchantName', text: text('merchantName') },
      reference: { column: 'reference', text: text('referenceNumber') },
    });
    this.table = table;
    // The default sort (createdOn desc) is ready before the first request.
    table.index('createdOn');
  }

  /** A string field of a slot, from the stored row or rebuilt from the columns. */
  private textOf(slot: number, field: string): string | null {
    const table = this.table;
    const stored =
      table.hasOverride(slot) || slot < this.generator.seedRowCount
        ? table.materialize(slot)
        : undefined;
    if (stored) {
      const value = stored[field];
      return typeof value === 'string' ? value : null;
    }
    const columns = table.columns;
    switch (field) {
      case 'payerName':
        return payerNameOfRank(columns.payer?.[slot] ?? -1) ?? null;
      case 'merchantName':
        return this.generator.merchants[columns.merchant?.[slot] ?? -1]?.merchantName ?? null;
      case 'referenceNumber':
        return `ref${String(columns.reference?.[slot] ?? 0).padStart(10, '0')}`;
      default:
        return null;
    }
  }

  /** One page, offset-based and computed at request time (so pages drift under inserts). */
  list(query: FlexFactorListQuery): FlexFactorListResult {
    const table = this.table;
    const sortKey = SORT_KEY[query.orderBy];
    const selection = table.select(this.selection(sortKey, query));
    const offset = (query.pageNumber - 1) * query.pageSize;
    const rows: WireObject[] = [];
    for (let index = offset; index < selection.length && rows.length < query.pageSize; index++) {
      const position = query.sort === 'asc' ? index : selection.length - 1 - index;
      rows.push(table.materialize(selection[position] as number));
    }
    return { rows, totalItemCount: selection.length };
  }

  private selection(sortKey: string, query: FlexFactorListQuery): SelectQuery {
    const table = this.table;
    const columns = table.columns;
    const checks: ((slot: number) => boolean)[] = [];
    let range: SelectQuery['range'];
    if (query.fromUs !== undefined || query.toUs !== undefined) {
      const min = query.fromUs;
      const max = query.toUs;
      if (sortKey === 'createdOn') {
        // Sorted by the filtered field: the range is a binary search, not a scan.
        range = { ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) };
      } else {
        checks.push((slot) => {
          const value = columns.createdOn?.[slot] ?? Number.NaN;
          if (Number.isNaN(value)) return false;
          return (min === undefined || value >= min) && (max === undefined || value <= max);
        });
      }
    }
    if (query.statuses && query.statuses.length > 0) {
      const wanted = new Set(query.statuses);
      checks.push((slot) => wanted.has(columns.status?.[slot] ?? Number.NaN));
    }
    let candidates: (() => Int32Array) | undefined;
    if (query.mid !== undefined) {
      const mid = query.mid;
      const merchant = this.generator.merchantOf(mid);
      checks.push((slot) => {
        const value = columns.merchant?.[slot] ?? Number.NaN;
        if (!Number.isNaN(value)) return value === merchant;
        return table.materialize(slot).merchantId === mid;
      });
      const group = merchant === undefined ? new Int32Array(0) : table.group('merchant', merchant);
      // A small merchant: sort its orders. A big one: scanning the sorted index is cheaper.
      if (group.length * 8 < table.count) candidates = () => group;
    }
    if (query.search !== undefined && query.search !== '') {
      checks.push(this.searchPredicate(query.search.toLowerCase()));
    }
    if (checks.length === 0 && !range) return { sortKey, filterKey: '' };
    const filterKey = JSON.stringify([
      query.search?.toLowerCase() ?? null,
      query.statuses ? [...query.statuses].sort() : null,
      query.fromUs ?? null,
      query.toUs ?? null,
      query.mid ?? null,
    ]);
    return {
      sortKey,
      filterKey,
      ...(checks.length > 0
        ? { predicate: (slot: number) => checks.every((check) => check(slot)) }
        : {}),
      ...(range ? { range } : {}),
      ...(candidates ? { candidates } : {}),
    };
  }

  /**
   * `query` (FF-LIST: "search by merchant or payer name"): a case-insensitive substring of
   * payerName, merchantName, referenceNumber or id. Generated rows are matched through small
   * per-name tables, so a scan of a million rows builds no strings unless the term could be part of
   * a reference or an id.
   */
  private searchPredicate(term: string): (slot: number) => boolean {
    const table = this.table;
    const columns = table.columns;
    const generator = this.generator;
    const payerMatches = new Map<number, boolean>();
    const merchantMatches = generator.merchants.map((merchant) =>
      merchant.merchantName.toLowerCase().includes(term),
    );
    const referenceMatches = referenceMatcher(term);
    const couldBeId = /^[0-9a-f-]+$/.test(term);
    const seedRows = generator.seedRowCount;
    return (slot) => {
      if (table.hasOverride(slot) || slot < seedRows) {
        const row = table.materialize(slot);
        return ['payerName', 'merchantName', 'referenceNumber', 'id'].some((field) => {
          const value = row[field];
          return typeof value === 'string' && value.toLowerCase().includes(term);
        });
      }
      const rank = columns.payer?.[slot] ?? -1;
      let payer = payerMatches.get(rank);
      if (payer === undefined) {
        payer = (payerNameOfRank(rank) ?? '').toLowerCase().includes(term);
        payerMatches.set(rank, payer);
      }
      if (payer) return true;
      if (merchantMatches[columns.merchant?.[slot] ?? -1]) return true;
      if (referenceMatches?.(columns.reference?.[slot] ?? 0)) return true;
      return couldBeId && generator.orderId(slot).includes(term);
    };
  }

  /** Builds the row to insert into a fresh slot. */
  buildInsert(slot: number, given: Readonly<Record<string, unknown>>): WireObject {
    const createdOnUs =
      (typeof given.createdOn === 'string' ? parseIsoMicros(given.createdOn) : undefined) ??
      nowMicros();
    const status =
      typeof given.status === 'number' &&
      Number.isInteger(given.status) &&
      given.status >= 0 &&
      given.status <= FLEXFACTOR_CHARGEBACK_CODE
        ? given.status
        : undefined;
    const generated = this.generator.row(slot, {
      createdOnUs,
      ...(status !== undefined ? { status } : {}),
    }) as unknown as WireObject;
    return applyPatch(generated, given);
  }
}

/** Creates the store facade over the dataset. */
export function createFlexFactorStore(data: FlexFactorData): FlexFactorStore {
  const table = data.table;
  return {
    ...createTableStore<FlexFactorRow>(table, (slot, fields) => data.buildInsert(slot, fields)),
    detail: (id) => {
      const slot = table.find(id);
      return slot === undefined
        ? undefined
        : (data.generator.detail(table.materializeCopy(slot)) as FlexFactorOrderDetail);
    },
  };
}

/**
 * Whether a generated reference (`ref` + 10 digits, kept as its number) contains a lower-case term,
 * decided with arithmetic instead of building a million strings. Undefined when no such reference
 * can contain the term.
 */
export function referenceMatcher(term: string): ((reference: number) => boolean) | undefined {
  const anchored = /^(?:ref|ef|f)(\d{0,10})$/.exec(term);
  if (term === 'r' || term === 're') return () => true;
  if (anchored) {
    const digits = anchored[1] as string;
    if (digits === '') return () => true;
    const scale = 10 ** (10 - digits.length);
    const wanted = Number(digits);
    return (reference) => Math.floor(reference / scale) === wanted;
  }
  if (!/^\d{1,10}$/.test(term)) return undefined;
  const width = 10 ** term.length;
  const wanted = Number(term);
  return (reference) => {
    for (let shift = 10 - term.length; shift >= 0; shift--) {
      if (Math.floor(reference / 10 ** shift) % width === wanted) return true;
    }
    return false;
  };
}
