import { DEFAULT_ORDERS_PER_PROVIDER, DEFAULT_SANDBOX_PORT } from '@orderbridge/sandbox';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SANDBOX_ORDERS as EMBEDDED_ORDERS } from '../client/open-providers.js';
import { DEFAULT_SANDBOX_PORT as COMMAND_PORT, DEFAULT_SANDBOX_ORDERS } from './sandbox-command.js';

// The command tree cannot load the sandbox package (every --help would), so it repeats the
// sandbox's defaults: they must stay the same numbers.
describe('sandbox defaults', () => {
  it('are the same for orderbridge sandbox, the embedded sandbox and orderbridge-sandbox', () => {
    expect(DEFAULT_SANDBOX_ORDERS).toBe(DEFAULT_ORDERS_PER_PROVIDER);
    expect(EMBEDDED_ORDERS).toBe(DEFAULT_ORDERS_PER_PROVIDER);
    expect(COMMAND_PORT).toBe(DEFAULT_SANDBOX_PORT);
  });
});
