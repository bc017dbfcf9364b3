import { OrderBridgeError, type Warning } from '@orderbridge/core';

/**
 * `--strict`: the providers already fail on the first record that does not match their schema;
 * this also fails on an `invalid-record` warning from a provider that does not implement strict
 * mode, so the flag means the same for every provider.
 * @throws OrderBridgeError naming the provider and the record.
 */
export function assertNoInvalidRecords(warnings: readonly Warning[]): void {
  const invalid = warnings.find((warning) => warning.code === 'invalid-record');
  if (!invalid) return;
  throw new OrderBridgeError({
    provider: invalid.provider,
    message: `${invalid.message}${invalid.recordId ? ` (record ${invalid.recordId})` : ''}; --strict refuses results with invalid records`,
  });
}
