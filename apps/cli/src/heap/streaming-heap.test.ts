import { describe, expect, it } from 'vitest';
import {
  LAUNCHED_ENVIRONMENT_VARIABLE,
  STREAMING_MALLOC_ENVIRONMENT,
  STREAMING_NODE_FLAGS,
  streamingEnvironment,
  streamingLaunchFlags,
} from './streaming-heap.js';

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
    [['worker', '--database', 'postgres://bench@127.0.0.1/orders', '--concurrency', '2']],
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
    [['worker', '--help']],
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

describe('streamingEnvironment', () => {
  const USER = { PATH: '/usr/bin', FLEXPORTAL_TENANT_ID: 'bu_example' };

  it("keeps the user's environment, marks the command as launched, and adds the allocator settings", () => {
    expect(streamingEnvironment(USER)).toEqual({
      ...USER,
      [LAUNCHED_ENVIRONMENT_VARIABLE]: '1',
      ...STREAMING_MALLOC_ENVIRONMENT,
    });
  });

  it('leaves an allocator setting the user made by its variable as it is', () => {
    const env = streamingEnvironment({ ...USER, MALLOC_ARENA_MAX: '8' });
    expect(env.MALLOC_ARENA_MAX).toBe('8');
    expect(env.MALLOC_MMAP_THRESHOLD_).toBe(STREAMING_MALLOC_ENVIRONMENT.MALLOC_MMAP_THRESHOLD_);
  });

  it('leaves an allocator setting the user made in GLIBC_TUNABLES to it', () => {
    const tunables = 'glibc.malloc.mmap_threshold=262144:glibc.malloc.tcache_count=0';
    const env = streamingEnvironment({ ...USER, GLIBC_TUNABLES: tunables });
    expect(env.GLIBC_TUNABLES).toBe(tunables);
    expect(env.MALLOC_MMAP_THRESHOLD_).toBeUndefined();
    expect(env.MALLOC_ARENA_MAX).toBe(STREAMING_MALLOC_ENVIRONMENT.MALLOC_ARENA_MAX);
  });

  it('does not change the environment it is given', () => {
    const given = { ...USER };
    streamingEnvironment(given);
    expect(given).toEqual(USER);
  });
});
