import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeOnPostgres } from '../test-support/postgres-test-database.js';
import { binaryArray } from './binary-array.js';

/** Strings the text format has to escape or could misread, and multi-byte UTF-8. */
const AWKWARD = [
  'plain',
  '',
  'NULL',
  'with "quotes" and \\ backslashes \\\\',
  '{braces},commas, and spaces ',
  'line\nbreak\ttab',
  '€ £ ¥ ü 日本 😀',
  'x'.repeat(70_000),
];

describe('binaryArray', () => {
  it('leaves arrays with a value that is not a string to pg', () => {
    expect(binaryArray(['a', 1], 'text')).toBeUndefined();
    expect(binaryArray([{ a: 1 }], 'jsonb')).toBeUndefined();
  });

  it("writes a one-dimensional array: header, then each element's length and UTF-8 bytes", () => {
    const buffer = binaryArray(['é', null], 'text')!;
    expect([0, 4, 8, 12, 16].map((offset) => buffer.readInt32BE(offset))).toEqual([1, 1, 25, 2, 1]);
    expect(buffer.readInt32BE(20)).toBe(2);
    expect(buffer.subarray(24, 26).toString('utf8')).toBe('é');
    expect(buffer.readInt32BE(26)).toBe(-1);
    expect(buffer.length).toBe(30);
  });
});

describeOnPostgres((database) => {
  let client: pg.Client;
  beforeAll(async () => {
    client = new pg.Client({ connectionString: await database().newStoreUrl() });
    await client.connect();
  });
  afterAll(() => client?.end());

  it('round-trips text[] through the server exactly, NULLs included', async () => {
    const values = [...AWKWARD, null, 'after the null'];
    const { rows } = await client.query<{ value: string | null }>(
      'select value from unnest($1::text[]) with ordinality as t(value, n) order by n',
      [binaryArray(values, 'text')],
    );
    expect(rows.map((row) => row.value)).toEqual(values);
  });

  it('round-trips jsonb[] documents, as the server parses them', async () => {
    const documents = AWKWARD.map((text, index) => ({ index, text, nested: { list: [text] } }));
    const values = [...documents.map((document) => JSON.stringify(document)), null];
    const { rows } = await client.query<{ value: unknown }>(
      'select value from unnest($1::jsonb[]) with ordinality as t(value, n) order by n',
      [binaryArray(values, 'jsonb')],
    );
    expect(rows.map((row) => row.value)).toEqual([...documents, null]);
  });

  it('is refused by the server when the JSON is not valid, as the text format is', async () => {
    await expect(
      client.query('select unnest($1::jsonb[])', [binaryArray(['{"open": '], 'jsonb')]),
    ).rejects.toThrow(/invalid input syntax for type json/);
  });

  it('is empty for no values', async () => {
    const { rows } = await client.query('select count(*)::int as n from unnest($1::text[])', [
      binaryArray([], 'text'),
    ]);
    expect(rows[0].n).toBe(0);
  });
});
