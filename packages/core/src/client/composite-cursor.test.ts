import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseOrderQuery } from '../query/order-query.js';
import { cursorQuery, encodeCompositeCursor } from './composite-cursor.js';

type CursorState = Parameters<typeof encodeCompositeCursor>[1];

const STATE: CursorState = {
  pageSize: 50,
  positions: new Map<string, CursorState['positions'] extends Map<string, infer P> ? P : never>([
    [
      'flexportal',
      {
        pageCursor: 'opaque-page-cursor',
        consumed: 50,
        lastKey: 'flexportal:ord_1',
        lastValue: '2026-05-30T04:51:56.911Z',
      },
    ],
    ['flexfactor', 'done'],
  ]),
};

describe('composite cursors', () => {
  const query = parseOrderQuery({ status: ['processing'], limit: 50 });
  const cursor = encodeCompositeCursor(query, STATE);
  const json = inflateRawSync(Buffer.from(cursor, 'base64url')).toString('utf8');
  const withDefaults = deflateRawSync(json).toString('base64url');

  it('reads its own cursors back', () => {
    expect(cursorQuery(cursor).providers).toEqual(['flexportal', 'flexfactor']);
    expect(cursorQuery(cursor).query).toMatchObject({ status: ['processing'] });
  });

  it('reads a cursor deflated with zlib defaults, as cursors were made before the small window', () => {
    expect(cursorQuery(withDefaults)).toEqual(cursorQuery(cursor));
  });

  it('reads each cursor for what it is when cursors alternate (the last read is remembered)', () => {
    const other = encodeCompositeCursor(parseOrderQuery({ status: ['completed'], limit: 10 }), {
      pageSize: 10,
      positions: new Map([['flexfactor', 'done']]),
    });
    for (const [read, status, providers] of [
      [cursor, 'processing', ['flexportal', 'flexfactor']],
      [other, 'completed', ['flexfactor']],
      [cursor, 'processing', ['flexportal', 'flexfactor']],
      [cursor, 'processing', ['flexportal', 'flexfactor']],
      [other, 'completed', ['flexfactor']],
    ] as const) {
      expect(cursorQuery(read)).toEqual({ query: { status: [status] }, providers });
    }
    // A broken cursor after a good one is refused, and the good one still reads after it.
    expect(() => cursorQuery(`${cursor.slice(0, -4)}AAAA`)).toThrow(/not a cursor/);
    expect(() => cursorQuery(`${cursor.slice(0, -4)}AAAA`)).toThrow(/not a cursor/);
    expect(cursorQuery(cursor).providers).toEqual(['flexportal', 'flexfactor']);
  });

  it('makes cursors no longer than zlib defaults would', () => {
    expect(cursor.length).toBeLessThanOrEqual(withDefaults.length);
  });
});
