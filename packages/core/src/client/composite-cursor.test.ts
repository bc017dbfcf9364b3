import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseOrderQuery } from '../query/order-query.js';
import {
  cursorBinding,
  cursorQuery,
  decodeCompositeCursor,
  encodeCompositeCursor,
} from './composite-cursor.js';

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
  const json = Buffer.from(cursor, 'base64url').toString('utf8');
  // The two deflated forms cursors had before they went out as plain JSON.
  const withDefaults = deflateRawSync(json).toString('base64url');
  const withSmallWindow = deflateRawSync(json, { windowBits: 9, memLevel: 4 }).toString(
    'base64url',
  );

  it('reads its own cursors back', () => {
    expect(cursorQuery(cursor).providers).toEqual(['flexportal', 'flexfactor']);
    expect(cursorQuery(cursor).query).toMatchObject({ status: ['processing'] });
  });

  it('is the JSON of its position, base64url (no zlib: its handles outlive scavenges)', () => {
    expect(JSON.parse(json)).toMatchObject({ v: 2, s: 50, f: { status: ['processing'] } });
  });

  it('reads the deflated cursors made before, with zlib defaults or the small window', () => {
    expect(cursorQuery(withDefaults)).toEqual(cursorQuery(cursor));
    expect(cursorQuery(withSmallWindow)).toEqual(cursorQuery(cursor));
    const state = (read: string) =>
      decodeCompositeCursor(
        read,
        cursorBinding(query, ['flexportal', 'flexfactor']),
        ['flexportal', 'flexfactor'],
        'createdAt',
      );
    expect(state(withDefaults)).toEqual(state(cursor));
    expect(state(withSmallWindow)).toEqual(STATE);
  });

  it('tells the two forms apart by the first byte: a deflated JSON cursor never starts with "{"', () => {
    for (const form of [
      withDefaults,
      withSmallWindow,
      deflateRawSync(json, { level: 0 }).toString('base64url'),
    ]) {
      expect(Buffer.from(form, 'base64url')[0]).not.toBe(0x7b);
    }
    // JSON that is not a cursor's, in either form, is refused.
    const foreign = JSON.stringify({ v: 2, s: 50 });
    expect(() => cursorQuery(Buffer.from(foreign).toString('base64url'))).toThrow(/not a cursor/);
    expect(() => cursorQuery(deflateRawSync(foreign).toString('base64url'))).toThrow(
      /not a cursor/,
    );
  });

  it('hands out the remembered read frozen: a reader cannot change what the next read returns', () => {
    const first = cursorQuery(cursor);
    expect(() => {
      (first.query as { status: string[] }).status.push('completed');
    }).toThrow(TypeError);
    expect(() => {
      (first.query as Record<string, unknown>).customerId = 'c1';
    }).toThrow(TypeError);
    expect(cursorQuery(cursor).query).toEqual({ status: ['processing'] });
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
});
