import { InvalidQueryError, parseOrderQuery } from '@orderbridge/core';
import { describe, expect, it } from 'vitest';
import {
  decodeFlexFactorCursor,
  encodeFlexFactorCursor,
  type FlexFactorCursorState,
  queryBinding,
} from './flexfactor-cursor.js';

const query = parseOrderQuery({ status: ['completed'], createdFrom: '2024-03-01' });
const state: FlexFactorCursorState = {
  v: 1,
  page: 3,
  size: 100,
  to: '2024-03-31T23:59:59.000Z',
  total: 1234,
  last: { id: 'abc', value: '2024-03-06T10:09:18.437947Z' },
  fp: queryBinding(query),
};

describe('FlexFactor cursors', () => {
  it('round-trips', () => {
    const cursor = encodeFlexFactorCursor(state);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeFlexFactorCursor(cursor, { provider: 'flexfactor', binding: state.fp })).toEqual(
      state,
    );
    const money = { ...state, last: { id: 'x', value: { amountMinor: 4565, currency: 'USD' } } };
    expect(
      decodeFlexFactorCursor(encodeFlexFactorCursor(money), {
        provider: 'flexfactor',
        binding: state.fp,
      }),
    ).toEqual(money);
  });

  it('binds to filters and sort but not to limit or cursor', () => {
    expect(queryBinding(parseOrderQuery({ ...query, limit: 5, cursor: 'x' }))).toBe(state.fp);
    expect(queryBinding(parseOrderQuery({ status: ['cancelled'] }))).not.toBe(state.fp);
    expect(
      queryBinding(parseOrderQuery({ ...query, sort: { field: 'createdAt', direction: 'asc' } })),
    ).not.toBe(state.fp);
  });

  it('rejects a cursor of another query with InvalidQueryError on field cursor', () => {
    const cursor = encodeFlexFactorCursor(state);
    const other = queryBinding(parseOrderQuery({ status: ['cancelled'] }));
    let thrown: unknown;
    try {
      decodeFlexFactorCursor(cursor, { provider: 'flexfactor', binding: other });
    } catch (error) {
      thrown = error;
    }
    expect(InvalidQueryError.isInstance(thrown)).toBe(true);
    expect((thrown as InvalidQueryError).issues).toEqual([
      { field: 'cursor', message: expect.stringContaining('another sort') },
    ]);
  });

  it.each([
    ['not base64 json', 'not a cursor!'],
    ['another provider cursor', 'ord_abc123xyz'],
    ['a tampered page', encodeFlexFactorCursor({ ...state, page: 0 })],
    ['an unknown version', Buffer.from(JSON.stringify({ ...state, v: 2 })).toString('base64url')],
    ['a bad pin', Buffer.from(JSON.stringify({ ...state, to: 'soon' })).toString('base64url')],
  ])('rejects %s', (_name, cursor) => {
    expect(() =>
      decodeFlexFactorCursor(cursor, { provider: 'flexfactor', binding: state.fp }),
    ).toThrow(/cursor/);
  });
});
