import { describe, expect, it } from 'vitest';
import { ProviderFaults, parseFaultSettings } from './provider-faults.js';

describe('ProviderFaults', () => {
  it('limits requests per sliding minute and computes Retry-After', () => {
    const faults = new ProviderFaults();
    faults.set({ rateLimit: { requestsPerMinute: 2 } });
    expect(faults.overRateLimit(0)).toBeUndefined();
    expect(faults.overRateLimit(10_000)).toBeUndefined();
    expect(faults.overRateLimit(20_000)).toBe(40);
    expect(faults.overRateLimit(59_500)).toBe(1);
    expect(faults.overRateLimit(60_001)).toBeUndefined();
  });

  it('hands out "next N" faults once each, in scope only', () => {
    const faults = new ProviderFaults();
    faults.set({ resetNext: 1, failNext: { count: 1, status: 500 }, malformedNext: 1 });
    expect(faults.take(false)).toBeUndefined();
    expect(faults.take(true)).toEqual({ kind: 'reset' });
    expect(faults.take(true)).toEqual({ kind: 'fail', status: 500 });
    expect(faults.take(true)).toEqual({ kind: 'malformed' });
    expect(faults.take(true)).toBeUndefined();
    faults.set({ truncateNext: 1, scope: 'all' });
    expect(faults.take(false)).toEqual({ kind: 'truncate' });
  });

  it('rejects invalid settings with the field name', () => {
    expect(() => parseFaultSettings({ latencyMs: -5 })).toThrow(/latencyMs/);
    expect(() => parseFaultSettings({ scope: 'some' })).toThrow(/scope/);
  });
});
