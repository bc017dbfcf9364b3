import { describe, expect, it } from 'vitest';
import { normalizeStatusText, parseSortText, resolveDateText } from './query-text.js';

const now = () => Date.parse('2026-11-28T12:00:00.000Z');

describe('resolveDateText', () => {
  it.each([
    ['30m', 'from', '2026-11-28T11:30:00.000Z'],
    ['12H', 'to', '2026-11-28T00:00:00.000Z'],
    ['7d', 'from', '2026-11-21T12:00:00.000Z'],
    [' 2w ', 'from', '2026-11-14T12:00:00.000Z'],
    ['2024-03-01', 'from', '2024-03-01T00:00:00.000Z'],
    ['2024-03-31', 'to', '2024-03-31T23:59:59.999Z'],
    ['2024-03-01T10:00:00+02:00', 'from', '2024-03-01T10:00:00+02:00'],
    ['yesterday', 'from', 'yesterday'],
  ] as const)('%s (%s) → %s', (text, bound, expected) => {
    expect(resolveDateText(text, bound, now)).toBe(expected);
  });
});

describe('parseSortText', () => {
  it.each([
    ['createdAt:desc', { field: 'createdAt', direction: 'desc' }],
    ['total', { field: 'total', direction: 'desc' }],
    ['created_at:ASC', { field: 'createdAt', direction: 'asc' }],
    ['UPDATED-AT : asc', { field: 'updatedAt', direction: 'asc' }],
    ['price:up', { field: 'price', direction: 'up' }],
  ])('%s', (text, expected) => {
    expect(parseSortText(text)).toEqual(expected);
  });
});

describe('normalizeStatusText', () => {
  it('lower-cases and accepts - for _', () => {
    expect(normalizeStatusText(' Partially-Fulfilled ')).toBe('partially_fulfilled');
    expect(normalizeStatusText('ON_HOLD')).toBe('on_hold');
  });
});
