import { redactSecrets } from '@orderbridge/core';
import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';
import { maskEmailsInText } from '../redaction/redact-order.js';

/** The service's logger type (pino). */
export type ServiceLogger = Logger;

/** Settings of {@link createLogger}. */
export interface LoggerSettings {
  /** pino level: `fatal`, `error`, `warn`, `info` (default), `debug`, `trace`, `silent`. */
  level?: string | undefined;
  /** Mask anything that looks like an email address in every line. */
  redactPersonalData?: boolean | undefined;
  /**
   * Where lines go (default: stdout through pino's asynchronous destination, flushed synchronously
   * when the process exits, so a slow log reader never blocks a request).
   */
  destination?: DestinationStream | undefined;
}

/**
 * Paths whose values are always replaced: credentials in headers and settings. Secrets registered
 * with core's `registerSecret` are masked wherever they appear in a line, as a second line of defence.
 */
export const REDACTED_LOG_PATHS = [
  'authorization',
  'headers.authorization',
  'headers.cookie',
  'headers["set-cookie"]',
  'headers["x-api-key"]',
  'req.headers.authorization',
  'req.headers.cookie',
  '*.apiKey',
  '*.appKey',
  '*.appSecret',
  '*.accessToken',
  '*.refreshToken',
  '*.token',
  '*.password',
  '*.secret',
  '*.cursorSecret',
];

/** Lines are written to stdout once this many bytes are waiting (≈ 15 request lines)… */
const LOG_WRITE_BYTES = 4096;
/** …or after this long, whichever comes first. */
const LOG_FLUSH_MS = 1000;

/** Creates the JSON logger: one object per line, with secrets (and optionally emails) masked. */
export function createLogger(settings: LoggerSettings = {}): ServiceLogger {
  const options: LoggerOptions = {
    level: settings.level ?? 'info',
    base: { service: 'orderbridge-service' },
    redact: { paths: REDACTED_LOG_PATHS, censor: '[REDACTED]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    hooks: {
      streamWrite: settings.redactPersonalData
        ? (line) => maskEmailsInText(redactSecrets(line))
        : (line) => redactSecrets(line),
    },
  };
  // Asynchronous writes: with `sync: true` every line was a blocking write(2) on the request's path,
  // and when stdout is a pipe whose reader falls behind (a log shipper, a busy container runtime)
  // that write waits for it, so the slowest log reader set the service's tail latency. pino's
  // asynchronous destination queues lines and writes them between requests; pino registers a
  // synchronous flush on the process's `exit` event (also after `process.exit()`, which the
  // binary's signal and crash handlers call), so no line is lost at a normal or failed exit.
  // Lines are gathered into writes of at least LOG_WRITE_BYTES (a write per line was ≈ 7% of a
  // request's CPU) and flushed at least every LOG_FLUSH_MS, so an idle service's last lines are
  // never held back longer than that.
  return pino(
    options,
    settings.destination ??
      pino.destination({
        dest: 1,
        sync: false,
        minLength: LOG_WRITE_BYTES,
        periodicFlush: LOG_FLUSH_MS,
      }),
  );
}
