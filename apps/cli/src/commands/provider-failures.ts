import { ProviderApiError, type ProviderFailure, ProviderResponseError } from '@orderbridge/core';
import { providerErrorLine } from '../errors/describe-error.js';
import type { CommandContext } from './command-context.js';

/** A failed provider as the `json` format lists it: secret-free, machine-readable. */
export function failureJson(failure: ProviderFailure): Record<string, unknown> {
  const error = failure.error;
  const json: Record<string, unknown> = {
    provider: failure.provider,
    code: error.code,
    message: error.message,
  };
  if (ProviderApiError.isInstance(error)) {
    json.kind = error.kind;
    json.status = error.status ?? null;
    json.requestId = error.requestId ?? null;
  } else if (ProviderResponseError.isInstance(error)) {
    json.status = error.status ?? null;
    json.requestId = error.requestId ?? null;
  }
  return json;
}

/**
 * Reports a partial result on stderr (always, even with `--quiet`: the output is incomplete) and
 * sets exit code 3.
 */
export function reportPartial(context: CommandContext, failures: readonly ProviderFailure[]): void {
  if (failures.length === 0) return;
  const colors = context.stderrColors;
  context.io.stderr.write(
    `orderbridge: ${colors.red('partial result')}: ${failures.length} provider${failures.length > 1 ? 's' : ''} failed; their orders are missing:\n`,
  );
  for (const failure of failures) {
    context.io.stderr.write(`  - ${providerErrorLine(failure.error)}\n`);
  }
  context.setExitCode(3);
}
