import {
  FULFILLMENT_STATUSES,
  InvalidQueryError,
  MAX_LIMIT,
  normalizeStatusText,
  ORDER_STATUSES,
  type OrderQuery,
  type OrderQueryInput,
  PAYMENT_STATUSES,
  parseOrderQuery,
  parseSortText,
  SORT_FIELDS,
  type SortField,
} from '@orderbridge/core';
import { UsageError } from '../errors/usage-error.js';
import { parseDateFlag } from './date-flag.js';
import { parseIntegerFlag } from './integer-flag.js';
import { suggestClosest } from './suggest-closest.js';

/** The query flags of `orders list` and `orders export`, as commander hands them over (raw text). */
export interface QueryFlagValues {
  /** `--status`, repeatable and comma-separated. */
  status?: string[] | undefined;
  /** `--payment-status`. */
  paymentStatus?: string[] | undefined;
  /** `--fulfillment-status`. */
  fulfillmentStatus?: string[] | undefined;
  /** `--created-from`: ISO date/date-time or relative (`7d`). */
  createdFrom?: string | undefined;
  /** `--created-to`. */
  createdTo?: string | undefined;
  /** `--customer`: the provider's customer id. */
  customer?: string | undefined;
  /** `--merchant`: the provider's merchant id. */
  merchant?: string | undefined;
  /** `--currency`: ISO 4217 code of the order total. */
  currency?: string | undefined;
  /** `--search`: free text. */
  search?: string | undefined;
  /** `--sort field[:asc|desc]`. */
  sort?: string | undefined;
  /** `--limit`: page size. */
  limit?: string | undefined;
  /** `--cursor`: from a previous page. */
  cursor?: string | undefined;
}

/** How `buildOrderQuery` fills in what the flags leave out. */
export interface QueryFlagContext {
  /** The clock relative dates count back from. */
  now: () => Date;
  /** Page size when `--limit` is absent (undefined: none, the providers' default). */
  defaultLimit?: number | undefined;
  /** The command, for hints (`orderbridge orders list`). */
  command: string;
}

/** Which query field each flag sets, to name the flag when core rejects a field. */
export const FLAG_OF_FIELD: Readonly<Record<string, string>> = {
  status: '--status',
  paymentStatus: '--payment-status',
  fulfillmentStatus: '--fulfillment-status',
  createdFrom: '--created-from',
  createdTo: '--created-to',
  customerId: '--customer',
  merchantId: '--merchant',
  currency: '--currency',
  search: '--search',
  sort: '--sort',
  limit: '--limit',
  cursor: '--cursor',
};

/**
 * Turns the raw query flags into the canonical, validated `OrderQuery`. Status values are checked
 * against core's vocabularies (case-insensitive, `-` accepted for `_`) with a "did you mean" hint.
 * @throws UsageError naming the flag, the bad value and what is accepted.
 */
export function buildOrderQuery(flags: QueryFlagValues, context: QueryFlagContext): OrderQuery {
  const hint = `Run "${context.command} --help" for the accepted values.`;
  const input: OrderQueryInput = {};
  const status = statusValues('--status', flags.status, ORDER_STATUSES, hint);
  if (status) input.status = status;
  const paymentStatus = statusValues(
    '--payment-status',
    flags.paymentStatus,
    PAYMENT_STATUSES,
    hint,
  );
  if (paymentStatus) input.paymentStatus = paymentStatus;
  const fulfillmentStatus = statusValues(
    '--fulfillment-status',
    flags.fulfillmentStatus,
    FULFILLMENT_STATUSES,
    hint,
  );
  if (fulfillmentStatus) input.fulfillmentStatus = fulfillmentStatus;
  if (flags.createdFrom !== undefined) {
    input.createdFrom = parseDateFlag('--created-from', flags.createdFrom, 'from', context.now);
  }
  if (flags.createdTo !== undefined) {
    input.createdTo = parseDateFlag('--created-to', flags.createdTo, 'to', context.now);
  }
  if (flags.customer !== undefined) input.customerId = flags.customer;
  if (flags.merchant !== undefined) input.merchantId = flags.merchant;
  if (flags.currency !== undefined) input.currency = flags.currency;
  if (flags.search !== undefined) input.search = flags.search;
  if (flags.sort !== undefined) input.sort = parseSort(flags.sort, hint);
  if (flags.limit !== undefined)
    input.limit = parseIntegerFlag('--limit', flags.limit, 1, MAX_LIMIT);
  else if (context.defaultLimit !== undefined) input.limit = context.defaultLimit;
  if (flags.cursor !== undefined) input.cursor = flags.cursor;
  try {
    return parseOrderQuery(input);
  } catch (error) {
    if (!InvalidQueryError.isInstance(error)) throw error;
    const problems = error.issues.map((issue) => {
      const field = issue.field.replace(/\[\d+\]$/, '').split('.')[0] ?? issue.field;
      const flag = FLAG_OF_FIELD[field] ?? issue.field;
      return `${flag} ${issue.message.replace('createdFrom', '--created-from')}`;
    });
    throw new UsageError(`${problems.join('; ')}.`, { hint, cause: error });
  }
}

function statusValues<T extends string>(
  flag: string,
  values: readonly string[] | undefined,
  vocabulary: readonly T[],
  hint: string,
): T[] | undefined {
  if (values === undefined) return undefined;
  const result: T[] = [];
  for (const raw of values) {
    if (raw === '') {
      throw new UsageError(`${flag}: empty value. Allowed: ${vocabulary.join(', ')}.`, { hint });
    }
    const normalized = normalizeStatusText(raw);
    const match = vocabulary.find((value) => value === normalized);
    if (match === undefined) {
      const closest = suggestClosest(normalized, vocabulary);
      throw new UsageError(
        `${flag}: "${raw}" is not a valid value${closest ? ` (did you mean "${closest}"?)` : ''}. Allowed: ${vocabulary.join(', ')}.`,
        { hint },
      );
    }
    if (!result.includes(match)) result.push(match);
  }
  return result;
}

function parseSort(text: string, hint: string): { field: SortField; direction: 'asc' | 'desc' } {
  if (text.split(':').length > 2 || text.split(':')[0]?.trim() === '') {
    throw new UsageError(
      `--sort: "${text}" is not field[:direction], e.g. createdAt:desc or total:asc.`,
      { hint },
    );
  }
  // The text form is core's (shared with the service); the hints are the CLI's.
  const parsed = parseSortText(text);
  const field = SORT_FIELDS.find((candidate) => candidate === parsed.field);
  if (field === undefined) {
    const closest = suggestClosest(parsed.field, SORT_FIELDS);
    throw new UsageError(
      `--sort: "${parsed.field}" is not a sort field${closest ? ` (did you mean "${closest}"?)` : ''}. Allowed: ${SORT_FIELDS.join(', ')}.`,
      { hint },
    );
  }
  if (parsed.direction !== 'asc' && parsed.direction !== 'desc') {
    throw new UsageError(`--sort: direction "${text.split(':')[1]?.trim()}" must be asc or desc.`, {
      hint,
    });
  }
  return { field, direction: parsed.direction };
}
