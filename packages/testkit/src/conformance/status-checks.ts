import {
  findStatusEntry,
  fulfillmentStatusSchema,
  mapStatus,
  type Order,
  orderStatusSchema,
  paymentStatusSchema,
  type StatusMap,
} from '@orderbridge/core';
import { answered, walk } from './check-support.js';
import type { ConformanceContext } from './conformance-context.js';
import { ConformanceError } from './conformance-error.js';
import { describeError } from './describe.js';
import { assertListingMatches } from './listing-comparison.js';
import { walkSortOf } from './listing-walk.js';

/**
 * The status map is total over the documented raw values: each has an entry (matched by code or
 * label, case-insensitively) whose lifecycle status is not `unknown`, and every entry names only
 * canonical statuses.
 * @throws ConformanceError naming the uncovered value or the bad entry.
 */
export async function checkStatusMapCoversDocumentedStatuses(
  context: ConformanceContext,
  documentedStatuses: ReadonlyArray<string | number>,
): Promise<void> {
  const map = context.provider.statusMap;
  if (!map || !Array.isArray(map.entries)) {
    throw new ConformanceError({
      finding: 'provider.statusMap has no entries array',
      promise: 'a provider exports its status map as data',
    });
  }
  if (documentedStatuses.length === 0) {
    throw new ConformanceError({
      finding: 'documentedStatuses is empty',
      promise: 'the suite is given the raw status values of the provider’s documentation',
    });
  }
  const described = [
    ...map.entries.map((entry) => ({ entry, name: JSON.stringify(entry.code) })),
    ...(map.labelEntries ?? []).map((entry) => ({ entry, name: `named ${entry.label}` })),
  ];
  for (const { entry, name } of described) {
    const problems = [
      orderStatusSchema.safeParse(entry.status).success ? undefined : `status ${entry.status}`,
      entry.paymentStatus == null || paymentStatusSchema.safeParse(entry.paymentStatus).success
        ? undefined
        : `paymentStatus ${entry.paymentStatus}`,
      entry.fulfillmentStatus == null ||
      fulfillmentStatusSchema.safeParse(entry.fulfillmentStatus).success
        ? undefined
        : `fulfillmentStatus ${entry.fulfillmentStatus}`,
      ...(entry.otherPaymentStatuses ?? [])
        .filter((other: string) => !paymentStatusSchema.safeParse(other).success)
        .map((other: string) => `otherPaymentStatuses ${other}`),
    ].filter((problem) => problem !== undefined);
    if (problems.length > 0) {
      throw new ConformanceError({
        finding: `status map entry ${name} has ${problems.join(', ')}, not canonical`,
        promise: 'the status map names only canonical statuses',
      });
    }
  }
  for (const raw of documentedStatuses) {
    const entry = findStatusEntry(map, raw);
    if (!entry) {
      throw new ConformanceError({
        finding: `status map has no entry for the documented raw status ${JSON.stringify(raw)} (it would map to unknown)`,
        promise: 'the status map is total over the provider’s documented raw statuses',
      });
    }
    if (entry.status === 'unknown') {
      throw new ConformanceError({
        finding: `status map maps the documented raw status ${JSON.stringify(raw)} to unknown`,
        promise: 'every documented raw status maps to a known canonical status',
      });
    }
  }
}

/**
 * A raw status that is not documented maps to `unknown` with an `unknown-status` warning (through
 * core's `mapStatus` over the provider's status map).
 * @throws ConformanceError when the map claims the value or mapping does not yield unknown.
 */
export async function checkUndocumentedStatusMapsToUnknown(
  context: ConformanceContext,
  documentedStatuses: ReadonlyArray<string | number>,
): Promise<void> {
  const map = context.provider.statusMap;
  const raw = undocumentedStatus(documentedStatuses, map);
  const mapped = mapStatus(map, { code: raw });
  if (mapped.status !== 'unknown' || mapped.warning?.code !== 'unknown-status') {
    throw new ConformanceError({
      finding: `the undocumented raw status ${JSON.stringify(raw)} maps to ${mapped.status}`,
      promise: 'a raw status the provider does not document maps to unknown, with a warning',
    });
  }
}

/**
 * End to end: while the backend holds an undocumented raw status for one order, listings and
 * `getOrder` still deliver it, with status `unknown`, the raw value kept in `providerStatus`, and an
 * `unknown-status` warning; a `status: ['unknown']` filter finds it. Needs `setRawStatus`.
 * @throws ConformanceError when the call fails, the order is dropped or its status is not unknown.
 */
export async function checkUnknownStatusEndToEnd(
  context: ConformanceContext,
  documentedStatuses: ReadonlyArray<string | number>,
): Promise<void> {
  const setRawStatus = context.setRawStatus;
  if (!setRawStatus) {
    throw new ConformanceError({
      finding: 'setup gave no setRawStatus',
      promise: 'the end-to-end unknown-status check needs ConformanceContext.setRawStatus',
    });
  }
  const raw = undocumentedStatus(documentedStatuses, context.provider.statusMap);
  const sorted = [...context.orders].sort((left, right) => left.key.localeCompare(right.key));
  const target = sorted[Math.floor(sorted.length / 2)];
  if (!target) return;
  const situation = `while order ${target.key} holds the undocumented raw status ${JSON.stringify(raw)}`;
  const promise =
    'an unknown raw status maps to status unknown with a warning; it never fails the call and never drops the order';
  await setRawStatus(target.id, raw);
  try {
    const listing = await walk(context).catch((error: unknown) => {
      throw new ConformanceError({
        finding: `the listing failed ${situation}: ${ConformanceError.isInstance(error) ? error.finding : describeError(error)}`,
        promise,
        cause: error,
      });
    });
    const listed = listing.orders.find((order) => order.key === target.key);
    if (!listed) {
      throw new ConformanceError({
        finding: `the listing left out the order ${situation}`,
        promise,
      });
    }
    assertUnknown(listed, raw, `the listed order ${target.key}`, promise);
    if (listing.orders.length !== context.orders.length) {
      throw new ConformanceError({
        finding: `the listing returned ${listing.orders.length} of ${context.orders.length} orders ${situation}`,
        promise,
      });
    }
    const warned = listing.warnings.some(
      (warning) =>
        warning.code === 'unknown-status' &&
        (warning.orderKey === undefined || warning.orderKey === target.key),
    );
    if (!warned) {
      throw new ConformanceError({
        finding: `the listing reported no unknown-status warning ${situation}`,
        promise: 'an unknown raw status is reported as an unknown-status warning',
      });
    }
    const fetched = await answered(
      () => context.provider.getOrder(target.id),
      `getOrder(${JSON.stringify(target.id)}) ${situation}`,
      promise,
    );
    assertUnknown(fetched, raw, `getOrder(${JSON.stringify(target.id)})`, promise);
    const truth = context.orders.map((order) =>
      order.key === target.key ? { ...order, status: 'unknown' as const } : order,
    );
    const filtered = await walk(context, {
      status: ['unknown'],
      sort: walkSortOf(context.provider),
    });
    assertListingMatches(filtered, truth, {
      exactness: 'a status filter on unknown finds the orders whose raw status is not documented',
    });
  } finally {
    await setRawStatus(target.id, target.providerStatus.code);
  }
}

function assertUnknown(order: Order, raw: string | number, what: string, promise: string): void {
  if (order.status !== 'unknown') {
    throw new ConformanceError({
      finding: `${what} has status ${order.status} for the undocumented raw status ${JSON.stringify(raw)}`,
      promise,
    });
  }
  if (String(order.providerStatus.code).toLowerCase() !== String(raw).toLowerCase()) {
    throw new ConformanceError({
      finding: `${what} has providerStatus.code ${JSON.stringify(order.providerStatus.code)}, not the raw ${JSON.stringify(raw)}`,
      promise: 'the raw status is kept in providerStatus, never lost',
    });
  }
}

/**
 * A raw status value the provider does not document, of the same kind as its documented ones: a
 * number above them for numeric statuses, else `conformance_undocumented`.
 */
export function undocumentedStatus(
  documentedStatuses: ReadonlyArray<string | number>,
  map: StatusMap,
): string | number {
  const numeric =
    documentedStatuses.length > 0 && documentedStatuses.every((value) => typeof value === 'number');
  let candidate: string | number = numeric
    ? Math.max(...(documentedStatuses as number[])) + 100
    : 'conformance_undocumented';
  while (findStatusEntry(map, candidate)) {
    candidate = typeof candidate === 'number' ? candidate + 1 : `${candidate}_x`;
  }
  return candidate;
}
