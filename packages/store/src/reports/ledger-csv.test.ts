import { describe, expect, it } from 'vitest';
import { parseLedgerCsv } from './ledger-csv.js';

describe('parseLedgerCsv', () => {
  it('reads the required and optional columns, whatever their case and order, with line numbers', () => {
    const text =
      '\uFEFFCurrency, Amount ,REFERENCE,status,note\nusd,45.65,"REF,1",paid,x\n\nJPY,1500,REF-2,,\nKWD,1.375,REF-3,,\n';
    expect(parseLedgerCsv(text)).toEqual([
      {
        line: 2,
        reference: 'REF,1',
        amount: '45.65',
        amountMinor: 4565,
        currency: 'USD',
        status: 'paid',
      },
      {
        line: 4,
        reference: 'REF-2',
        amount: '1500',
        amountMinor: 1500,
        currency: 'JPY',
        status: null,
      },
      {
        line: 5,
        reference: 'REF-3',
        amount: '1.375',
        amountMinor: 1375,
        currency: 'KWD',
        status: null,
      },
    ]);
  });

  it('reads a ledger without a status column', () => {
    expect(parseLedgerCsv('reference,amount,currency\nA,1,EUR')).toEqual([
      { line: 2, reference: 'A', amount: '1', amountMinor: 100, currency: 'EUR', status: null },
    ]);
  });

  it.each([
    [
      'a row with an extra field',
      'reference,amount,currency\nA,1,EUR\nB,2,EUR,x\n',
      /^Ledger line 3: .*Record Length/,
    ],
    [
      'an unclosed quote',
      'reference,amount,currency\nA,1,EUR\n"B,2,EUR\n',
      /^Ledger line 3: .*Quote Not Closed/,
    ],
    ['a missing column', 'reference,amount\nA,1\n', /^Ledger line 1: the header lacks "currency"/],
    ['an empty file', '', /^Ledger line 1: the header lacks "reference", "amount", "currency"/],
    [
      'an empty reference',
      'reference,amount,currency\nA,1,EUR\n,2,EUR\n',
      /^Ledger line 3: the reference is empty/,
    ],
    [
      'a currency that is not a code',
      'reference,amount,currency\nA,1,EURO\n',
      /^Ledger line 2: currency "EURO"/,
    ],
    [
      'an amount that is not a decimal',
      'reference,amount,currency\nA,1e3,EUR\n',
      /^Ledger line 2: amount "1e3" is not a decimal/,
    ],
    [
      'a yen amount with a fraction',
      'reference,amount,currency\nA,2,JPY\nB,15.5,JPY\n',
      /^Ledger line 3: amount .*more than 0 fraction digits/,
    ],
    [
      'a dinar amount with four decimals',
      'reference,amount,currency\nA,1.3755,KWD\n',
      /^Ledger line 2: amount .*more than 3 fraction digits/,
    ],
  ])('rejects %s, naming the line', (_name, text, message) => {
    expect(() => parseLedgerCsv(text)).toThrow(message);
  });
});
