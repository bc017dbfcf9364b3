import { OrderBridgeError } from '@orderbridge/core';
import { describe, expect, it } from 'vitest';
import { assertNoInvalidRecords } from './strict-check.js';

describe('--strict', () => {
  it('passes results without invalid records', () => {
    expect(() =>
      assertNoInvalidRecords([{ code: 'filter-emulated', message: 'merchantId done locally' }]),
    ).not.toThrow();
  });

  it('fails on an invalid-record warning, naming the provider and the record', () => {
    let caught: unknown;
    try {
      assertNoInvalidRecords([
        {
          code: 'invalid-record',
          provider: 'flexfactor',
          recordId: '42',
          message: 'order 42 has no total',
        },
      ]);
    } catch (error) {
      caught = error;
    }
    expect(OrderBridgeError.isInstance(caught)).toBe(true);
    expect((caught as OrderBridgeError).provider).toBe('flexfactor');
    expect((caught as Error).message).toBe(
      'order 42 has no total (record 42); --strict refuses results with invalid records',
    );
  });
});
