import { MAX_LIMIT } from '@orderbridge/core';
import { describe, expect, it } from 'vitest';
import { MAX_PAGE_SIZE } from './page-size.js';

describe('MAX_PAGE_SIZE', () => {
  it("is core's MAX_LIMIT, which the help text quotes without loading core", () => {
    expect(MAX_PAGE_SIZE).toBe(MAX_LIMIT);
  });
});
