import {
  InvalidQueryError,
  OrderBridgeError,
  type OrderClient,
  type OrderListResult,
  parseOrderQuery,
} from '@orderbridge/core';
import type { FlexFactorProvider } from '@orderbridge/flexfactor';
import type { Sandbox } from '@orderbridge/sandbox';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evidence } from '../support/evidence.js';
import {
  clientOn,
  flexFactorOn,
  flexFactorTruth,
  flexPortalOn,
  flexPortalTruth,
  keysInOrder,
  keysOf,
  startSuiteSandbox,
} from '../support/suite-sandbox.js';

const QUERY = { limit: 10 } as const;

type Json = Record<string, unknown>;

/**
 * A cursor's JSON. The providers' cursors and core's composite cursor are all JSON in base64url,
 * so a forger decodes, edits and encodes any of them alike.
 */
function decode(cursor: string): Json {
  return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Json;
}

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** QUERY with its sort spelled out: a query that names a sort is checked against its cursor. */
const STATED_QUERY = { ...QUERY, sort: { field: 'createdAt', direction: 'desc' } } as const;

/** Runs a call that must be refused; returns what it threw (or the page, if it was not refused). */
async function outcome(
  call: () => Promise<unknown>,
): Promise<{ error?: unknown; value?: unknown }> {
  try {
    return { value: await call() };
  } catch (error) {
    return { error };
  }
}

/** Asserts `error` is an InvalidQueryError about the cursor (not some other field). */
function expectCursorRejected(result: { error?: unknown; value?: unknown }, label: string): void {
  if (result.error !== undefined) evidence.addError(`forged/${label}`, result.error);
  expect(result.value, `${label}: a forged cursor must not return a page`).toBeUndefined();
  expect(InvalidQueryError.isInstance(result.error), `${label}: ${String(result.error)}`).toBe(
    true,
  );
  const error = result.error as InvalidQueryError;
  expect(
    error.issues.map((issue) => issue.field),
    `${label}: ${error.message}`,
  ).toEqual(['cursor']);
}

/**
 * Forged cursors. A composite cursor that was modified, made for another query or provider set,
 * or carries a garbled provider cursor must be refused with a typed error (InvalidQueryError about
 * the cursor where the client can tell), never answered with a wrong page. Service cursor signing
 * is tested by the service's own suite; the library's cursors are not signed, so a well-typed
 * change of position (another key, another offset) is a different position, not a forgery the
 * library can detect.
 */
export function describeForgedCursors(): void {
  describe('forged cursors', () => {
    let sandbox: Sandbox;
    let client: OrderClient;
    let first: OrderListResult;
    let valid: Json;
    let truth: string[];

    beforeAll(async () => {
      sandbox = await startSuiteSandbox({ flexportal: 40, flexfactor: 40, seed: 61 });
      truth = keysInOrder(
        [...flexPortalTruth(sandbox).orders, ...flexFactorTruth(sandbox).orders],
        QUERY,
      );
      client = clientOn(sandbox, 'forged');
      first = await client.list(QUERY);
      valid = decode(first.nextCursor!);
    });
    afterAll(() => sandbox.close());

    const positionOf = (provider: string) => (valid.p as Json)[provider] as unknown[];
    const withPosition = (provider: string, position: unknown) => ({
      ...valid,
      p: { ...(valid.p as Json), [provider]: position },
    });

    it('the genuine cursor resumes exactly (the baseline every forgery is compared with)', async () => {
      expect(keysOf(first.orders)).toEqual(truth.slice(0, 10));
      const second = await client.list({ ...QUERY, cursor: first.nextCursor! });
      expect(keysOf(second.orders)).toEqual(truth.slice(10, 20));
    });

    it('random strings are refused as cursors', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.string({ minLength: 1 }),
            fc.base64String({ minLength: 4 }),
            fc.jsonValue().map((value) => encode(value)),
          ),
          async (cursor) => {
            const result = await outcome(() => client.list({ ...QUERY, cursor }));
            expectCursorRejected(result, 'random');
          },
        ),
        { numRuns: 60 },
      );
    });

    it('a cursor of another query, or of another provider set, is refused with a stated query', async () => {
      const other = await client.list({ ...QUERY, status: ['completed'] });
      expectCursorRejected(
        await outcome(() => client.list({ ...STATED_QUERY, cursor: other.nextCursor! })),
        'other query',
      );
      const sorted = await client.list({
        ...QUERY,
        sort: { field: 'createdAt', direction: 'asc' },
      });
      expectCursorRejected(
        await outcome(() => client.list({ ...STATED_QUERY, cursor: sorted.nextCursor! })),
        'other sort',
      );
      const portalOnly = await client.list(QUERY, { providers: ['flexportal'] });
      expectCursorRejected(
        await outcome(() => client.list({ ...STATED_QUERY, cursor: portalOnly.nextCursor! })),
        'other providers',
      );
      // Alone, each cursor continues its own listing.
      const continued = await client.list({ ...QUERY, cursor: other.nextCursor! });
      expect(continued.orders.every((order) => order.status === 'completed')).toBe(true);
    });

    it.each([
      ['the query it carries is not a query', () => ({ ...valid, f: { status: ['nope'] } })],
      ['the query it carries is missing', () => ({ ...valid, f: undefined })],
      ['an unknown format version', () => ({ ...valid, v: 3 })],
      [
        'a provider position missing',
        () => ({ ...valid, p: { flexportal: positionOf('flexportal') } }),
      ],
      ['a negative offset', () => withPosition('flexportal', [null, -1, null, null])],
      ['a fractional offset', () => withPosition('flexportal', [null, 1.5, null, null])],
      ['an offset as text', () => withPosition('flexportal', [null, '3', null, null])],
      ['a position of the wrong length', () => withPosition('flexfactor', [null, 0, null])],
      ['a provider cursor that is not text', () => withPosition('flexfactor', [42, 0, null, null])],
    ])('a modified composite cursor is refused: %s', async (label, forge) => {
      expectCursorRejected(
        // With the query stated, so that a cursor missing a provider is another provider set
        // (alone, such a cursor is a consistent cursor of a one-provider listing).
        await outcome(() => client.list({ ...STATED_QUERY, cursor: encode(forge()) })),
        label,
      );
    });

    /** Which forgeries of a list were not refused as cursors, with what happened instead. */
    const unrefused = async (forgeries: Array<[string, Json]>): Promise<string[]> => {
      const problems: string[] = [];
      for (const [label, forged] of forgeries) {
        const result = await outcome(() => client.list({ ...QUERY, cursor: encode(forged) }));
        if (result.error !== undefined) evidence.addError(`forged/${label}`, result.error);
        if (result.value !== undefined) problems.push(`${label}: answered with a page`);
        else if (!InvalidQueryError.isInstance(result.error)) {
          problems.push(`${label}: untyped ${String(result.error)}`);
        } else if (result.error.issues.some((issue) => issue.field !== 'cursor')) {
          problems.push(`${label}: refused as "${result.error.message}", not as a bad cursor`);
        }
      }
      return problems;
    };

    // Found a bug (fixed): before core validated the composite cursor's page size `s`, each of
    // these surfaced as "Invalid query: limit: …", naming a field the caller never set.
    it('a composite cursor with an invalid page size is refused as a cursor', async () => {
      const { s: _size, ...withoutSize } = valid;
      const problems = await unrefused([
        ['page size "abc"', { ...valid, s: 'abc' }],
        ['page size -5', { ...valid, s: -5 }],
        ['page size 2.5', { ...valid, s: 2.5 }],
        ['page size null', { ...valid, s: null }],
        ['page size missing', withoutSize],
      ]);
      expect(problems).toEqual([]);
    });

    // Found a bug (fixed): before core validated the last sort value against the sort, an object
    // or a number escaped as an untyped TypeError, and text that is not a timestamp was taken as
    // a position, answering with a page from somewhere else.
    it('a composite cursor whose last sort value does not fit the sort is refused as a cursor', async () => {
      const [pageCursor, consumed] = positionOf('flexportal');
      const forged = (lastValue: unknown) =>
        withPosition('flexportal', [pageCursor, consumed, 'flexportal:ord_forged0000', lastValue]);
      const problems = await unrefused([
        ['last value an object', forged({ amountMinor: 1 })],
        ['last value a number', forged(42)],
        ['last value "not a time"', forged('not a time')],
      ]);
      expect(problems).toEqual([]);
    });

    it('a garbled provider cursor inside a genuine composite cursor: a typed error, never a page', async () => {
      const flexFactorGarbled = withPosition('flexfactor', ['garbage', 0, null, null]);
      const factorResult = await outcome(() =>
        client.list({ ...QUERY, cursor: encode(flexFactorGarbled) }),
      );
      expectCursorRejected(factorResult, 'garbled flexfactor cursor');
      expect((factorResult.error as InvalidQueryError).provider).toBe('flexfactor');

      // FlexPortal's cursor is opaque to the adapter, so FlexPortal itself refuses it (HTTP 400).
      const portalGarbled = withPosition('flexportal', ['garbage', 0, null, null]);
      const portalResult = await outcome(() =>
        client.list({ ...QUERY, cursor: encode(portalGarbled) }),
      );
      if (portalResult.error !== undefined)
        evidence.addError('forged/garbled flexportal', portalResult.error);
      expect(portalResult.value).toBeUndefined();
      expect(OrderBridgeError.isInstance(portalResult.error)).toBe(true);
      expect((portalResult.error as OrderBridgeError).provider).toBe('flexportal');
      expect((portalResult.error as Error).message).toContain('HTTP 400');

      // In partial mode too: a bad cursor is the caller's mistake, not a provider outage.
      const partial = clientOn(sandbox, 'forged/partial', { onProviderError: 'partial' });
      expectCursorRejected(
        await outcome(() => partial.list({ ...QUERY, cursor: encode(flexFactorGarbled) })),
        'garbled flexfactor cursor, partial mode',
      );
    });

    describe('FlexFactor cursor tampering (the provider alone)', () => {
      let provider: FlexFactorProvider;
      let genuine: Json;
      beforeAll(async () => {
        provider = flexFactorOn(sandbox, { label: 'forged/flexfactor' });
        const page = await provider.listOrders(parseOrderQuery(QUERY));
        genuine = decode(page.nextCursor!);
      });

      it.each([
        ['another query fingerprint', () => ({ ...genuine, fp: 'AAAAAAAAAAAAAAAA' })],
        ['page 0', () => ({ ...genuine, page: 0 })],
        ['a fractional page', () => ({ ...genuine, page: 1.5 })],
        ['page size 0', () => ({ ...genuine, size: 0 })],
        ['a pin that is not a time', () => ({ ...genuine, to: 'yesterday' })],
        ['a negative total', () => ({ ...genuine, total: -1 })],
        ['an unknown field', () => ({ ...genuine, admin: true })],
        ['a last order without id', () => ({ ...genuine, last: { value: 'x' } })],
        ['version 2', () => ({ ...genuine, v: 2 })],
      ])('refuses %s with InvalidQueryError', async (label, forge) => {
        const result = await outcome(() =>
          provider.listOrders(parseOrderQuery({ ...QUERY, cursor: encode(forge()) })),
        );
        expectCursorRejected(result, `flexfactor ${label}`);
        expect((result.error as InvalidQueryError).provider).toBe('flexfactor');
      });

      it('the genuine cursor with another query is refused', async () => {
        const result = await outcome(() =>
          provider.listOrders(
            parseOrderQuery({ ...QUERY, status: ['completed'], cursor: encode(genuine) }),
          ),
        );
        expectCursorRejected(result, 'flexfactor other query');
      });
    });

    it('a FlexPortal cursor from another query is refused by FlexPortal (typed, no page)', async () => {
      const portal = flexPortalOn(sandbox, { label: 'forged/flexportal' });
      const page = await portal.listOrders(parseOrderQuery(QUERY));
      const result = await outcome(() =>
        portal.listOrders(
          parseOrderQuery({ ...QUERY, status: ['completed'], cursor: page.nextCursor! }),
        ),
      );
      if (result.error !== undefined)
        evidence.addError('forged/flexportal other query', result.error);
      expect(result.value).toBeUndefined();
      expect(OrderBridgeError.isInstance(result.error)).toBe(true);
      expect((result.error as Error).message).toMatch(/flexportal .*HTTP 400/);
    });
  });
}
