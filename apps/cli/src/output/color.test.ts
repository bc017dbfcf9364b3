import { describe, expect, it } from 'vitest';
import { colorsFor, shouldColor } from './color.js';

describe('colour', () => {
  it('is used only on a terminal, without NO_COLOR, TERM=dumb or --no-color', () => {
    expect(shouldColor({ isTTY: true }, {}, true)).toBe(true);
    expect(shouldColor({ isTTY: false }, {}, true)).toBe(false);
    expect(shouldColor({}, {}, true)).toBe(false);
    expect(shouldColor({ isTTY: true }, { NO_COLOR: '1' }, true)).toBe(false);
    expect(shouldColor({ isTTY: true }, { NO_COLOR: '' }, true)).toBe(true);
    expect(shouldColor({ isTTY: true }, { TERM: 'dumb' }, true)).toBe(false);
    expect(shouldColor({ isTTY: true }, {}, false)).toBe(false);
  });

  it('is the identity when off', () => {
    expect(colorsFor(false).red('x')).toBe('x');
    expect(colorsFor(true).red('x')).toBe('\u001b[31mx\u001b[39m');
  });
});
