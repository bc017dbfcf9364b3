import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ProviderResponseError } from '../errors/provider-response-error.js';
import { joinPath, mapRecords } from './map-records.js';

const recordSchema = z.object({ id: z.string(), amount: z.number() });

function run(records: unknown[], strict = false) {
  return mapRecords(records, {
    provider: 'demo',
    path: 'orders',
    operation: 'GET /v1/orders',
    strict,
    status: 200,
    requestId: 'req_1',
    recordId: (record) => (record as { id?: string }).id,
    map: (record) => {
      const parsed = recordSchema.parse(record);
      if (parsed.amount < 0) {
        throw new ProviderResponseError({
          provider: 'demo',
          issues: [{ path: 'amount', message: 'negative' }],
          message: 'negative amount',
        });
      }
      return { value: parsed.id, warnings: [] };
    },
  });
}

describe('mapRecords', () => {
  it('delivers the good records and reports each bad one with its JSON path and id', () => {
    const result = run([
      { id: 'a', amount: 1 },
      { id: 'b', amount: 'x' },
      { id: 'c', amount: -1 },
      'not an object',
      { id: 'e', amount: 2 },
    ]);
    expect(result.values).toEqual(['a', 'e']);
    expect(result.warnings).toEqual([
      expect.objectContaining({
        code: 'invalid-record',
        provider: 'demo',
        recordId: 'b',
        issues: [{ path: 'orders[1].amount', message: expect.any(String) }],
      }),
      expect.objectContaining({
        recordId: 'c',
        issues: [{ path: 'orders[2].amount', message: 'negative' }],
      }),
      expect.objectContaining({
        issues: [{ path: 'orders[3]', message: expect.any(String) }],
      }),
    ]);
    expect(result.warnings[2]).not.toHaveProperty('recordId');
    expect(result.warnings[0]?.message).toContain('order "b" (orders[1])');
  });

  it('throws on the first bad record in strict mode, with the path', () => {
    let thrown: unknown;
    try {
      run([{ id: 'a', amount: 1 }, { id: 'b' }], true);
    } catch (error) {
      thrown = error;
    }
    expect(ProviderResponseError.isInstance(thrown)).toBe(true);
    const error = thrown as ProviderResponseError;
    expect(error.path).toBe('orders[1].amount');
    expect(error.status).toBe(200);
    expect(error.requestId).toBe('req_1');
    expect(error.message).toContain('order "b" (orders[1])');
  });

  it('lets errors that are not schema violations propagate', () => {
    expect(() =>
      mapRecords([1], {
        provider: 'demo',
        path: 'orders',
        operation: 'GET',
        recordId: () => undefined,
        map: () => {
          throw new RangeError('bug');
        },
      }),
    ).toThrow(RangeError);
  });

  it('joins paths', () => {
    expect(joinPath('orders[3]', 'totals.total')).toBe('orders[3].totals.total');
    expect(joinPath('orders[3]', '[0]')).toBe('orders[3][0]');
    expect(joinPath('orders[3]', '')).toBe('orders[3]');
    expect(joinPath('', '')).toBe('(root)');
  });
});
