import { afterEach, describe, expect, it, vi } from 'vitest';
import { linkAbort } from './linked-abort.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('linkAbort', () => {
  it('aborts with the reason of whichever source aborts first', () => {
    const first = new AbortController();
    const second = new AbortController();
    const linked = linkAbort([first.signal, undefined, second.signal]);
    const reason = new Error('second went away');
    second.abort(reason);
    first.abort(new Error('too late'));
    expect(linked.signal.aborted).toBe(true);
    expect(linked.signal.reason).toBe(reason);
    expect(linked.timedOut).toBe(false);
  });

  it('starts aborted when a source already is', () => {
    const source = new AbortController();
    source.abort('gone');
    const linked = linkAbort([source.signal], { timeoutMs: 1_000 });
    expect(linked.signal.aborted).toBe(true);
    expect(linked.signal.reason).toBe('gone');
  });

  it('aborts with a TimeoutError once the deadline passes, and says so', () => {
    vi.useFakeTimers();
    const linked = linkAbort([], { timeoutMs: 50 });
    vi.advanceTimersByTime(49);
    expect(linked.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(linked.timedOut).toBe(true);
    expect(linked.signal.reason).toBeInstanceOf(DOMException);
    expect((linked.signal.reason as DOMException).name).toBe('TimeoutError');
  });

  it('follows nothing once released: no listener left on the source, no timer pending', () => {
    vi.useFakeTimers();
    const source = new AbortController();
    const removed = vi.spyOn(source.signal, 'removeEventListener');
    const linked = linkAbort([source.signal], { timeoutMs: 50 });
    linked.release();
    expect(removed).toHaveBeenCalledOnce();
    expect(vi.getTimerCount()).toBe(0);
    source.abort();
    vi.advanceTimersByTime(100);
    expect(linked.signal.aborted).toBe(false);
    expect(linked.timedOut).toBe(false);
  });

  it('aborts on its own with the given reason, which a later source abort does not replace', () => {
    const source = new AbortController();
    const linked = linkAbort([source.signal]);
    linked.abort('caller stopped');
    expect(linked.signal.reason).toBe('caller stopped');
    source.abort('later');
    expect(linked.signal.reason).toBe('caller stopped');
  });
});
