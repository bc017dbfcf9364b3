import { FILTER_FIELDS, SORT_FIELDS } from '@orderbridge/core';
import { afterAll, afterEach, beforeAll, describe, it } from 'vitest';
import type { ConformanceContext, ConformanceOptions } from './conformance-context.js';
import {
  checkAbortedSignalRejects,
  checkAbortStopsPromptly,
  checkAuthenticationRejected,
  checkLongRateLimit,
  checkMalformedBody,
  checkPersistentServerError,
  checkShortRateLimit,
  checkTransientServerErrorRetried,
} from './fault-checks.js';
import {
  checkEmulatedFilter,
  checkPushedDownFilter,
  filterNotPushedReason,
} from './filter-checks.js';
import {
  checkCursorReplay,
  checkLimitClamped,
  checkListingEqualsGroundTruth,
  checkOrdersValidate,
  checkPageSizeHonoured,
  checkPortShape,
  checkTotalCount,
  checkWalkReturnsEachOrderOnce,
} from './listing-checks.js';
import { checkGetOrderAgreesWithListing, checkMissingOrderNotFound } from './lookup-checks.js';
import { checkSortDirections, checkUnsupportedSortRefused } from './sort-checks.js';
import {
  checkStatusMapCoversDocumentedStatuses,
  checkUndocumentedStatusMapsToUnknown,
  checkUnknownStatusEndToEnd,
} from './status-checks.js';

/**
 * Registers the whole provider conformance suite with vitest: one call per provider, from its
 * test file. `setup` runs once (in `beforeAll`); capabilities and missing context (no faults, no
 * unauthenticated variant) turn tests off visibly: each skipped test says why.
 */
export function describeProviderConformance(options: ConformanceOptions): void {
  const timeout = options.timeoutMs ?? 30_000;
  let current: ConformanceContext | undefined;
  const ready = (): ConformanceContext => {
    if (!current) throw new Error(`conformance: setup of ${options.name} did not complete`);
    return current;
  };
  const documented = options.documentedStatuses;
  // Each test gets the set-up context and vitest's `skip(note)`: a test the provider cannot run is
  // skipped at run time (capabilities are known only after setup) with the reason as its note.
  const test = (
    name: string,
    body: (context: ConformanceContext, skip: (note: string) => never) => Promise<void>,
  ) => it(name, ({ skip }) => body(ready(), skip), timeout);
  const noFaults = (context: ConformanceContext) =>
    `${context.provider.id} gives no fault injection (ConformanceContext.faults)`;

  describe(`provider conformance: ${options.name}`, () => {
    beforeAll(async () => {
      current = await options.setup();
    }, timeout * 2);
    afterEach(async () => {
      await current?.faults?.clear();
    });
    afterAll(async () => {
      await current?.teardown?.();
    });

    describe('port', () => {
      test('declares port v1, a valid id and consistent capabilities; the ground truth is valid', (context) =>
        checkPortShape(context));
    });

    describe('listing', () => {
      test('walking every page returns each order exactly once, in the requested order', (context) =>
        checkWalkReturnsEachOrderOnce(context));
      test('every listed order validates against the canonical schema; raw only with includeRaw', (context) =>
        checkOrdersValidate(context));
      test('listed orders equal the ground truth', (context) =>
        checkListingEqualsGroundTruth(context));
      test('page size is honoured: limit 7 gives pages of at most 7 and still every order once', (context) =>
        checkPageSizeHonoured(context, 7));
      test('a limit above maxPageSize is reduced, with a limit-clamped warning', (context) =>
        checkLimitClamped(context));
      test('a cursor used twice gives the same page', (context) => checkCursorReplay(context));
      test('totalCount equals the number of orders listed', async (context, skip) => {
        if (!context.provider.capabilities.totalCount) {
          skip(`${context.provider.id} does not report totalCount (capabilities.totalCount)`);
        }
        await checkTotalCount(context);
      });
    });

    describe('getOrder', () => {
      test('agrees with the listed order', (context) => checkGetOrderAgreesWithListing(context));
      test('a missing id rejects with NotFoundError', (context) =>
        checkMissingOrderNotFound(context));
    });

    describe('filters', () => {
      for (const field of FILTER_FIELDS) {
        test(`${field}: pushed down, returns exactly the matching orders`, async (context, skip) => {
          const reason = filterNotPushedReason(context.provider, field);
          if (reason) skip(reason);
          await checkPushedDownFilter(context, field);
        });
        test(`${field}: emulated locally, exactly the matching orders, with a warning`, async (context, skip) => {
          if (!filterNotPushedReason(context.provider, field)) {
            skip(
              `${field} is pushed down by ${context.provider.id}; the pushed-down test covers it`,
            );
          }
          await checkEmulatedFilter(context, field);
        });
      }
    });

    describe('sorts', () => {
      for (const field of SORT_FIELDS) {
        test(`${field}: ascending and descending walks follow the sort, ties by key`, async (context, skip) => {
          if (!context.provider.capabilities.sorts.includes(field)) {
            skip(`${context.provider.id} does not sort by ${field} (capabilities.sorts)`);
          }
          await checkSortDirections(context, field);
        });
        test(`${field}: refused with InvalidQueryError when not supported`, async (context, skip) => {
          if (context.provider.capabilities.sorts.includes(field)) {
            skip(`${context.provider.id} sorts by ${field} (capabilities.sorts)`);
          }
          await checkUnsupportedSortRefused(context, field);
        });
      }
    });

    describe('statuses', () => {
      test('the status map covers every documented raw status', (context) =>
        checkStatusMapCoversDocumentedStatuses(context, documented));
      test('an undocumented raw status maps to unknown', (context) =>
        checkUndocumentedStatusMapsToUnknown(context, documented));
      test('an undocumented raw status in the backend is delivered as unknown, with a warning', async (context, skip) => {
        if (!context.setRawStatus) {
          skip(
            `${context.provider.id} cannot set a raw status in its backend (ConformanceContext.setRawStatus)`,
          );
        }
        await checkUnknownStatusEndToEnd(context, documented);
      });
    });

    describe('errors', () => {
      test('401 rejects with AuthenticationError, without the secret', async (context, skip) => {
        if (!context.createUnauthenticatedProvider) {
          skip(
            `${context.provider.id} gives no unauthenticated variant (ConformanceContext.createUnauthenticatedProvider)`,
          );
        }
        await checkAuthenticationRejected(context);
      });
      test('one 503 is retried and the call succeeds', async (context, skip) => {
        if (!context.faults) skip(noFaults(context));
        if (context.retriesTransientErrors === false) {
          skip(
            `${context.provider.id} has no transport to retry with (ConformanceContext.retriesTransientErrors is false)`,
          );
        }
        await checkTransientServerErrorRetried(context);
      });
      test('persistent 5xx rejects with ProviderUnavailableError', async (context, skip) => {
        if (!context.faults) skip(noFaults(context));
        await checkPersistentServerError(context);
      });
      test('429 with a short Retry-After is retried or rejects with RateLimitError', async (context, skip) => {
        if (!context.faults) skip(noFaults(context));
        await checkShortRateLimit(context);
      });
      test('429 with a long Retry-After rejects with RateLimitError and retryAfterMs', async (context, skip) => {
        if (!context.faults) skip(noFaults(context));
        await checkLongRateLimit(context);
      });
      test('a malformed body rejects with ProviderResponseError', async (context, skip) => {
        if (!context.faults) skip(noFaults(context));
        await checkMalformedBody(context);
      });
      test('an already-aborted signal rejects with its reason', (context) =>
        checkAbortedSignalRejects(context));
      test('aborting a slow call stops it promptly with the abort reason', async (context, skip) => {
        if (!context.faults) skip(noFaults(context));
        await checkAbortStopsPromptly(context);
      });
    });
  });
}
