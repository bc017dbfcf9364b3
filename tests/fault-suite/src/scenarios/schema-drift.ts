import {
  moneyFromDecimal,
  type Order,
  ProviderResponseError,
  paginate,
  type Warning,
} from '@orderbridge/core';
import type { Sandbox } from '@orderbridge/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evidence } from '../support/evidence.js';
import {
  clientOn,
  drain,
  flexFactorOn,
  flexFactorTruth,
  flexPortalOn,
  flexPortalTruth,
  keysInOrder,
  keysOf,
  startSuiteSandbox,
} from '../support/suite-sandbox.js';

const QUERY = { limit: 9 } as const;

/** The drifted records one scenario inserts, by what is wrong with them. */
export interface DriftedRecords {
  /** Keys of records with a status the provider's map does not know (must be delivered). */
  unknownStatus: string[];
  /** Keys of records with an amount sent as a numeric string, with the exact amount expected. */
  numericStringAmount: Array<{ key: string; amountMinor: number }>;
  /** Keys of records that cannot be read, with the JSON path (suffix) that must be reported. */
  invalid: Array<{ key: string; recordId: string; path: string }>;
}

/**
 * Inserts schema drift through the sandbox's lenient stores: an unknown status, missing required
 * fields, and amounts sent as strings (numeric and not). Returns what must happen to each record.
 */
export function insertDrift(sandbox: Sandbox): DriftedRecords {
  const portal = sandbox.flexportal.store;
  const factor = sandbox.flexfactor.store;
  const drifted: DriftedRecords = { unknownStatus: [], numericStringAmount: [], invalid: [] };

  const backordered = portal.insert({ status: 'on_backorder' });
  drifted.unknownStatus.push(`flexportal:${backordered.orderId}`);
  const noCustomer = portal.insert({ customer: undefined });
  drifted.invalid.push({
    key: `flexportal:${noCustomer.orderId}`,
    recordId: noCustomer.orderId,
    path: '.customer',
  });
  const noCreatedAt = portal.insert({ createdAt: undefined });
  drifted.invalid.push({
    key: `flexportal:${noCreatedAt.orderId}`,
    recordId: noCreatedAt.orderId,
    path: '.createdAt',
  });
  const stringTotal = portal.insert({});
  portal.update(stringTotal.orderId, {
    totals: { ...stringTotal.totals, total: String(stringTotal.totals.total) },
  });
  drifted.numericStringAmount.push({
    key: `flexportal:${stringTotal.orderId}`,
    amountMinor: moneyFromDecimal(stringTotal.totals.total, stringTotal.totals.currency)
      .amountMinor,
  });
  const wordTotal = portal.insert({});
  portal.update(wordTotal.orderId, { totals: { ...wordTotal.totals, total: 'a lot' } });
  drifted.invalid.push({
    key: `flexportal:${wordTotal.orderId}`,
    recordId: wordTotal.orderId,
    path: '.totals.total',
  });

  // FlexFactor: an undocumented status code with a label nobody maps (a code alone with a known
  // label is resolved by the label, see the report).
  const shipped = factor.insert({ status: 9, statusName: 'Shipped' });
  drifted.unknownStatus.push(`flexfactor:${shipped.id}`);
  const noCurrency = factor.insert({ currencyCode: undefined });
  drifted.invalid.push({
    key: `flexfactor:${noCurrency.id}`,
    recordId: noCurrency.id,
    path: '.currencyCode',
  });
  const noCreatedOn = factor.insert({ createdOn: undefined });
  drifted.invalid.push({
    key: `flexfactor:${noCreatedOn.id}`,
    recordId: noCreatedOn.id,
    path: '.createdOn',
  });
  const stringAmount = factor.insert({ amount: '45.65', currencyCode: 'USD' });
  drifted.numericStringAmount.push({ key: `flexfactor:${stringAmount.id}`, amountMinor: 4565 });
  const wordAmount = factor.insert({ amount: 'forty-five' });
  drifted.invalid.push({
    key: `flexfactor:${wordAmount.id}`,
    recordId: wordAmount.id,
    path: '.amount',
  });
  return drifted;
}

/** Checks a delivered listing and its warnings against the drift that was inserted. */
export function expectDriftHandled(
  delivered: readonly Order[],
  warnings: readonly Warning[],
  drifted: DriftedRecords,
  expectedKeys: readonly string[],
): void {
  // Every readable order exactly once, in order; every unreadable one left out.
  expect(keysOf(delivered)).toEqual(expectedKeys);
  const byKey = new Map(delivered.map((order) => [order.key, order]));
  for (const key of drifted.unknownStatus) {
    const order = byKey.get(key);
    expect(order?.status, key).toBe('unknown');
    expect(
      warnings.some((warning) => warning.code === 'unknown-status' && warning.orderKey === key),
      `unknown-status warning for ${key}`,
    ).toBe(true);
  }
  for (const { key, amountMinor } of drifted.numericStringAmount) {
    expect(byKey.get(key)?.totals.total.amountMinor, key).toBe(amountMinor);
  }
  for (const { key, recordId, path } of drifted.invalid) {
    expect(byKey.has(key), `${key} must not be delivered`).toBe(false);
    const warning = warnings.find(
      (candidate) => candidate.code === 'invalid-record' && candidate.recordId === recordId,
    );
    expect(warning, `invalid-record warning for ${key}`).toBeDefined();
    expect(warning!.provider).toBe(key.split(':')[0]);
    expect(warning!.message).toContain(recordId);
    expect(warning!.issues?.some((issue) => issue.path.endsWith(path))).toBe(true);
  }
}

/**
 * Schema drift in the library: unknown statuses are delivered as `unknown` with a warning, a
 * record that cannot be read is reported (id and JSON path) and the rest delivered, numeric
 * strings are read exactly; `strict` fails with a ProviderResponseError naming the record.
 */
export function describeSchemaDrift(): void {
  describe('schema drift (library)', () => {
    let sandbox: Sandbox;
    let drifted: DriftedRecords;
    let expectedKeys: string[];

    beforeAll(async () => {
      sandbox = await startSuiteSandbox({ flexportal: 45, flexfactor: 45, seed: 31 });
      drifted = insertDrift(sandbox);
      const portal = flexPortalTruth(sandbox);
      const factor = flexFactorTruth(sandbox);
      // The mappers themselves agree with the scenario about which records are unreadable.
      expect([...portal.invalid, ...factor.invalid].sort()).toEqual(
        drifted.invalid.map((record) => record.key).sort(),
      );
      expectedKeys = keysInOrder([...portal.orders, ...factor.orders], QUERY);
    });
    afterAll(() => sandbox.close());

    it('merged listing: the bad records are reported, everything else delivered exactly once, in order', async () => {
      const client = clientOn(sandbox, 'drift/merged');
      const iteration = client.iterate(QUERY);
      const delivered = await drain(iteration);
      expectDriftHandled(delivered, iteration.warnings, drifted, expectedKeys);
      for (const warning of iteration.warnings) evidence.add('drift/warning', warning.message);
    });

    it.each(['flexportal', 'flexfactor'] as const)(
      '%s alone, page by page, reports the same records',
      async (name) => {
        const provider =
          name === 'flexportal'
            ? flexPortalOn(sandbox, { label: 'drift/single' })
            : flexFactorOn(sandbox, { label: 'drift/single' });
        const listing = paginate(provider, QUERY);
        const delivered = await drain(listing);
        const mine = (key: string) => key.startsWith(`${name}:`);
        expectDriftHandled(
          delivered,
          listing.warnings,
          {
            unknownStatus: drifted.unknownStatus.filter(mine),
            numericStringAmount: drifted.numericStringAmount.filter((record) => mine(record.key)),
            invalid: drifted.invalid.filter((record) => mine(record.key)),
          },
          expectedKeys.filter(mine),
        );
      },
    );

    it.each(['flexportal', 'flexfactor'] as const)(
      'strict mode fails on the first bad %s record with a ProviderResponseError naming it',
      async (name) => {
        const client = clientOn(sandbox, 'drift/strict');
        const error = await drain(client.iterate(QUERY, { strict: true, providers: [name] })).then(
          () => undefined,
          (caught: unknown) => caught,
        );
        evidence.addError(`drift/strict ${name}`, error);
        expect(ProviderResponseError.isInstance(error)).toBe(true);
        const typed = error as ProviderResponseError;
        expect(typed.provider).toBe(name);
        const bad = drifted.invalid.filter((record) => record.key.startsWith(`${name}:`));
        const named = bad.find((record) => typed.message.includes(record.recordId));
        expect(
          named,
          `the message names one of ${bad.map((record) => record.recordId)}`,
        ).toBeDefined();
        expect(typed.issues.some((issue) => issue.path.endsWith(named!.path))).toBe(true);
      },
    );
  });
}
