import { defineStatusMap, type StatusMap } from '@orderbridge/core';

/*
 * FlexFactor order statuses: the integer `status` with its `statusName` (seed 002 `orderStatuses`,
 * provider-apis.md §2.7), mapped as DESIGN.md's status table says. FlexFactor has no fulfilment
 * notion, so `fulfillmentStatus` is null except for returns. Labels are compared case-insensitively:
 * the list sends `completed`, the single order `CAPTUREREQUIRED` (Part 3 item 25).
 */
const FLEXFACTOR_STATUS_ENTRIES = [
  { code: 0, label: 'Draft', status: 'draft', paymentStatus: 'pending', fulfillmentStatus: null },
  {
    code: 1,
    label: 'Onhold',
    status: 'on_hold',
    paymentStatus: 'pending',
    fulfillmentStatus: null,
  },
  {
    code: 2,
    label: 'Cancelled',
    status: 'cancelled',
    paymentStatus: null,
    fulfillmentStatus: null,
  },
  { code: 3, label: 'Problem', status: 'failed', paymentStatus: 'failed', fulfillmentStatus: null },
  {
    code: 4,
    label: 'Processing',
    status: 'processing',
    paymentStatus: 'pending',
    fulfillmentStatus: null,
  },
  {
    code: 5,
    label: 'Capturerequired',
    status: 'processing',
    paymentStatus: 'requires_capture',
    fulfillmentStatus: null,
  },
  {
    code: 6,
    label: 'Returned',
    status: 'returned',
    paymentStatus: 'refunded',
    fulfillmentStatus: 'returned',
  },
  {
    code: 7,
    label: 'Completed',
    status: 'completed',
    paymentStatus: 'paid',
    fulfillmentStatus: null,
  },
] as const;

/** FlexFactor's status table (codes 0..7) as data, for the provider id `flexfactor`. */
export const flexFactorStatusMap: StatusMap = defineStatusMap(
  'flexfactor',
  FLEXFACTOR_STATUS_ENTRIES,
);

/** The FlexFactor status table under another provider id (for `createFlexFactor({ id })`). */
export function createFlexFactorStatusMap(provider: string): StatusMap {
  return provider === flexFactorStatusMap.provider
    ? flexFactorStatusMap
    : defineStatusMap(provider, flexFactorStatusMap.entries);
}
