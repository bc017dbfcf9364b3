import { describe, expect, it } from 'vitest';
import { flexFactorEventOf, flexFactorWebhookPayload } from './flexfactor-webhook-events.js';

describe('flexFactorEventOf', () => {
  it.each([
    [{ status: 4, refundsAmount: 0 }, { status: 7, refundsAmount: 0 }, 'order.completed'],
    [{ status: 7, refundsAmount: 0 }, { status: 6, refundsAmount: 10 }, 'order.refunded'],
    [{ status: 7, refundsAmount: 0 }, { status: 7, refundsAmount: 2.5 }, 'order.refunded'],
    [{ status: 0, refundsAmount: 0 }, { status: 2, refundsAmount: 0 }, 'order.cancelled'],
    [undefined, { status: 5, refundsAmount: 0 }, 'order.capturerequired'],
    [undefined, { status: 7, refundsAmount: 0 }, 'order.completed'],
  ] as const)('%j → %j announces %s', (before, after, event) => {
    expect(flexFactorEventOf(before, after)).toBe(event);
  });

  it.each([
    [
      { status: 0, refundsAmount: 0 },
      { status: 4, refundsAmount: 0 },
    ],
    [
      { status: 4, refundsAmount: 0 },
      { status: 3, refundsAmount: 0 },
    ],
    [undefined, { status: 4, refundsAmount: 0 }],
    [undefined, { status: 1, refundsAmount: 0 }],
  ] as const)('%j → %j has no documented event', (before, after) => {
    expect(flexFactorEventOf(before, after)).toBeUndefined();
  });
});

describe('flexFactorWebhookPayload', () => {
  it('carries the documented fields, the order id and reference as strings', () => {
    const payload = flexFactorWebhookPayload(
      'order.completed',
      {
        id: 'ff-1',
        referenceNumber: 'ref-1',
        status: 7,
        statusName: 'completed',
        refundsAmount: 0,
      },
      '2026-01-01T00:00:00.000001Z',
    );
    expect(payload).toEqual({
      event: 'order.completed',
      timeStamp: '2026-01-01T00:00:00.000001Z',
      eventData: { status: 7, statusName: 'completed', refundsAmount: 0 },
      externalOrderId: 'ref-1',
      orderId: 'ff-1',
      isTestMode: true,
      isResent: false,
    });
  });
});
