/**
 * `@orderbridge/cli`: the `orderbridge` command, and its pieces for programs that want the same
 * behaviour (argument parsing into canonical queries, configuration resolution with sources,
 * output formatters, export checkpoints).
 */
export type { CliIo, OutputStream } from './cli-io.js';
export { processIo } from './cli-io.js';
export {
  DEFAULT_SANDBOX_ORDERS,
  EMBEDDED_SANDBOX_NOTICE,
  type OpenedProvider,
  type OpenProvidersOptions,
  openProviders,
  type ProviderSession,
} from './client/open-providers.js';
export {
  type CliConfig,
  type CliDefaults,
  cliConfigSchema,
  cliDefaultsSchema,
  DEFAULT_CONFIG_FILE,
} from './config/cli-config-schema.js';
export { maskSecret } from './config/mask-secret.js';
export {
  type ResolveConfigInput,
  type ResolvedConfig,
  type ResolvedProvider,
  type ResolvedSetting,
  resolveConfig,
} from './config/resolve-config.js';
export { describeSource, type SettingSource, type Sourced } from './config/setting-source.js';
export { describeError, type ErrorReport, providerErrorLine } from './errors/describe-error.js';
export { ExitCode } from './errors/exit-code.js';
export { InterruptedError } from './errors/interrupted-error.js';
export { UsageError } from './errors/usage-error.js';
export {
  assertResumable,
  CHECKPOINT_VERSION,
  type Checkpoint,
  checkpointSchema,
  type ExportArguments,
  fingerprintArguments,
  readCheckpoint,
  writeCheckpoint,
} from './export/checkpoint.js';
export { EXPORT_FORMATS, type ExportFormat } from './export/export-format.js';
export { main } from './main.js';
export { CSV_COLUMN_NAMES, CSV_COLUMNS, type CsvColumn } from './output/csv-columns.js';
export { type FieldPath, parseFieldsFlag, projectOrder, readPath } from './output/order-fields.js';
export {
  createOrderFormatter,
  type ListingTrailer,
  type OrderFormatter,
  type OrderFormatterSettings,
} from './output/order-formatter.js';
export { OUTPUT_FORMATS, type OutputFormat, parseOutputFormat } from './output/output-format.js';
export { createFileSink, createStreamSink, type OutputSink } from './output/output-sink.js';
export { maskEmail, maskToken, redactOrder } from './output/redact-order.js';
export {
  type StreamOrdersOptions,
  type StreamOutcome,
  streamOrders,
} from './output/stream-orders.js';
export { parseDateFlag } from './query/date-flag.js';
export {
  buildOrderQuery,
  type QueryFlagContext,
  type QueryFlagValues,
} from './query/query-flags.js';
export { CLI_VERSION } from './version.js';
