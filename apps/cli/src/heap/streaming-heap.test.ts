import { describe, expect, it } from 'vitest';
import { STREAMING_HEAP_FLAGS, tuneStreamingHeap } from './streaming-heap.js';

function tune(execArgv: string[], nodeOptions?: string) {
  const set: string[] = [];
  const applied = tuneStreamingHeap({
    execArgv,
    nodeOptions,
    setFlags: (flag) => set.push(flag),
  });
  return { applied, set };
}

describe('tuneStreamingHeap', () => {
  it('sets the streaming flags when the user sized nothing', () => {
    const { applied, set } = tune(['--enable-source-maps'], '--trace-warnings');
    expect(set).toEqual([...STREAMING_HEAP_FLAGS]);
    expect(applied).toEqual(set);
    expect(set).toContain('--semi-space-growth-factor=1');
  });

  it.each([
    [['--max-old-space-size=96'], undefined],
    [['--max_semi_space_size=8'], undefined],
    [['--heap-growing-percent=0'], undefined],
    [[], '--enable-source-maps --max-old-space-size=4096'],
    [[], '--max-semi-space-size=64'],
    [[], '  --max-old-space-size-percentage=50  '],
  ])('sets nothing when the user sized the heap (%j, NODE_OPTIONS %j)', (execArgv, nodeOptions) => {
    expect(tune(execArgv, nodeOptions)).toEqual({ applied: [], set: [] });
  });

  it('matches whole flag names: --heap-prof and --max-http-header-size size nothing', () => {
    expect(tune(['--heap-prof', '--max-http-header-size=16384']).set).toEqual([
      ...STREAMING_HEAP_FLAGS,
    ]);
  });
});
