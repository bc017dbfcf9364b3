import type { OrderProvider, ProviderCapabilities } from '@orderbridge/core';
import { OrderBridgeError } from '@orderbridge/core';
import Table from 'cli-table3';
import { type OpenedProvider, openProviders } from '../client/open-providers.js';
import { maskSecret } from '../config/mask-secret.js';
import type { ResolvedConfig, ResolvedSetting } from '../config/resolve-config.js';
import { describeSource } from '../config/setting-source.js';
import { describeError, providerErrorLine } from '../errors/describe-error.js';
import { BORDERLESS } from '../output/order-table.js';
import { parseOutputFormat } from '../output/output-format.js';
import type { CommandContext } from './command-context.js';
import { loadConfig } from './order-options.js';
import type { ProvidersFlags } from './providers-command.js';

/**
 * Opens every configured provider, keeping going past one that cannot be created (its error is
 * reported with it), so both commands can describe each provider.
 */
function openEveryProvider(
  context: CommandContext,
  config: Awaited<ReturnType<typeof loadConfig>>,
) {
  return openProviders(config, {
    env: context.io.env,
    sandboxOrders: context.global.sandboxOrders,
    transport: context.transport(),
    note: context.note,
    keepGoing: true,
  });
}

/** Runs `providers`. */
export async function runProviders(context: CommandContext, flags: ProvidersFlags): Promise<void> {
  const format = providersFormat(context, flags);
  const config = await loadConfig(context);
  const session = await openEveryProvider(context, config);
  try {
    const descriptions = session.providers.map((provider) => describeProvider(provider));
    if (format !== 'table') {
      const out = context.io.stdout;
      if (format === 'json') {
        out.write(
          `${JSON.stringify({ configFile: configFileJson(config), sandbox: config.sandbox ?? null, providers: descriptions }, null, 2)}\n`,
        );
      } else {
        for (const description of descriptions) out.write(`${JSON.stringify(description)}\n`);
      }
    } else {
      context.io.stdout.write(renderProviders(context, config, session.providers));
    }
    const failed = session.providers.filter((provider) => provider.error);
    if (failed.length > 0) {
      for (const provider of failed) {
        context.io.stderr.write(
          `orderbridge: provider "${provider.id}": ${provider.error!.message}\n`,
        );
      }
      context.setExitCode(2);
    }
  } finally {
    await session.close();
  }
}

/** Runs `providers check`. */
export async function runProvidersCheck(
  context: CommandContext,
  flags: ProvidersFlags,
): Promise<void> {
  const format = providersFormat(context, flags);
  const config = await loadConfig(context);
  const session = await openEveryProvider(context, config);
  try {
    const results = await Promise.all(
      session.providers.map(async (provider) => {
        const startedAt = performance.now();
        if (!provider.instance) {
          return { provider: provider.id, ok: false, error: provider.error!, durationMs: 0 };
        }
        try {
          await checkProvider(provider.instance, context.io.interrupt);
          return {
            provider: provider.id,
            ok: true,
            error: undefined,
            durationMs: performance.now() - startedAt,
          };
        } catch (error) {
          if (context.io.interrupt.aborted) throw error;
          return {
            provider: provider.id,
            ok: false,
            error,
            durationMs: performance.now() - startedAt,
          };
        }
      }),
    );
    const colors = context.stdoutColors;
    const lines = results.map((result) => ({
      provider: result.provider,
      ok: result.ok,
      durationMs: Math.round(result.durationMs),
      error: result.ok ? null : errorText(result.error, context),
    }));
    if (format === 'json') {
      context.io.stdout.write(
        `${JSON.stringify({ ok: results.every((result) => result.ok), providers: lines }, null, 2)}\n`,
      );
    } else if (format === 'ndjson') {
      for (const line of lines) context.io.stdout.write(`${JSON.stringify(line)}\n`);
    } else {
      for (const line of lines) {
        context.io.stdout.write(
          line.ok
            ? `${colors.green('ok')}    ${line.provider}  ${colors.dim(`(${line.durationMs} ms)`)}\n`
            : `${colors.red('FAIL')}  ${line.provider}  ${line.error}\n`,
        );
      }
    }
    if (results.some((result) => !result.ok)) {
      const configErrors = results.every(
        (result) =>
          result.ok ||
          (result.error &&
            OrderBridgeError.isInstance(result.error) &&
            result.error.code === 'invalid_configuration'),
      );
      context.setExitCode(configErrors ? 2 : 1);
    }
  } finally {
    await session.close();
  }
}

/** The provider's own check, else the cheapest listing: one order. */
async function checkProvider(provider: OrderProvider, signal: AbortSignal): Promise<void> {
  if (typeof provider.checkConnection === 'function') {
    await provider.checkConnection({ signal });
    return;
  }
  await provider.listOrders({ limit: 1 }, { signal });
}

function errorText(error: unknown, context: CommandContext): string {
  if (OrderBridgeError.isInstance(error)) return providerErrorLine(error);
  return describeError(error, {
    debug: context.global.debug ?? false,
    helpCommand: 'orderbridge providers check',
  }).message;
}

function providersFormat(
  context: CommandContext,
  flags: ProvidersFlags,
): 'table' | 'json' | 'ndjson' {
  if (flags.format !== undefined) {
    return parseOutputFormat(flags.format, '--format', ['table', 'json', 'ndjson']) as
      | 'table'
      | 'json'
      | 'ndjson';
  }
  return context.io.stdout.isTTY ? 'table' : 'ndjson';
}

function configFileJson(config: ResolvedConfig): Record<string, unknown> | null {
  if (!config.configFile) return null;
  return { path: config.configFile.value, source: describeSource(config.configFile.source) };
}

/** A provider as `providers --format json` prints it: settings with sources, capabilities. */
function describeProvider(provider: OpenedProvider): Record<string, unknown> {
  return {
    id: provider.id,
    type: provider.type,
    settings: provider.settings.map((setting) => ({
      name: setting.name,
      value: displayValue(setting),
      source: setting.source ? describeSource(setting.source) : null,
    })),
    capabilities: provider.instance?.capabilities ?? null,
    error: provider.error?.message ?? null,
  };
}

function displayValue(setting: ResolvedSetting): string | number | boolean | null {
  if (setting.value === undefined || setting.value === null) {
    return setting.source?.kind === 'default' ? '(provider default)' : '(not set)';
  }
  if (setting.isSecret) return maskSecret(setting.value);
  if (typeof setting.value === 'object') return JSON.stringify(setting.value);
  return setting.value as string | number | boolean;
}

function renderProviders(
  context: CommandContext,
  config: ResolvedConfig,
  providers: readonly OpenedProvider[],
): string {
  const colors = context.stdoutColors;
  const lines: string[] = [];
  lines.push(
    config.configFile
      ? `Config file: ${config.configFile.value} (${describeSource(config.configFile.source)})`
      : `Config file: none (no --config, no ORDERBRIDGE_CONFIG, no orderbridge.config.json in ${context.io.cwd})`,
  );
  if (config.sandbox) {
    lines.push(
      `Providers: the embedded sandbox (${config.sandbox === 'flag' ? '--sandbox' : 'no provider credentials configured'})`,
    );
  }
  for (const provider of providers) {
    lines.push('', colors.bold(`${provider.id}  (${provider.type})`));
    const table = new Table({
      head: ['SETTING', 'VALUE', 'SOURCE'].map((name) => colors.dim(name)),
      chars: BORDERLESS,
      style: { head: [], border: [], compact: true, 'padding-left': 2, 'padding-right': 0 },
    });
    for (const setting of provider.settings) {
      table.push([
        setting.name,
        String(displayValue(setting)),
        setting.source ? describeSource(setting.source) : '',
      ]);
    }
    lines.push(table.toString().replace(/ +$/gm, ''));
    if (provider.instance) {
      lines.push(
        `  ${colors.dim('CAPABILITIES')}`,
        ...describeCapabilities(provider.instance.capabilities).map((line) => `  ${line}`),
      );
    }
    if (provider.error) lines.push(`  ${colors.red('error')}: ${provider.error.message}`);
  }
  return `${lines.join('\n')}\n`;
}

function describeCapabilities(capabilities: ProviderCapabilities): string[] {
  const statusValues = {
    none: 'no status filter',
    one: 'one status value per request',
    many: 'several status values per request',
  };
  return [
    `filters pushed down: ${capabilities.filters.length > 0 ? capabilities.filters.join(', ') : 'none (all applied locally)'}; ${statusValues[capabilities.statusFilterValues]}`,
    `sorts: ${capabilities.sorts.join(', ') || 'none'}`,
    `page size: default ${capabilities.defaultPageSize}, max ${capabilities.maxPageSize}`,
    `page-number fetching (parallel pages): ${capabilities.pageNumbers ? 'yes' : 'no'}; total count: ${capabilities.totalCount ? 'yes' : 'no'}`,
  ];
}
