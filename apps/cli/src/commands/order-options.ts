import { createOrderClient, type OrderClient, type OrderProvider } from '@orderbridge/core';
import {
  type OpenedProvider,
  openProviders,
  type ProviderSession,
} from '../client/open-providers.js';
import { type ResolvedConfig, resolveConfig } from '../config/resolve-config.js';
import { CSV_COLUMN_NAMES } from '../output/csv-columns.js';
import { type FieldPath, parseFieldsFlag } from '../output/order-fields.js';
import { type OutputFormat, parseOutputFormat } from '../output/output-format.js';
import type { CommandContext } from './command-context.js';
import type { OrderFlagValues } from './order-flags.js';

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
