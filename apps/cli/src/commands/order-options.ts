import { createOrderClient, type OrderClient, type OrderProvider } from '@orderbridge/core';
import { type Command, Option } from 'commander';
import {
  type OpenedProvider,
  openProviders,
  type ProviderSession,
} from '../client/open-providers.js';
import { type ResolvedConfig, resolveConfig } from '../config/resolve-config.js';
import { CSV_COLUMN_NAMES } from '../output/csv-columns.js';
import { type FieldPath, parseFieldsFlag } from '../output/order-fields.js';
import { type OutputFormat, parseOutputFormat } from '../output/output-format.js';
import { collectList } from '../query/integer-flag.js';
import type { QueryFlagValues } from '../query/query-flags.js';
import type { CommandContext } from './command-context.js';

/** Adds the filter and sort flags shared by `orders list` and `orders export`. */
export function addQueryOptions(command: Command): Command {
  return command
    .option('--status <statuses>', 'lifecycle status; repeatable or comma-separated', collectList)
    .option(
      '--payment-status <statuses>',
      'payment status; repeatable or comma-separated',
      collectList,
    )
    .option(
      '--fulfillment-status <statuses>',
      'fulfilment status; repeatable or comma-separated',
      collectList,
    )
    .option(
      '--created-from <when>',
      'created at or after: 2024-03-01, 2024-03-01T12:00:00Z, or 30m/12h/7d/2w ago',
    )
    .option(
      '--created-to <when>',
      'created at or before; a bare date means the end of that UTC day',
    )
    .option('--customer <id>', "the provider's customer id")
    .option('--merchant <id>', "the provider's merchant id")
    .option(
      '--search <text>',
      'case-insensitive text in id, reference, customer or merchant name, email',
    )
    .option(
      '--sort <field[:dir]>',
      'createdAt, updatedAt, id, status or total, then asc or desc (default createdAt:desc)',
    )
    .option(
      '--provider <ids>',
      'only these provider ids; repeatable or comma-separated',
      collectList,
    );
}

/** Adds the output flags shared by the order commands. */
export function addOutputOptions(command: Command, formats: readonly OutputFormat[]): Command {
  return command
    .addOption(new Option('--format <format>', `output format: ${formats.join(', ')}`))
    .option(
      '--fields <paths>',
      'comma-separated dotted paths, e.g. key,status,customer.email,totals.total',
    )
    .option('--redact', 'mask emails and payment-instrument tokens in every format')
    .option('--no-redact', 'do not mask, even when the config file sets defaults.redact')
    .option('--include-raw', "include each provider's wire object as raw (JSON formats)")
    .option('--strict', 'fail on any record the provider sent that does not match its schema');
}

/** The raw values of the shared order flags, as commander parses them. */
export interface OrderFlagValues extends QueryFlagValues {
  /** `--provider`: only these provider ids. */
  provider?: string[] | undefined;
  /** `--format`. */
  format?: string | undefined;
  /** `--fields`: comma-separated dotted paths. */
  fields?: string | undefined;
  /** `--redact` (true) / `--no-redact` (false); undefined leaves the config default. */
  redact?: boolean | undefined;
  /** `--include-raw`. */
  includeRaw?: boolean | undefined;
  /** `--strict`. */
  strict?: boolean | undefined;
  /** `--allow-partial` (true) / `--no-allow-partial` (false); undefined leaves the config default. */
  allowPartial?: boolean | undefined;
}

/**
 * The output format: `--format`, else `ORDERBRIDGE_FORMAT` / the config file's `defaults.format`,
 * else a table on a terminal and NDJSON in a pipe.
 * @throws UsageError for a format the command does not support.
 */
export function chooseFormat(
  context: CommandContext,
  config: ResolvedConfig | undefined,
  flag: string | undefined,
  allowed: readonly OutputFormat[],
): OutputFormat {
  if (flag !== undefined) return parseOutputFormat(flag, '--format', allowed);
  const fallback = config?.defaults.format;
  if (fallback) {
    const where =
      fallback.source.kind === 'env'
        ? fallback.source.variable
        : fallback.source.kind === 'file'
          ? `${fallback.source.file} ${fallback.source.key}`
          : 'default format';
    return parseOutputFormat(fallback.value, where, allowed);
  }
  return context.io.stdout.isTTY ? 'table' : 'ndjson';
}

/** `--fields`, checked against the order model (and the CSV column names for CSV). */
export function chooseFields(
  flag: string | undefined,
  format: OutputFormat,
): FieldPath[] | undefined {
  if (flag === undefined) return undefined;
  return parseFieldsFlag(flag, format === 'csv' ? CSV_COLUMN_NAMES : []);
}

/** The configuration, resolved from the global flags, environment and config file. */
export function loadConfig(context: CommandContext): Promise<ResolvedConfig> {
  return resolveConfig({
    configFlag: context.global.config,
    sandboxFlag: context.global.sandbox,
    env: context.io.env,
    cwd: context.io.cwd,
  });
}

/** An opened set of providers and the client over them. */
export interface OrderSession {
  /** The configuration it was opened from. */
  config: ResolvedConfig;
  /** The providers and the embedded sandbox, if any. */
  session: ProviderSession;
  /** The multi-provider client over the created providers. */
  client: OrderClient;
  /** The providers (created). */
  providers: Array<OpenedProvider & { instance: OrderProvider }>;
  /** Stops the embedded sandbox, if any. */
  close(): Promise<void>;
}

/**
 * Opens the configured providers (or the embedded sandbox) and the multi-provider client.
 * @throws UsageError / ConfigurationError for bad configuration or `--provider` ids.
 */
export async function openOrderSession(
  context: CommandContext,
  config: ResolvedConfig,
  options: { only?: readonly string[] | undefined; allowPartial: boolean },
): Promise<OrderSession> {
  const session = await openProviders(config, {
    env: context.io.env,
    only: options.only,
    sandboxOrders: context.global.sandboxOrders,
    transport: context.transport(),
    note: context.note,
  });
  try {
    const providers = session.providers.filter(
      (provider): provider is OpenedProvider & { instance: OrderProvider } =>
        provider.instance !== undefined,
    );
    const client = createOrderClient({
      providers: providers.map((provider) => provider.instance),
      onProviderError: options.allowPartial ? 'partial' : 'fail',
    });
    return { config, session, client, providers, close: () => session.close() };
  } catch (error) {
    await session.close();
    throw error;
  }
}

/** `--allow-partial`, else the config file's `defaults.allowPartial`. */
export function allowsPartial(flags: OrderFlagValues, config: ResolvedConfig): boolean {
  return flags.allowPartial ?? config.defaults.allowPartial?.value ?? false;
}

/** `--redact`, else the config file's `defaults.redact`. */
export function redacts(flags: OrderFlagValues, config: ResolvedConfig): boolean {
  return flags.redact ?? config.defaults.redact?.value ?? false;
}
