import { describe, expect, it } from 'vitest';
import { defineStatusMap, findStatusEntry, mapStatus } from './status.js';

const map = defineStatusMap('ff', [
  {
    code: 5,
    label: 'Capturerequired',
    status: 'processing',
    paymentStatus: 'requires_capture',
    fulfillmentStatus: null,
  },
  {
    code: 7,
    label: 'Completed',
    status: 'completed',
    paymentStatus: 'paid',
    fulfillmentStatus: null,
  },
]);
const partialMap = defineStatusMap('fp', [
  { code: 'confirmed', label: 'confirmed', status: 'processing', fulfillmentStatus: 'unfulfilled' },
]);

describe('mapStatus', () => {
  it('maps a documented value in every dimension and keeps the raw value', () => {
    expect(mapStatus(map, { code: 5, label: 'CAPTUREREQUIRED' })).toEqual({
      status: 'processing',
      paymentStatus: 'requires_capture',
      fulfillmentStatus: null,
      providerStatus: { code: 5, label: 'CAPTUREREQUIRED' },
      warning: undefined,
    });
  });

  it('compares labels case-insensitively', () => {
    expect(mapStatus(map, { code: 'COMPLETED' }).status).toBe('completed');
    expect(mapStatus(map, { code: '', label: 'capturerequired' }).status).toBe('processing');
    // An unknown code is unknown, even with a known label: the code decides.
    const conflicting = mapStatus(map, { code: 99, label: 'capturerequired' });
    expect(conflicting.status).toBe('unknown');
    expect(conflicting.warning?.code).toBe('unknown-status');
  });

  it('maps an unknown value to unknown with a warning instead of throwing', () => {
    const mapped = mapStatus(map, { code: 8, label: 'Chargeback' }, 'ff:1');
    expect(mapped.status).toBe('unknown');
    expect(mapped.paymentStatus).toBe('unknown');
    expect(mapped.fulfillmentStatus).toBe('unknown');
    expect(mapped.providerStatus).toEqual({ code: 8, label: 'Chargeback' });
    expect(mapped.warning).toMatchObject({
      code: 'unknown-status',
      provider: 'ff',
      orderKey: 'ff:1',
    });
    expect(mapped.warning?.message).toContain('8');
  });

  it('leaves dimensions another field decides undefined, even for unknown values', () => {
    expect(mapStatus(partialMap, { code: 'confirmed' }).paymentStatus).toBeUndefined();
    expect(mapStatus(partialMap, { code: 'archived' }).paymentStatus).toBeUndefined();
    expect(mapStatus(partialMap, { code: 'archived' }).fulfillmentStatus).toBe('unknown');
  });

  it('finds the first entry, in table order, whose code or label matches', () => {
    const overlapping = defineStatusMap('x', [
      { code: 'held', label: 'paused', status: 'on_hold' },
      { code: 'paused', label: 'Paused', status: 'pending' },
    ]);
    expect(findStatusEntry(overlapping, 'PAUSED')?.status).toBe('on_hold');
    expect(findStatusEntry(overlapping, ' held ')?.status).toBe('on_hold');
    expect(findStatusEntry(overlapping, 'constructor')).toBeUndefined();
    expect(findStatusEntry(map, 7)?.label).toBe('Completed');
    expect(findStatusEntry(map, '7')?.label).toBe('Completed');
  });

  it('refuses a map that lists a code twice', () => {
    expect(() =>
      defineStatusMap('x', [
        { code: 'a', label: 'A', status: 'pending' },
        { code: 'A', label: 'B', status: 'pending' },
      ]),
    ).toThrow(/twice/);
  });
});

describe("name-only statuses and the response's own labels", () => {
  const withChargeback = defineStatusMap(
    'ff',
    [
      {
        code: 7,
        label: 'Completed',
        status: 'completed',
        paymentStatus: 'paid',
        fulfillmentStatus: null,
      },
    ],
    [
      {
        label: 'Chargeback',
        status: 'completed',
        paymentStatus: 'disputed',
        fulfillmentStatus: null,
      },
    ],
  );

  it('recognises an unknown code by the label the response gives it', () => {
    const mapped = mapStatus(withChargeback, { code: 8, label: null }, 'ff:1', {
      '8': 'CHARGEBACK',
    });
    expect(mapped).toMatchObject({
      status: 'completed',
      paymentStatus: 'disputed',
      warning: undefined,
    });
    expect(mapped.providerStatus).toEqual({ code: 8, label: null });
  });

  it("recognises it by the order's own label when the response has no table", () => {
    expect(mapStatus(withChargeback, { code: 11, label: 'chargeback' }).paymentStatus).toBe(
      'disputed',
    );
  });

  it('keeps unknown with a warning for any other name', () => {
    const mapped = mapStatus(withChargeback, { code: 9, label: 'Weird' }, 'ff:2', { '9': 'Weird' });
    expect(mapped.status).toBe('unknown');
    expect(mapped.paymentStatus).toBe('unknown');
    expect(mapped.warning?.code).toBe('unknown-status');
  });

  it('never lets the label table override a documented code', () => {
    expect(
      mapStatus(withChargeback, { code: 7 }, undefined, { '7': 'Chargeback' }).paymentStatus,
    ).toBe('paid');
  });

  it('refuses a name-only status that repeats a documented label', () => {
    expect(() =>
      defineStatusMap(
        'ff',
        [{ code: 7, label: 'Completed', status: 'completed' }],
        [{ label: 'completed', status: 'completed' }],
      ),
    ).toThrow(/twice/);
  });
});
