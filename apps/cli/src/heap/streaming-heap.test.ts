import { describe, expect, it } from 'vitest';
import { STREAMING_NODE_FLAGS, streamingLaunchFlags } from './streaming-heap.js';

const EXPORT = ['orders', 'export', '--output', 'orders.ndjson'];

function flags(
  args: readonly string[],
  execArgv: string[] = [],
  nodeOptions?: string,
  isLaunched = false,
) {
  return streamingLaunchFlags({ args, execArgv, nodeOptions, isLaunched });
}

describe('streamingLaunchFlags', () => {
  it.each([
    [EXPORT],
    [['--quiet', 'orders', 'export']],
    [['orders', 'list', '--all', '--format', 'ndjson']],
    [['sync']],
    [['--quiet', 'sync', '--provider', 'flexfactor', '--full']],
  ])('starts the streaming command %j in a child with the heap flags', (args) => {
    expect(flags(args, ['--enable-source-maps'], '--trace-warnings')).toEqual([
      ...STREAMING_NODE_FLAGS,
    ]);
  });

  it.each([
    [['orders', 'list']],
    [['orders', 'get', 'flexportal:ord_1']],
    [['--version']],
    [['orders', 'export', '--help']],
    [['providers', 'check']],
    [['sync', 'status']],
    [['sync', '--help']],
  ])('runs %j in its own process', (args) => {
    expect(flags(args)).toBeUndefined();
  });

  it('launches nothing from the launched child', () => {
    expect(flags(EXPORT, [], undefined, true)).toBeUndefined();
  });

  it.each([
    [['--max-old-space-size=96'], undefined],
    [['--max_semi_space_size=8'], undefined],
    [['--heap-growing-percent=0'], undefined],
    [[], '--enable-source-maps --max-old-space-size=4096'],
    [[], '--max-semi-space-size=64'],
    [[], '  --max-old-space-size-percentage=50  '],
  ])('leaves the heap to the user who sized it (%j, NODE_OPTIONS %j)', (execArgv, nodeOptions) => {
    expect(flags(EXPORT, execArgv, nodeOptions)).toBeUndefined();
  });

  it('matches whole flag names: --heap-prof and --max-http-header-size size nothing', () => {
    expect(flags(EXPORT, ['--heap-prof', '--max-http-header-size=16384'])).toEqual([
      ...STREAMING_NODE_FLAGS,
    ]);
  });

  it('uses only start-up flags node accepts on its command line', () => {
    expect(STREAMING_NODE_FLAGS.every((flag) => /^--[a-z-]+=\d+$/.test(flag))).toBe(true);
  });
});
