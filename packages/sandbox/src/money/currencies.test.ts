import { describe, expect, it } from 'vitest';
import {
  CURRENCIES,
  decimalToMinor,
  formatAmount,
  minorToDecimal,
  minorToFixed,
} from './currencies.js';

describe('money rendering', () => {
  it('renders minor units as exact decimals', () => {
    expect(minorToDecimal(4565, 2)).toBe(45.65);
    expect(JSON.stringify(minorToDecimal(7910, 2))).toBe('79.1');
    expect(minorToDecimal(1200, 0)).toBe(1200);
    expect(minorToDecimal(1250, 3)).toBe(1.25);
    expect(decimalToMinor(45.65, 2)).toBe(4565);
    expect(decimalToMinor(45.655, 2)).toBeUndefined();
    expect(minorToFixed(4560, 2)).toBe('45.60');
    expect(minorToFixed(5, 3)).toBe('0.005');
  });

  it('formats like the seed ("$45.65", "$3") and with every digit otherwise', () => {
    expect(formatAmount(4565, CURRENCIES.USD as never)).toBe('$45.65');
    expect(formatAmount(300, CURRENCIES.USD as never)).toBe('$3');
    expect(formatAmount(4560, CURRENCIES.USD as never)).toBe('$45.60');
    expect(formatAmount(1200, CURRENCIES.JPY as never)).toBe('¥1200');
    expect(formatAmount(1250, CURRENCIES.KWD as never)).toBe('KWD 1.250');
    expect(formatAmount(1999, CURRENCIES.EUR as never)).toBe('€19.99');
  });

  it('sums in integers without float residue', () => {
    const prices = [3950, 3950, 1290, 590];
    expect(
      minorToDecimal(
        prices.reduce((sum, price) => sum + price, 0),
        2,
      ),
    ).toBe(97.8);
    expect(0.1 + 0.2).not.toBe(0.3);
  });
});
