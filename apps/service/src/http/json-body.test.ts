import fc from 'fast-check';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { encodeJson, jsonResponse } from './json-body.js';

/** What `JSON.stringify` makes of `value`, as bytes. */
const reference = (value: unknown) => Buffer.from(JSON.stringify(value) as string, 'utf8');

describe('encodeJson', () => {
  it('writes the bytes JSON.stringify writes, for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(encodeJson(value).equals(reference(value))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('writes the bytes JSON.stringify writes, for any object of arrays of anything', () => {
    // Beyond JSON values: undefined members, functions, symbols, Dates, nested arrays, odd keys.
    const anything = fc.anything({
      withBoxedValues: true,
      withDate: true,
      withNullPrototype: true,
      withObjectString: true,
      withSparseArray: true,
      withTypedArray: true,
      withMap: true,
      withSet: true,
    });
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.array(anything)), (value) => {
        expect(encodeJson(value).equals(reference(value))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('leaves members without a JSON form out of objects and writes null for them in arrays', () => {
    const value = {
      gone: undefined,
      fn: () => 1,
      symbol: Symbol('s'),
      kept: 1,
      list: [undefined, () => 1, Symbol('t'), 2],
      last: undefined,
    };
    expect(encodeJson(value).toString('utf8')).toBe('{"kept":1,"list":[null,null,null,2]}');
    expect(encodeJson({ only: undefined }).toString('utf8')).toBe('{}');
  });

  it('encodes characters beyond ASCII as UTF-8, growing its buffer as it goes', () => {
    const value = {
      orders: Array.from({ length: 40 }, (_, index) => ({
        id: `ord_${index}`,
        // 3-byte and 4-byte UTF-8 characters, and an escaped lone surrogate.
        note: `${'€'.repeat(500)}${'😀'.repeat(100)}\ud800`,
      })),
    };
    expect(encodeJson(value).equals(reference(value))).toBe(true);
  });

  it('hands objects with toJSON, class instances and values deeper than the lists to JSON.stringify', () => {
    class Money {
      constructor(readonly amount: string) {}
    }
    const value = {
      at: new Date(Date.UTC(2026, 11, 6)),
      price: new Money('1.00'),
      custom: { toJSON: () => 'custom' },
      rows: [{ nested: { deeper: [1, { x: undefined }] } }, new Map([[1, 2]])],
    };
    expect(encodeJson(value).toString('utf8')).toBe(JSON.stringify(value));
  });

  it('throws as JSON.stringify does on a BigInt or a cycle, and on a value without a JSON form', () => {
    expect(() => encodeJson({ rows: [{ big: 1n }] })).toThrow(TypeError);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = { back: cyclic };
    expect(() => encodeJson({ rows: [cyclic] })).toThrow(TypeError);
    expect(() => encodeJson(undefined)).toThrow('a response body must have a JSON form');
  });

  it('never builds one string of the whole document: a page larger than V8 large objects stays in pieces', () => {
    // 60 orders of ≈ 3 KB: ≈ 180 KB, above V8's ≈ 128 KB limit for a regular heap string.
    const page = {
      orders: Array.from({ length: 60 }, (_, index) => ({ id: index, text: 'x'.repeat(3000) })),
    };
    const expected = reference(page);
    const original = JSON.stringify;
    const lengths: number[] = [];
    JSON.stringify = ((...args: Parameters<typeof JSON.stringify>) => {
      const text = original(...args);
      lengths.push(text?.length ?? 0);
      return text;
    }) as typeof JSON.stringify;
    try {
      expect(encodeJson(page).equals(expected)).toBe(true);
    } finally {
      JSON.stringify = original;
    }
    expect(Math.max(...lengths)).toBeLessThan(4_000);
  });
});

describe('jsonResponse', () => {
  it('answers with the encoded body, the status and application/json', async () => {
    const app = new Hono();
    app.get('/page', (context) => {
      context.header('x-extra', 'kept');
      return jsonResponse(
        context,
        { orders: [{ id: 'ord_1', total: '€5' }], nextCursor: null },
        201,
      );
    });
    const response = await app.request('/page');
    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('x-extra')).toBe('kept');
    expect(await response.text()).toBe(
      '{"orders":[{"id":"ord_1","total":"€5"}],"nextCursor":null}',
    );
  });
});
