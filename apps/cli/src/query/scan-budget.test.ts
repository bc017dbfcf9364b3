import { DEFAULT_SCAN_PAGE_REQUESTS as CORE_DEFAULT } from '@orderbridge/core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCAN_PAGE_REQUESTS } from './scan-budget.js';

describe('DEFAULT_SCAN_PAGE_REQUESTS', () => {
  it("is core's default, which the help text quotes without loading core", () => {
    expect(DEFAULT_SCAN_PAGE_REQUESTS).toBe(CORE_DEFAULT);
  });
});
