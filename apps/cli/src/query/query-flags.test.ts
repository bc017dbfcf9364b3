import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors/usage-error.js';
import { parseDateFlag } from './date-flag.js';
import { collectList, parseIntegerFlag } from './integer-flag.js';
import { buildOrderQuery, type QueryFlagValues } from './query-flags.js';
import { suggestClosest } from './suggest-closest.js';

const now = () => new Date('2024-05-10T12:00:00.000Z');
const context = { now, command: 'orderbridge orders list' };

function usageMessage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(UsageError.isInstance(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected a UsageError');
}

describe('buildOrderQuery', () => {
  it('maps every flag to the canonical query', () => {
    const flags: QueryFlagValues = {
      status: ['processing', 'on_hold'],
      paymentStatus: ['paid'],
      fulfillmentStatus: ['partially_fulfilled', 'fulfilled'],
      createdFrom: '2024-03-01',
      createdTo: '2024-03-31',
      customer: 'cus_1',
      merchant: 'mer_2',
      search: 'acme',
      currency: 'eur',
      sort: 'total:asc',
      limit: '25',
      cursor: 'abc',
    };
    expect(buildOrderQuery(flags, context)).toEqual({
      status: ['processing', 'on_hold'],
      paymentStatus: ['paid'],
      fulfillmentStatus: ['partially_fulfilled', 'fulfilled'],
      createdFrom: '2024-03-01T00:00:00.000Z',
      createdTo: '2024-03-31T23:59:59.999Z',
      customerId: 'cus_1',
      merchantId: 'mer_2',
      search: 'acme',
      currency: 'EUR',
      sort: { field: 'total', direction: 'asc' },
      limit: 25,
      cursor: 'abc',
    });
  });

  it('refuses --sort total without --currency, naming the flag and why', () => {
    expect(() => buildOrderQuery({ sort: 'total:desc' }, context)).toThrow(
      /--currency sorting by total needs a single currency: amounts in different currencies cannot be ordered without exchange rates/,
    );
  });

  it('accepts the new payment statuses', () => {
    expect(
      buildOrderQuery({ paymentStatus: ['partially-refunded', 'Disputed'] }, context).paymentStatus,
    ).toEqual(['partially_refunded', 'disputed']);
  });

  it('reads repeated and comma-separated statuses, case-insensitively and with dashes, without duplicates', () => {
    let values = collectList('Pending, on-hold', undefined);
    values = collectList('pending', values);
    values = collectList('completed', values);
    expect(values).toEqual(['Pending', 'on-hold', 'pending', 'completed']);
    expect(buildOrderQuery({ status: values }, context).status).toEqual([
      'pending',
      'on_hold',
      'completed',
    ]);
  });

  it('applies the default limit only when --limit is absent', () => {
    expect(buildOrderQuery({}, { ...context, defaultLimit: 50 }).limit).toBe(50);
    expect(buildOrderQuery({ limit: '7' }, { ...context, defaultLimit: 50 }).limit).toBe(7);
    expect(buildOrderQuery({}, context).limit).toBeUndefined();
  });

  it('defaults the sort direction to desc and accepts snake_case fields', () => {
    expect(buildOrderQuery({ sort: 'created_at' }, context).sort).toEqual({
      field: 'createdAt',
      direction: 'desc',
    });
    expect(buildOrderQuery({ sort: 'updatedAt:ASC' }, context).sort).toEqual({
      field: 'updatedAt',
      direction: 'asc',
    });
  });

  it('rejects a bad status with the allowed values and a suggestion', () => {
    const message = usageMessage(() =>
      buildOrderQuery({ status: ['shipped', 'compleated'] }, context),
    );
    expect(message).toContain('--status: "shipped" is not a valid value');
    expect(message).toContain(
      'Allowed: draft, pending, on_hold, processing, completed, cancelled, failed, returned, unknown',
    );
    expect(usageMessage(() => buildOrderQuery({ status: ['compleated'] }, context))).toContain(
      'did you mean "completed"?',
    );
    expect(usageMessage(() => buildOrderQuery({ paymentStatus: ['payed'] }, context))).toMatch(
      /--payment-status: "payed".*did you mean "paid"/,
    );
    expect(usageMessage(() => buildOrderQuery({ fulfillmentStatus: [''] }, context))).toContain(
      '--fulfillment-status: empty value',
    );
  });

  it('rejects bad sorts, limits and dates naming the flag', () => {
    expect(usageMessage(() => buildOrderQuery({ sort: 'amount' }, context))).toContain(
      '--sort: "amount" is not a sort field',
    );
    expect(usageMessage(() => buildOrderQuery({ sort: 'totl:asc' }, context))).toContain(
      'did you mean "total"?',
    );
    expect(usageMessage(() => buildOrderQuery({ sort: 'total:up' }, context))).toContain(
      'must be asc or desc',
    );
    expect(usageMessage(() => buildOrderQuery({ sort: 'a:b:c' }, context))).toContain(
      'field[:direction]',
    );
    expect(usageMessage(() => buildOrderQuery({ limit: '0' }, context))).toContain(
      '--limit: 0 is out of range (expected 1 to 1000)',
    );
    expect(usageMessage(() => buildOrderQuery({ limit: '10.5' }, context))).toContain(
      'not a whole number',
    );
    expect(usageMessage(() => buildOrderQuery({ limit: '5000' }, context))).toContain(
      'out of range',
    );
    expect(usageMessage(() => buildOrderQuery({ createdFrom: 'yesterday' }, context))).toContain(
      '--created-from: "yesterday" is not a date',
    );
    expect(usageMessage(() => buildOrderQuery({ createdTo: '2024-02-30' }, context))).toContain(
      '(no such date)',
    );
  });

  it('rejects a range that ends before it starts, naming both flags', () => {
    expect(
      usageMessage(() =>
        buildOrderQuery({ createdFrom: '2024-03-02', createdTo: '2024-03-01' }, context),
      ),
    ).toBe('--created-to must not be before --created-from.');
  });

  it('rejects empty free-text filters through core’s validation, naming the flag', () => {
    expect(usageMessage(() => buildOrderQuery({ search: '   ' }, context))).toContain(
      '--search must not be empty',
    );
  });
});

describe('parseDateFlag', () => {
  it('reads relative times before now', () => {
    expect(parseDateFlag('--created-from', '30m', 'from', now)).toBe('2024-05-10T11:30:00.000Z');
    expect(parseDateFlag('--created-from', '12h', 'from', now)).toBe('2024-05-10T00:00:00.000Z');
    expect(parseDateFlag('--created-from', '7d', 'from', now)).toBe('2024-05-03T12:00:00.000Z');
    expect(parseDateFlag('--created-from', '2W', 'from', now)).toBe('2024-04-26T12:00:00.000Z');
  });

  it('reads a bare date as the start (from) or the inclusive end (to) of that UTC day', () => {
    expect(parseDateFlag('--created-from', '2024-03-31', 'from', now)).toBe(
      '2024-03-31T00:00:00.000Z',
    );
    expect(parseDateFlag('--created-to', '2024-03-31', 'to', now)).toBe('2024-03-31T23:59:59.999Z');
  });

  it('reads date-times with and without zones (no zone is UTC)', () => {
    expect(parseDateFlag('--created-to', '2024-03-01T10:00:00+02:00', 'to', now)).toBe(
      '2024-03-01T08:00:00.000Z',
    );
    expect(parseDateFlag('--created-to', '2024-03-01T10:00:00', 'to', now)).toBe(
      '2024-03-01T10:00:00.000Z',
    );
  });

  it('rejects anything else with the accepted forms', () => {
    expect(() => parseDateFlag('--created-to', '7y', 'to', now)).toThrow(/30m, 12h, 7d, 2w/);
  });
});

describe('parseIntegerFlag and suggestClosest', () => {
  it('accepts whole numbers in range only', () => {
    expect(parseIntegerFlag('--port', '4010', 0, 65535)).toBe(4010);
    expect(() => parseIntegerFlag('--port', 'abc', 0, 65535)).toThrow(
      '--port: "abc" is not a whole number (expected 0 to 65535).',
    );
    expect(() => parseIntegerFlag('--port', '70000', 0, 65535)).toThrow('out of range');
  });

  it('suggests close values and prefixes, and nothing for unrelated text', () => {
    expect(suggestClosest('procesing', ['pending', 'processing'])).toBe('processing');
    expect(suggestClosest('compl', ['completed', 'cancelled'])).toBe('completed');
    expect(suggestClosest('xyz', ['completed', 'cancelled'])).toBeUndefined();
  });
});
