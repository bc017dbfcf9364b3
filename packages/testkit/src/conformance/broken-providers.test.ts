import { describe, expect, it } from 'vitest';
import { ConformanceError } from './conformance-error.js';
import {
  checkAbortStopsPromptly,
  checkAuthenticationRejected,
  checkMalformedBody,
  checkPersistentServerError,
} from './fault-checks.js';
import { checkEmulatedFilter, checkPushedDownFilter } from './filter-checks.js';
import { checkPageSizeHonoured, checkWalkReturnsEachOrderOnce } from './listing-checks.js';
import { checkGetOrderAgreesWithListing, checkMissingOrderNotFound } from './lookup-checks.js';
import { checkSortDirections, checkUnsupportedSortRefused } from './sort-checks.js';
import {
  checkStatusMapCoversDocumentedStatuses,
  checkUnknownStatusEndToEnd,
} from './status-checks.js';
import {
  answersUnsupportedSort,
  breaksTiesWrongly,
  brokenContext,
  DOCUMENTED,
  dropsUnknownStatus,
  getOrderDisagrees,
  hidesEmulationWarnings,
  ignoresAbort,
  ignoresPageSize,
  ignoresPushedStatusFilter,
  leaksSecretOn401,
  repeatsOrderAcrossPages,
  resolvesMissingOrder,
  statusMapMissesRefunded,
  throwsOnUnknownStatus,
  throwsRawErrors,
} from './test-support/broken-providers.js';

/** Runs a check that must fail and returns its ConformanceError. */
async function caught(check: Promise<void>): Promise<ConformanceError> {
  const error = await check.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(
    ConformanceError.isInstance(error),
    `expected a ConformanceError, got ${String(error)}`,
  ).toBe(true);
  return error as ConformanceError;
}

// The suite is only worth something if it fails: each deliberately broken provider below must be
// caught by the check for the promise it breaks, with a message that names that promise.
describe('the conformance checks catch broken providers', () => {
  it('a provider that repeats an order across pages', async () => {
    const error = await caught(
      checkWalkReturnsEachOrderOnce(brokenContext(repeatsOrderAcrossPages)),
    );
    expect(error.message).toMatch(
      /^conformance: page walk of .* returned order broken:ord_\d{4} twice \(pages 1 and 2\) — each order must appear exactly once$/,
    );
  });

  it('a provider that ignores a status filter it claims to push down', async () => {
    const error = await caught(
      checkPushedDownFilter(brokenContext(ignoresPushedStatusFilter), 'status'),
    );
    expect(error.message).toMatch(
      /page walk of \{ status=\[\w+\] .*\} returned \d+ order\(s\) that do not match/,
    );
    expect(error.message).toMatch(/\(status: it has \w+\)/);
    expect(error.promise).toBe(
      'status is pushed down (capabilities.filters) and must return exactly the matching orders',
    );
  });

  it('a provider that throws raw errors', async () => {
    const context = brokenContext(throwsRawErrors);
    const missing = await caught(checkMissingOrderNotFound(context));
    expect(missing.message).toMatch(
      /getOrder\("conformance-missing-order"\) of a missing id rejected with Error \(not an OrderBridge error\): .*; expected NotFoundError — a missing order rejects with NotFoundError$/,
    );
    const unavailable = await caught(checkPersistentServerError(context));
    expect(unavailable.message).toMatch(
      /listOrders while the backend answers 503 rejected with Error \(not an OrderBridge error\).*expected ProviderUnavailableError — a persistent 5xx fails with ProviderUnavailableError/,
    );
    const malformed = await caught(checkMalformedBody(context));
    expect(malformed.promise).toBe('a malformed body fails with ProviderResponseError');
  });

  it('a provider that maps an unknown status by throwing', async () => {
    const error = await caught(
      checkUnknownStatusEndToEnd(brokenContext(throwsOnUnknownStatus), DOCUMENTED),
    );
    expect(error.message).toMatch(
      /^conformance: the listing failed while order broken:ord_\d{4} holds the undocumented raw status "conformance_undocumented": .*unexpected status "conformance_undocumented" — an unknown raw status maps to status unknown with a warning; it never fails the call and never drops the order$/,
    );
  });

  it('a provider that drops orders with an unknown status', async () => {
    const error = await caught(
      checkUnknownStatusEndToEnd(brokenContext(dropsUnknownStatus), DOCUMENTED),
    );
    expect(error.message).toMatch(
      /the listing left out the order while order broken:ord_\d{4} holds .* never drops the order$/,
    );
  });

  it('a provider whose status map misses a documented value', async () => {
    const error = await caught(
      checkStatusMapCoversDocumentedStatuses(brokenContext(statusMapMissesRefunded), DOCUMENTED),
    );
    expect(error.message).toBe(
      'conformance: status map has no entry for the documented raw status "refunded" (it would map to unknown) — the status map is total over the provider’s documented raw statuses',
    );
  });

  it('a provider that serves larger pages than asked', async () => {
    const error = await caught(checkPageSizeHonoured(brokenContext(ignoresPageSize), 7));
    expect(error.message).toMatch(
      /page 1 holds 10 orders, but the page size is 7 — a page never holds more orders than the query limit/,
    );
  });

  it('a provider that answers a sort it does not claim instead of refusing it', async () => {
    const error = await caught(
      checkUnsupportedSortRefused(brokenContext(answersUnsupportedSort), 'total'),
    );
    expect(error.message).toBe(
      'conformance: listOrders sorted by total asc resolved — a sort the provider cannot do (total, not in capabilities.sorts) is refused with InvalidQueryError, never answered in another order',
    );
  });

  it('a provider that breaks sort ties the wrong way', async () => {
    const error = await caught(checkSortDirections(brokenContext(breaksTiesWrongly), 'createdAt'));
    expect(error.message).toMatch(
      /is out of order at position \d+: got broken:ord_\d{4} \(createdAt .*\), expected broken:ord_\d{4} .* — orders come in the requested sort order \(createdAt asc, ties broken by key in the same direction\)$/,
    );
  });

  it('a provider whose getOrder disagrees with its listing', async () => {
    const error = await caught(checkGetOrderAgreesWithListing(brokenContext(getOrderDisagrees)));
    expect(error.message).toMatch(
      /getOrder\("ord_\d{4}"\) differs from the listed broken:ord_\d{4} at totals\.total\.amountMinor: fetched \d+, listed \d+ — getOrder agrees with the listed order$/,
    );
  });

  it('a provider whose getOrder resolves for a missing id', async () => {
    const error = await caught(checkMissingOrderNotFound(brokenContext(resolvesMissingOrder)));
    expect(error.message).toMatch(
      /of a missing id resolved instead of rejecting — a missing order rejects with NotFoundError$/,
    );
  });

  it('a provider whose 401 error quotes the secret', async () => {
    const secret = 'test-leaky-key-0001';
    const context = brokenContext((inner) => inner, {
      secret,
      createUnauthenticatedProvider: leaksSecretOn401(secret),
    });
    const error = await caught(checkAuthenticationRejected(context));
    expect(error.message).toMatch(
      /the error for listOrders with rejected credentials contains the provider's secret .*<secret>.* — secrets never appear in errors/,
    );
    expect(error.message).not.toContain(secret);
  });

  it('a provider that hides the warning for a filter it emulates', async () => {
    const context = brokenContext(
      hidesEmulationWarnings,
      {},
      { capabilities: { filters: ['status'] } },
    );
    const error = await caught(checkEmulatedFilter(context, 'customerId'));
    expect(error.message).toMatch(
      /reported no filter-emulated or early-stop warning for customerId \(warnings: none\) — a filter the provider does not push down is reported as a filter-emulated, early-stop or filter-never-matches warning$/,
    );
  });

  it('a provider that ignores the abort signal', async () => {
    const error = await caught(checkAbortStopsPromptly(brokenContext(ignoresAbort)));
    expect(error.message).toMatch(
      /listOrders aborted 50 ms into a 3000 ms response resolved — an aborted call rejects with the signal’s reason/,
    );
  });
});
