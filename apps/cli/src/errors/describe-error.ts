import {
  AuthenticationError,
  ConfigurationError,
  InvalidQueryError,
  OrderBridgeError,
  PermissionError,
  ProviderApiError,
  ProviderResponseError,
  redactSecrets,
  TimeoutError,
  TransportError,
} from '@orderbridge/core';
import { ExitCode } from './exit-code.js';
import { InterruptedError } from './interrupted-error.js';
import { OutputError } from './output-error.js';
import { UsageError } from './usage-error.js';

/** How an error is shown and what the process exits with. */
export interface ErrorReport {
  /** One line (or a few) saying what went wrong; printed after `orderbridge: `. */
  message: string;
  /** What to do about it, when there is something to say. */
  hint: string | undefined;
  /** The exit code. */
  exitCode: ExitCode;
  /** With `--debug`: the error's fields, cause chain and stack, secrets redacted. */
  details: string | undefined;
}

/**
 * Turns any error into what the user sees. Typed OrderBridge errors become one line naming the
 * provider, the kind, the HTTP status and the request id; nothing shows a stack unless `debug`.
 */
export function describeError(
  error: unknown,
  options: { debug: boolean; helpCommand: string },
): ErrorReport {
  const details = options.debug ? debugDetails(error) : undefined;
  const helpHint = `Run "${options.helpCommand} --help" for usage.`;
  if (UsageError.isInstance(error)) {
    return {
      message: error.message,
      hint: error.hint ?? helpHint,
      exitCode: ExitCode.usage,
      details,
    };
  }
  if (OutputError.isInstance(error)) {
    return { message: error.message, hint: undefined, exitCode: ExitCode.failure, details };
  }
  if (InterruptedError.isInstance(error)) {
    return { message: error.message, hint: error.hint, exitCode: ExitCode.interrupted, details };
  }
  if (ConfigurationError.isInstance(error)) {
    return {
      message: `configuration error: ${error.message}`,
      hint: 'Run "orderbridge providers" to see each setting and where it comes from.',
      exitCode: ExitCode.usage,
      details,
    };
  }
  if (InvalidQueryError.isInstance(error)) {
    const issues = error.issues.map((issue) => `${issue.field} ${issue.message}`).join('; ');
    return {
      message: `invalid query: ${issues || error.message}`,
      hint: helpHint,
      exitCode: ExitCode.usage,
      details,
    };
  }
  if (OrderBridgeError.isInstance(error)) {
    return {
      message: providerErrorLine(error),
      hint: hintFor(error),
      exitCode: ExitCode.failure,
      details,
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    message: `unexpected error: ${redactSecrets(message)}`,
    hint: options.debug ? undefined : 'Run again with --debug for details.',
    exitCode: ExitCode.failure,
    details,
  };
}

/**
 * `<provider> <kind> error (HTTP 503, request id abc): <message>`, the one-line form of a typed
 * error, used for failures and for each failing provider of a partial result.
 */
export function providerErrorLine(error: OrderBridgeError): string {
  const facts: string[] = [];
  let kind = 'provider';
  let message = error.message;
  if (ProviderApiError.isInstance(error)) {
    kind = error.kind.replaceAll('_', ' ');
    // Core's message repeats what the facts say ("flexportal GET /v1/orders/x failed (HTTP 404)
    // [NOT_FOUND]: Order not found"): keep the operation as a fact and the provider's own words.
    const repeated = ownWords(error);
    if (repeated) {
      if (repeated.operation) facts.push(repeated.operation);
      message = repeated.rest;
    }
    if (error.status !== undefined) facts.push(`HTTP ${error.status}`);
    if (error.providerCode !== undefined) facts.push(`code ${error.providerCode}`);
    if (error.requestId !== undefined) facts.push(`request id ${error.requestId}`);
  } else if (TimeoutError.isInstance(error)) {
    kind = 'timeout';
  } else if (TransportError.isInstance(error)) {
    kind = 'network';
    if (error.request !== undefined) facts.push(error.request);
  } else if (ProviderResponseError.isInstance(error)) {
    kind = 'invalid response';
    if (error.status !== undefined) facts.push(`HTTP ${error.status}`);
    if (error.requestId !== undefined) facts.push(`request id ${error.requestId}`);
    if (error.path !== undefined) facts.push(`at ${error.path}`);
  } else if (ConfigurationError.isInstance(error)) {
    kind = 'configuration';
  } else if (InvalidQueryError.isInstance(error)) {
    kind = 'invalid query';
  }
  const who = error.provider ?? 'orderbridge';
  const suffix = facts.length > 0 ? ` (${facts.join(', ')})` : '';
  return `${who} ${kind} error${suffix}: ${redactSecrets(message)}`;
}

/**
 * Splits core's "<provider> <operation> failed (HTTP n) [code]: <provider's message>" into the
 * operation and the rest; undefined when the message has another form.
 */
function ownWords(
  error: ProviderApiError,
): { operation: string | undefined; rest: string } | undefined {
  const provider = error.provider.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(
    `^${provider}(?: ([^:]*?))? failed(?: \\(HTTP \\d+\\))?(?: \\[[^\\]]*\\])?(?:: |; )`,
  ).exec(error.message);
  if (!match) return undefined;
  const rest = error.message.slice(match[0].length);
  return rest === '' ? undefined : { operation: match[1], rest };
}

function hintFor(error: OrderBridgeError): string | undefined {
  if (AuthenticationError.isInstance(error) || PermissionError.isInstance(error)) {
    return 'Check the credentials with "orderbridge providers" and "orderbridge providers check".';
  }
  if (TransportError.isInstance(error)) {
    return 'Check the network and the base URL ("orderbridge providers check"); --debug shows each request.';
  }
  return 'Run again with --debug for details.';
}

/** Everything known about an error, for `--debug`, passed through the secret redaction. */
function debugDetails(error: unknown): string {
  const parts: string[] = [];
  if (OrderBridgeError.isInstance(error)) {
    parts.push(JSON.stringify(error.toJSON(), null, 2));
  }
  if (error instanceof Error && error.stack) parts.push(error.stack);
  else if (!(error instanceof Error)) parts.push(String(error));
  return redactSecrets(parts.join('\n'));
}
