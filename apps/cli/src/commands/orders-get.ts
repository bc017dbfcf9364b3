import { parseOrderKey } from '@orderbridge/core';
import { Command } from 'commander';
import { UsageError } from '../errors/usage-error.js';
import { projectOrder } from '../output/order-fields.js';
import { createOrderFormatter } from '../output/order-formatter.js';
import { renderOrderDetail } from '../output/order-table.js';
import { createStreamSink } from '../output/output-sink.js';
import { redactOrder } from '../output/redact-order.js';
import type { ActionFactory } from './action.js';
import type { CommandContext } from './command-context.js';
import {
  addOutputOptions,
  chooseFields,
  chooseFormat,
  loadConfig,
  type OrderFlagValues,
  openOrderSession,
  redacts,
} from './order-options.js';

const COMMAND = 'orderbridge orders get';

/** `orderbridge orders get <provider:id>`. */
export function createOrdersGetCommand(action: ActionFactory): Command {
  const command = new Command('get')
    .description('Show one order by its key, <provider>:<id>.')
    .argument('<key>', 'order key, e.g. flexportal:ord_8f2k1 or flexfactor:1b4c…');
  addOutputOptions(command, ['table', 'json', 'ndjson', 'csv']);
  command.addHelpText(
    'after',
    `
The key is what "orders list" prints in its key column: the provider id, a colon, and the
provider's own order id.

Examples:
  $ orderbridge orders get flexportal:ord_8f2k1
  $ orderbridge orders get flexfactor:1b4c09d2-7a0e-4c55-9f55-0d1f3c9a6b21 --format json
  $ orderbridge orders get flexportal:ord_8f2k1 --fields key,status,items --redact`,
  );
  return command.action(
    action((context, flags: OrderFlagValues, key: string) => runOrdersGet(context, key, flags)),
  );
}

/** Runs `orders get`. */
export async function runOrdersGet(
  context: CommandContext,
  key: string,
  flags: OrderFlagValues,
): Promise<void> {
  const parsed = parseOrderKey(key);
  if (!parsed) {
    throw new UsageError(
      `"${key}" is not an order key; use <provider>:<id>, e.g. flexportal:ord_123.`,
      {
        hint: `"orderbridge orders list" prints the keys. Run "${COMMAND} --help" for usage.`,
      },
    );
  }
  const config = await loadConfig(context);
  const format = chooseFormat(context, config, flags.format, ['table', 'json', 'ndjson', 'csv']);
  const fields = chooseFields(flags.fields, format);
  const redact = redacts(flags, config);
  // Only the provider the key names is created, so another provider's settings cannot get in the way.
  if (!config.sandbox && !config.providers.some((provider) => provider.id === parsed.provider)) {
    throw new UsageError(
      `"${key}" names provider "${parsed.provider}", which is not configured (configured: ${config.providers.map((provider) => provider.id).join(', ')}).`,
      { hint: 'Run "orderbridge providers" to list the configured providers.' },
    );
  }
  const session = await openOrderSession(context, config, {
    only: config.sandbox ? undefined : [parsed.provider],
    allowPartial: false,
  });
  try {
    const fetched = await session.client.get(key, {
      signal: context.io.interrupt,
      includeRaw: flags.includeRaw ?? false,
      strict: flags.strict ?? false,
    });
    const order = redact ? redactOrder(fetched) : fetched;
    const sink = createStreamSink(context.io.stdout);
    if (format === 'table') {
      await sink.write(renderOrderDetail(order, { colors: context.stdoutColors, fields }));
    } else if (format === 'json') {
      await sink.write(
        `${JSON.stringify(fields ? projectOrder(order, fields) : order, null, 2)}\n`,
      );
    } else {
      const formatter = createOrderFormatter({ format, fields, colors: context.stdoutColors });
      await sink.write(formatter.header() + formatter.orders([order], 0) + formatter.footer());
    }
    await sink.close();
  } finally {
    await session.close();
  }
}
