import { mapStatus } from '@orderbridge/core';
import { describe, expect, it } from 'vitest';
import {
  flexPortalPaymentStatusMap,
  flexPortalRentalStatusMap,
  flexPortalStatusMap,
} from './flexportal-status-map.js';

// The documented values (FP-LIST "Filtering Orders", FP-GET "Order Lifecycle", OpenAPI enum).
const DOCUMENTED_STATUSES = ['pending', 'confirmed', 'partial', 'fulfilled', 'cancelled'];

describe('flexPortalStatusMap', () => {
  it('is total over the documented statuses and lists nothing else', () => {
    expect(flexPortalStatusMap.entries.map((entry) => entry.code).sort()).toEqual(
      [...DOCUMENTED_STATUSES].sort(),
    );
  });

  it('maps each status as docs/providers/flexportal.md says', () => {
    const table = Object.fromEntries(
      DOCUMENTED_STATUSES.map((code) => {
        const mapped = mapStatus(flexPortalStatusMap, { code });
        return [code, [mapped.status, mapped.fulfillmentStatus]];
      }),
    );
    expect(table).toEqual({
      pending: ['pending', 'unfulfilled'],
      confirmed: ['processing', 'unfulfilled'],
      partial: ['processing', 'partially_fulfilled'],
      fulfilled: ['completed', 'fulfilled'],
      cancelled: ['cancelled', 'unfulfilled'],
    });
  });

  it('leaves the payment status to payment.status (not decided by the order status)', () => {
    for (const entry of flexPortalStatusMap.entries) expect(entry.paymentStatus).toBeUndefined();
  });

  it('maps an undocumented status to unknown with a warning, keeping the raw value', () => {
    const mapped = mapStatus(flexPortalStatusMap, { code: 'on_hold' }, 'flexportal:ord_1');
    expect(mapped.status).toBe('unknown');
    expect(mapped.fulfillmentStatus).toBe('unknown');
    expect(mapped.providerStatus).toEqual({ code: 'on_hold', label: null });
    expect(mapped.warning).toMatchObject({ code: 'unknown-status', orderKey: 'flexportal:ord_1' });
  });

  it('covers the documented payment and rental statuses', () => {
    expect(flexPortalPaymentStatusMap).toEqual({
      pending: 'pending',
      paid: 'paid',
      failed: 'failed',
    });
    expect(flexPortalRentalStatusMap).toEqual({
      pending: 'unfulfilled',
      partial: 'partially_fulfilled',
      completed: 'fulfilled',
    });
  });
});
