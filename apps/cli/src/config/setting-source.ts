/** Where a setting's value came from, highest precedence first: flag, environment, file, default. */
export type SettingSource =
  | { kind: 'flag'; flag: string }
  | { kind: 'env'; variable: string }
  | { kind: 'file'; file: string; key: string; variable?: string | undefined }
  | { kind: 'default' }
  | { kind: 'sandbox' };

/**
 * The source as `orderbridge providers` prints it: `flag --config`, `env FLEXPORTAL_API_KEY`,
 * `orderbridge.config.json providers[0].apiKey`, `default`, `sandbox`.
 */
export function describeSource(source: SettingSource): string {
  switch (source.kind) {
    case 'flag':
      return `flag ${source.flag}`;
    case 'env':
      return `env ${source.variable}`;
    case 'file':
      return `${source.file} ${source.key}${source.variable ? ` (env ${source.variable})` : ''}`;
    case 'default':
      return 'default';
    case 'sandbox':
      return 'sandbox';
  }
}

/** A value with its source. */
export interface Sourced<T> {
  /** The value. */
  value: T;
  /** Where it came from. */
  source: SettingSource;
}
