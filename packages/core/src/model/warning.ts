import type { ResponseIssue } from '../errors/provider-response-error.js';

/** Stable kinds of warning. */
export type WarningCode =
  /** A filter the provider cannot apply was applied locally by OrderBridge. */
  | 'filter-emulated'
  /** A listing stopped early on a sorted date bound instead of filtering every page. */
  | 'early-stop'
  /** The provider sent a status its map does not know; the order has status `unknown`. */
  | 'unknown-status'
  /** The provider sent a record that does not match its schema; it is reported, not delivered. */
  | 'invalid-record'
  /** A requested page size was larger than the provider allows and was reduced. */
  | 'limit-clamped'
  /**
   * A filter on a field the provider's orders never carry (FlexFactor has no customer id): no
   * order of that provider can match, so it was not asked.
   */
  | 'filter-never-matches'
  /**
   * A `list` call used up its scan budget (provider page requests or time) while filtering
   * locally: the page holds what was found so far and `nextCursor` continues the scan.
   */
  | 'scan-budget-exhausted'
  /** Anything else a provider wants to say. */
  | 'other';

/**
 * Something the caller should know about a result: a setting the provider could not honour, work
 * done locally, a record that could not be read. Never silently dropped.
 */
export interface Warning {
  /** Stable kind. */
  code: WarningCode;
  /** What happened, for people. */
  message: string;
  /** Provider id it concerns, if any. */
  provider?: string;
  /** Query field it concerns (`merchantId`, `status`), if any. */
  field?: string;
  /** Key of the order it concerns (`flexfactor:1234`), if any. */
  orderKey?: string;
  /** For `invalid-record`: the provider's id of the record, when it could be read. */
  recordId?: string;
  /** For `invalid-record`: each schema violation with its JSON path. */
  issues?: readonly ResponseIssue[];
}
