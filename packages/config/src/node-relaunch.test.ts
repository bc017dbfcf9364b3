import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  currentProcessImage,
  hasUserHeapFlags,
  type NodeLaunch,
  type ProcessImage,
  replaceProcess,
} from './node-relaunch.js';

const LAUNCH: NodeLaunch = {
  nodeFlags: ['--max-semi-space-size=1', '--heap-growing-percent=50'],
  script: '/opt/orderbridge/dist/bin.js',
  args: ['orders', 'export', '--output', 'all orders.ndjson'],
  env: { PATH: '/usr/bin', ORDERBRIDGE_STREAMING_HEAP: '1' },
};

function image(overrides: Partial<ProcessImage> = {}): ProcessImage {
  return {
    platform: 'linux',
    execPath: '/usr/local/bin/node',
    execArgv: ['--enable-source-maps'],
    // The real execve never returns; this stub only records its call.
    execve: vi.fn() as unknown as ProcessImage['execve'],
    isExecutable: () => true,
    ...overrides,
  };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('replaceProcess', () => {
  it("execs node with the user's flags, then the heap flags, the script and its arguments, in the launch environment", () => {
    const process = image();
    replaceProcess(LAUNCH, process);
    expect(process.execve).toHaveBeenCalledExactlyOnceWith(
      '/usr/local/bin/node',
      [
        '/usr/local/bin/node',
        '--enable-source-maps',
        '--max-semi-space-size=1',
        '--heap-growing-percent=50',
        '/opt/orderbridge/dist/bin.js',
        'orders',
        'export',
        '--output',
        'all orders.ndjson',
      ],
      LAUNCH.env,
    );
  });

  it.each([
    ['on Windows', { platform: 'win32' as const }],
    ['on a Node without process.execve', { execve: undefined }],
    ['when the node binary cannot be executed', { isExecutable: () => false }],
  ])('returns false %s, having called nothing', (_, overrides) => {
    const process = image(overrides);
    expect(replaceProcess(LAUNCH, process)).toBe(false);
    if (process.execve) expect(process.execve).not.toHaveBeenCalled();
  });

  it('returns false when execve is refused, and the experimental warning it scheduled is not printed', () => {
    const printed = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const refusing = image({
      execve: () => {
        // What Node's execve does first, then what the permission model does.
        process.emitWarning(
          'process.execve is an experimental feature and might change at any time',
          'ExperimentalWarning',
        );
        throw Object.assign(new Error('Access to this API has been restricted'), {
          code: 'ERR_ACCESS_DENIED',
        });
      },
    });
    expect(replaceProcess(LAUNCH, refusing)).toBe(false);
    expect(printed).not.toHaveBeenCalled();
  });

  it('lets every other warning through, and restores process.emitWarning afterwards', () => {
    const printed = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const warning = 'something else is an experimental feature';
    const refusing = image({
      execve: () => {
        process.emitWarning(warning, 'ExperimentalWarning');
        process.emitWarning('process.execve is deprecated', { type: 'DeprecationWarning' });
        throw new Error('refused');
      },
    });
    expect(replaceProcess(LAUNCH, refusing)).toBe(false);
    expect(printed.mock.calls).toEqual([
      [warning, 'ExperimentalWarning'],
      ['process.execve is deprecated', { type: 'DeprecationWarning' }],
    ]);
    process.emitWarning('after', 'ExperimentalWarning');
    expect(printed).toHaveBeenLastCalledWith('after', 'ExperimentalWarning');
  });
});

describe('currentProcessImage', () => {
  it('describes this process: its node binary is executable, a missing file is not', () => {
    const current = currentProcessImage();
    expect(current.execPath).toBe(process.execPath);
    expect(current.isExecutable(process.execPath)).toBe(true);
    expect(current.isExecutable(`${process.execPath}.missing`)).toBe(false);
    expect(current.execve === undefined).toBe(
      process.platform === 'win32' || typeof process.execve !== 'function',
    );
  });
});

describe('hasUserHeapFlags', () => {
  it.each([
    [['--max-semi-space-size=8'], undefined],
    [['--max_old_space_size=512'], undefined],
    [[], '--enable-source-maps --max-old-space-size=512'],
    [['--no-allocation-site-pretenuring'], undefined],
    [['--memory-reducer'], undefined],
  ])('sees the heap sized by %j / NODE_OPTIONS %j', (execArgv, nodeOptions) => {
    expect(hasUserHeapFlags(execArgv, nodeOptions)).toBe(true);
  });

  it('ignores flags that do not size the heap', () => {
    expect(hasUserHeapFlags(['--enable-source-maps'], '--trace-warnings')).toBe(false);
  });
});
