import { describe, expect, it } from 'vitest';
import { referenceMatcher } from './flexfactor-store.js';

describe('referenceMatcher', () => {
  it('agrees with a substring test on "ref" + 10 digits', () => {
    const references = [0, 1234567890, 987654321, 5555500000, 9999999999, 42];
    const terms = [
      'r',
      're',
      'ref',
      'ref0',
      'ref09876',
      'ef1',
      'f5',
      '0',
      '00',
      '4567',
      '9999999999',
      '12345678901',
      'x',
      'rf',
    ];
    for (const term of terms) {
      const matcher = referenceMatcher(term);
      for (const reference of references) {
        const text = `ref${String(reference).padStart(10, '0')}`;
        expect(matcher?.(reference) ?? false, `${term} in ${text}`).toBe(text.includes(term));
      }
    }
  });
});
