import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addMoney,
  compareMoneyValue,
  currencyExponent,
  decimalToMinorUnits,
  exactMinorUnitsOfNumber,
  formatMoney,
  MoneyConversionError,
  moneyFromDecimal,
  toDecimalString,
  toMinorUnits,
} from './money.js';

describe('toMinorUnits', () => {
  it.each([
    [45.65, 'USD', 4565],
    ['45.65', 'USD', 4565],
    [3, 'USD', 300],
    [0.1, 'USD', 10],
    [1200, 'JPY', 1200],
    [1.25, 'KWD', 1250],
    ['1.250', 'KWD', 1250],
    [-12.5, 'EUR', -1250],
    ['1e2', 'USD', 10000],
    ['4.565e1', 'USD', 4565],
    ['.5', 'GBP', 50],
    [0, 'USD', 0],
    ['-0.00', 'USD', 0],
    [1.0001, 'CLF', 10001],
    [1.15, 'USD', 115],
    [8.2, 'USD', 820],
    [19.99, 'EUR', 1999],
  ] as const)('%s %s → %i', (value, currency, expected) => {
    expect(toMinorUnits(value, currency)).toBe(expected);
  });

  it('never accumulates float error: 0.1 and 0.2 add to exactly 30 cents', () => {
    const sum = toMinorUnits(0.1, 'USD') + toMinorUnits(0.2, 'USD');
    expect(sum).toBe(30);
    expect(0.1 + 0.2).not.toBe(0.3); // the float sum is wrong...
    expect(() => toMinorUnits(0.1 + 0.2, 'USD')).toThrow(MoneyConversionError); // ...and refused, not rounded
  });

  it('refuses more fraction digits than the currency has', () => {
    expect(() => toMinorUnits(45.655, 'USD')).toThrow(/more than 2 fraction digits/);
    expect(() => toMinorUnits(1.5, 'JPY')).toThrow(/more than 0 fraction digits/);
    expect(() => toMinorUnits('1.2345', 'KWD')).toThrow(/more than 3/);
    expect(() => toMinorUnits(1e-7, 'USD')).toThrow(MoneyConversionError);
  });

  it('accepts trailing zeros beyond the exponent', () => {
    expect(toMinorUnits('45.6500', 'USD')).toBe(4565);
    expect(toMinorUnits('1200.000', 'JPY')).toBe(1200);
  });

  it('refuses values that are not decimals or too large', () => {
    expect(() => toMinorUnits('abc', 'USD')).toThrow(/not a decimal/);
    expect(() => toMinorUnits('', 'USD')).toThrow(/not a decimal/);
    expect(() => toMinorUnits('1,000.00', 'USD')).toThrow(/not a decimal/);
    expect(() => toMinorUnits(Number.NaN, 'USD')).toThrow(/finite/);
    expect(() => toMinorUnits(Number.POSITIVE_INFINITY, 'USD')).toThrow(/finite/);
    expect(() => toMinorUnits(1e300, 'USD')).toThrow(/too large/);
  });

  it('uses the currency exponent: USD 2, JPY 0, KWD 3, unknown 2', () => {
    expect(currencyExponent('USD')).toBe(2);
    expect(currencyExponent('jpy')).toBe(0);
    expect(currencyExponent('KWD')).toBe(3);
    expect(currencyExponent('XYZ')).toBe(2);
  });
});

const currencies = fc.constantFrom('USD', 'EUR', 'JPY', 'KWD', 'CLF', 'BHD', 'KRW');

/** What a conversion gives: its result, or the class and message of what it threw. */
function outcomeOf(convert: () => number): unknown {
  try {
    return { value: convert() };
  } catch (error) {
    return {
      error:
        error instanceof MoneyConversionError ? `MoneyConversionError: ${error.message}` : error,
    };
  }
}

/**
 * Decimal amounts as a provider writes them: 0 to 17 integer digits, 0 to 6 fraction digits (so
 * from fewer to more than any currency's exponent + 2), either sign, as the number JSON makes of
 * the text.
 */
const jsonAmount = fc
  .record({
    negative: fc.boolean(),
    integer: fc.oneof(
      fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 1, maxLength: 17 }),
      fc.constantFrom('0', '9007199254740', '90071992547409', '999999999999', '9999999999999'),
    ),
    fraction: fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: 6 }),
  })
  .map(({ negative, integer, fraction }) =>
    Number(`${negative ? '-' : ''}${integer}${fraction ? `.${fraction}` : ''}`),
  );

describe('toMinorUnits fast path for numbers', () => {
  it('agrees with the decimal-text path on decimals, large magnitudes and arbitrary doubles (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          jsonAmount,
          fc.double({ noNaN: false }),
          fc.integer().map((value) => value / 100),
          fc.constantFrom(
            0.1 + 0.2,
            2 ** 53,
            2 ** 53 - 1,
            1e15,
            1e15 - 1,
            9.999999999999999e14,
            -0,
          ),
        ),
        currencies,
        (value, currency) => {
          const general = outcomeOf(() => decimalToMinorUnits(value, currency));
          expect(outcomeOf(() => toMinorUnits(value, currency))).toEqual(general);
          const fast = exactMinorUnitsOfNumber(value, currencyExponent(currency));
          if (fast !== undefined) expect({ value: fast }).toEqual(general);
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it('takes the fast path for every amount of up to 15 digits in minor units (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -999_999_999_999_999, max: 999_999_999_999_999 }),
        currencies,
        (amountMinor, currency) => {
          const value = Number(toDecimalString({ amountMinor, currency }));
          expect(exactMinorUnitsOfNumber(value, currencyExponent(currency))).toBe(amountMinor);
        },
      ),
    );
  });

  it('refuses what it cannot prove exact, leaving it to the general path', () => {
    expect(exactMinorUnitsOfNumber(0.1 + 0.2, 2)).toBeUndefined();
    expect(exactMinorUnitsOfNumber(45.655, 2)).toBeUndefined();
    expect(exactMinorUnitsOfNumber(1e15, 2)).toBeUndefined();
    expect(exactMinorUnitsOfNumber(Number.NaN, 2)).toBeUndefined();
    expect(exactMinorUnitsOfNumber(Number.POSITIVE_INFINITY, 2)).toBeUndefined();
    expect(Object.is(exactMinorUnitsOfNumber(-0, 2), 0)).toBe(true);
  });

  it('reads a currency code that names an inherited property as an ordinary code', () => {
    expect(currencyExponent('constructor')).toBe(2);
    expect(toMinorUnits(1.5, 'constructor')).toBe(150);
  });
});

describe('moneyFromDecimal across currencies', () => {
  it("uses each call's own currency when consecutive calls switch currencies", () => {
    const calls: Array<[number | string, string, number, string]> = [
      [12.5, 'EUR', 1250, 'EUR'],
      [1200, 'JPY', 1200, 'JPY'],
      [12.5, 'eur', 1250, 'EUR'],
      ['1.25', 'KWD', 1250, 'KWD'],
      [12.5, 'EUR', 1250, 'EUR'],
      [7, 'jpy', 7, 'JPY'],
      [7, 'JPY', 7, 'JPY'],
    ];
    for (const [value, currency, amountMinor, code] of calls) {
      expect(moneyFromDecimal(value, currency)).toEqual({ amountMinor, currency: code });
    }
    expect(() => moneyFromDecimal(0.5, 'JPY')).toThrow(MoneyConversionError);
    expect(moneyFromDecimal(0.5, 'EUR')).toEqual({ amountMinor: 50, currency: 'EUR' });
  });
});

describe('round trips (property)', () => {
  it('decimal string → minor units → decimal string is the identity', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -(2 ** 53 - 1), max: 2 ** 53 - 1 }),
        currencies,
        (amountMinor, currency) => {
          const text = toDecimalString({ amountMinor, currency });
          expect(toMinorUnits(text, currency)).toBe(amountMinor);
          expect(moneyFromDecimal(text, currency)).toEqual({ amountMinor, currency });
        },
      ),
    );
  });

  it('a JSON number carrying the decimal converts back exactly (up to 15 significant digits)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -999_999_999_999_999, max: 999_999_999_999_999 }),
        currencies,
        (amountMinor, currency) => {
          const json = JSON.parse(`{"amount": ${toDecimalString({ amountMinor, currency })}}`) as {
            amount: number;
          };
          expect(toMinorUnits(json.amount, currency)).toBe(amountMinor);
        },
      ),
    );
  });

  it('summing minor units equals converting the exact decimal sum', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 10_000_000 }), { minLength: 1, maxLength: 20 }),
        (cents) => {
          const amounts = cents.map((value) => moneyFromDecimal((value / 100).toString(), 'USD'));
          expect(addMoney(...amounts).amountMinor).toBe(
            cents.reduce((sum, value) => sum + value, 0),
          );
        },
      ),
    );
  });
});

describe('formatMoney and comparisons', () => {
  it('formats for people with the currency exponent', () => {
    expect(formatMoney({ amountMinor: 4565, currency: 'USD' })).toBe('$45.65');
    expect(formatMoney({ amountMinor: 1200, currency: 'JPY' })).toBe('¥1,200');
    expect(formatMoney({ amountMinor: 1250, currency: 'KWD' })).toMatch(/KWD\s1\.250/);
    expect(formatMoney({ amountMinor: -1999, currency: 'EUR' }, 'de-DE')).toMatch(/-19,99\s€/);
    expect(formatMoney({ amountMinor: 123456789012345, currency: 'USD' })).toBe(
      '$1,234,567,890,123.45',
    );
  });

  it('renders exact decimal strings', () => {
    expect(toDecimalString({ amountMinor: 5, currency: 'USD' })).toBe('0.05');
    expect(toDecimalString({ amountMinor: -5, currency: 'KWD' })).toBe('-0.005');
    expect(toDecimalString({ amountMinor: 1200, currency: 'JPY' })).toBe('1200');
  });

  it('compares amounts by decimal value across exponents', () => {
    expect(
      compareMoneyValue(
        { amountMinor: 150, currency: 'USD' },
        { amountMinor: 100, currency: 'JPY' },
      ),
    ).toBe(-1);
    expect(
      compareMoneyValue(
        { amountMinor: 1000, currency: 'KWD' },
        { amountMinor: 100, currency: 'USD' },
      ),
    ).toBe(0);
    expect(
      compareMoneyValue({ amountMinor: 2, currency: 'EUR' }, { amountMinor: 1, currency: 'USD' }),
    ).toBe(1);
  });

  it('refuses to add different currencies', () => {
    expect(() =>
      addMoney({ amountMinor: 1, currency: 'USD' }, { amountMinor: 1, currency: 'EUR' }),
    ).toThrow(/cannot add EUR to USD/);
  });
});
