import { describe, expect, it } from 'vitest';
import { InvalidQueryError } from '../errors/invalid-query-error.js';
import { parseOrderQuery, queryFingerprint } from './order-query.js';

function issuesOf(input: unknown) {
  try {
    parseOrderQuery(input);
  } catch (error) {
    if (InvalidQueryError.isInstance(error)) return error.issues;
    throw error;
  }
  throw new Error('expected InvalidQueryError');
}

describe('parseOrderQuery', () => {
  it('accepts and normalises a full query', () => {
    expect(
      parseOrderQuery({
        status: ['processing', 'completed'],
        paymentStatus: ['paid'],
        fulfillmentStatus: ['fulfilled'],
        createdFrom: '2024-03-01',
        createdTo: '2024-03-31T23:59:59+01:00',
        customerId: 'cust_1',
        merchantId: 'm1',
        search: ' apple ',
        currency: ' usd ',
        sort: { field: 'total', direction: 'asc' },
        limit: 25,
        cursor: 'abc',
      }),
    ).toEqual({
      status: ['processing', 'completed'],
      paymentStatus: ['paid'],
      fulfillmentStatus: ['fulfilled'],
      createdFrom: '2024-03-01T00:00:00.000Z',
      createdTo: '2024-03-31T22:59:59.000Z',
      customerId: 'cust_1',
      merchantId: 'm1',
      search: 'apple',
      currency: 'USD',
      sort: { field: 'total', direction: 'asc' },
      limit: 25,
      cursor: 'abc',
    });
  });

  it('refuses a total sort that does not name one currency, and a malformed currency', () => {
    expect(issuesOf({ sort: { field: 'total', direction: 'desc' } })).toEqual([
      { field: 'currency', message: expect.stringContaining('exchange rates') },
    ]);
    expect(issuesOf({ currency: 'US$' })[0]?.field).toBe('currency');
    expect(parseOrderQuery({ currency: 'jpy' }).currency).toBe('JPY');
  });

  it('accepts an empty query', () => {
    expect(parseOrderQuery(undefined)).toEqual({});
  });

  it('names each bad field and why', () => {
    const issues = issuesOf({
      status: ['shipped'],
      createdFrom: 'last tuesday',
      limit: 0,
      sort: { field: 'price', direction: 'up' },
      colour: 'red',
    });
    const fields = issues.map((issue) => issue.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'status[0]',
        'createdFrom',
        'limit',
        'sort.field',
        'sort.direction',
        'colour',
      ]),
    );
    expect(issues.find((issue) => issue.field === 'createdFrom')?.message).toMatch(/ISO 8601/);
    expect(issues.find((issue) => issue.field === 'limit')?.message).toMatch(/at least 1/);
    expect(issues.find((issue) => issue.field === 'sort.field')?.message).toMatch(/createdAt/);
    expect(issues.find((issue) => issue.field === 'colour')?.message).toMatch(/not a query field/);
  });

  it('refuses a date range that ends before it starts', () => {
    expect(issuesOf({ createdFrom: '2024-03-02', createdTo: '2024-03-01' })).toEqual([
      { field: 'createdTo', message: 'must not be before createdFrom' },
    ]);
  });

  it('refuses limits above the maximum and empty strings', () => {
    expect(issuesOf({ limit: 1001 })[0]?.message).toMatch(/at most 1000/);
    expect(issuesOf({ search: '   ' })[0]).toEqual({
      field: 'search',
      message: 'must not be empty',
    });
    expect(issuesOf({ status: [] })[0]?.field).toBe('status');
  });

  it('puts the issues in the error message', () => {
    expect(() => parseOrderQuery({ limit: 'ten' })).toThrow(/limit: must be a whole number/);
  });
});

describe('queryFingerprint', () => {
  it('ignores cursor, limit and the order of status values', () => {
    expect(
      queryFingerprint(
        parseOrderQuery({ status: ['pending', 'completed'], limit: 5, cursor: 'x' }),
      ),
    ).toBe(queryFingerprint(parseOrderQuery({ status: ['completed', 'pending'] })));
  });
  it('distinguishes filters and the default sort from another sort', () => {
    expect(queryFingerprint(parseOrderQuery({}))).not.toBe(
      queryFingerprint(parseOrderQuery({ customerId: 'c' })),
    );
    expect(queryFingerprint(parseOrderQuery({}))).toBe(
      queryFingerprint(parseOrderQuery({ sort: { field: 'createdAt', direction: 'desc' } })),
    );
    expect(queryFingerprint(parseOrderQuery({}))).not.toBe(
      queryFingerprint(parseOrderQuery({ sort: { field: 'createdAt', direction: 'asc' } })),
    );
  });
});
