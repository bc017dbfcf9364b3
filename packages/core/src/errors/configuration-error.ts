import { hasMarker, OrderBridgeError } from './orderbridge-error.js';

const marker = Symbol.for('orderbridge.error.ConfigurationError');

/**
 * A setting is missing or invalid: names the setting and, where one exists, the environment
 * variable it can come from. Never retryable.
 */
export class ConfigurationError extends OrderBridgeError {
  protected readonly [marker] = true;
  override readonly code: string = 'invalid_configuration';
  /** The setting, e.g. `apiKey`. */
  readonly setting: string | undefined;
  /** The environment variable the setting falls back to, e.g. `FLEXPORTAL_API_KEY`. */
  readonly environmentVariable: string | undefined;

  constructor(options: {
    message: string;
    setting?: string;
    environmentVariable?: string;
    provider?: string;
    cause?: unknown;
  }) {
    super({ ...options, isRetryable: false });
    this.name = 'ConfigurationError';
    this.setting = options.setting;
    this.environmentVariable = options.environmentVariable;
  }

  /** True for any `ConfigurationError`, across package copies. */
  static override isInstance(error: unknown): error is ConfigurationError {
    return hasMarker(error, marker);
  }
}
