import { describe, expect, it } from 'vitest';
import {
  SERVICE_HEAP_ENVIRONMENT_VARIABLE,
  SERVICE_NODE_FLAGS,
  serviceLaunch,
} from './service-heap.js';

const BASE = {
  script: '/opt/orderbridge-service/dist/bin.js',
  args: ['--tenants', 'tenants.json'],
  execArgv: [],
  env: { PATH: '/usr/bin' },
};

describe('serviceLaunch', () => {
  it('starts the service with the heap flags, its arguments, and the marker in the environment', () => {
    expect(serviceLaunch({ ...BASE, cores: 8 })).toEqual({
      nodeFlags: SERVICE_NODE_FLAGS,
      script: BASE.script,
      args: BASE.args,
      env: { PATH: '/usr/bin', [SERVICE_HEAP_ENVIRONMENT_VARIABLE]: '1' },
    });
  });

  it('collects garbage on the main thread alone on a machine of at most 2 cores', () => {
    expect(serviceLaunch({ ...BASE, cores: 2 })?.nodeFlags).toEqual([
      ...SERVICE_NODE_FLAGS,
      '--single-threaded-gc',
    ]);
    expect(serviceLaunch({ ...BASE, cores: 4 })?.nodeFlags).toEqual(SERVICE_NODE_FLAGS);
  });

  it.each([
    ['in the relaunched service', { env: { [SERVICE_HEAP_ENVIRONMENT_VARIABLE]: '1' } }],
    ['when switched off', { env: { [SERVICE_HEAP_ENVIRONMENT_VARIABLE]: 'off' } }],
    ['when node was started with a heap flag', { execArgv: ['--max-old-space-size=512'] }],
    ['when NODE_OPTIONS sizes the heap', { env: { NODE_OPTIONS: '--max-semi-space-size=8' } }],
  ])('serves from this process %s', (_, overrides) => {
    expect(serviceLaunch({ ...BASE, ...overrides })).toBeUndefined();
  });
});
