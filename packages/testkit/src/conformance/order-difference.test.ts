import { describe, expect, it } from 'vitest';
import { sampleOrders } from '../memory/sample-orders.js';
import { firstOrderDifference, firstOrderDisagreement } from './order-difference.js';

const [listed] = sampleOrders({ count: 1 });

describe('firstOrderDisagreement', () => {
  it('accepts more detail where the listing had none', () => {
    const fetched = {
      ...listed!,
      customer: {
        id: null,
        email: 'payer@example.org',
        name: listed!.customer?.name ?? null,
        company: null,
      },
      extensions: { memory: { ...(listed!.extensions.memory ?? {}), correlationId: 'c-1' } },
    };
    const withoutDetail = { ...listed!, customer: { ...fetched.customer, email: null } };
    expect(firstOrderDisagreement(fetched, withoutDetail)).toBeUndefined();
    expect(firstOrderDifference(fetched, withoutDetail)?.path).toBe('customer.email');
  });

  it('compares the raw status label case-insensitively, and nothing else loosely', () => {
    const upper = {
      ...listed!,
      providerStatus: { code: listed!.providerStatus.code, label: 'COMPLETED' },
    };
    const lower = {
      ...listed!,
      providerStatus: { code: listed!.providerStatus.code, label: 'completed' },
    };
    expect(firstOrderDisagreement(upper, lower)).toBeUndefined();
    const otherTotal = {
      ...listed!,
      totals: {
        ...listed!.totals,
        total: { ...listed!.totals.total, amountMinor: listed!.totals.total.amountMinor + 1 },
      },
    };
    expect(firstOrderDisagreement(otherTotal, listed!)?.path).toBe('totals.total.amountMinor');
    expect(
      firstOrderDisagreement({ ...listed!, reference: null }, { ...listed!, reference: 'R-1' })
        ?.path,
    ).toBe('reference');
  });
});
