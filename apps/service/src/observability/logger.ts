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
  /** Where lines go (default: stdout, written synchronously so nothing is lost at exit). */
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
  return pino(options, settings.destination ?? pino.destination({ dest: 1, sync: true }));
}
