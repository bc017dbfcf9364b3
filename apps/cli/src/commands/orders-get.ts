import { type Order, parseOrderKey } from '@orderbridge/core';
import { UsageError } from '../errors/usage-error.js';
import type { FieldPath } from '../output/order-fields.js';
import { projectOrder } from '../output/order-fields.js';
import { createOrderFormatter } from '../output/order-formatter.js';
import { renderOrderDetail } from '../output/order-table.js';
import type { OutputFormat } from '../output/output-format.js';
import { createStreamSink } from '../output/output-sink.js';
import { redactOrder } from '../output/redact-order.js';
import { checkLiveOnly, getStoredOrder } from '../store/store-orders.js';
import type { CommandContext } from './command-context.js';
import type { OrderFlagValues } from './order-flags.js';
import {
  chooseFields,
  chooseFormat,
  loadConfig,
  openOrderSession,
  redacts,
} from './order-options.js';

const COMMAND = 'orderbridge orders get';

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
  if (flags.source === 'store') {
    const stored = await getStoredOrder(context, config, key, parsed.provider, flags);
    await writeOrder(context, redact ? redactOrder(stored) : stored, format, fields);
    return;
  }
  checkLiveOnly(flags, COMMAND);
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
    await writeOrder(context, redact ? redactOrder(fetched) : fetched, format, fields);
  } finally {
    await session.close();
  }
}

async function writeOrder(
  context: CommandContext,
  order: Order,
  format: OutputFormat,
  fields: FieldPath[] | undefined,
): Promise<void> {
  const sink = createStreamSink(context.io.stdout);
  if (format === 'table') {
    await sink.write(renderOrderDetail(order, { colors: context.stdoutColors, fields }));
  } else if (format === 'json') {
    await sink.write(`${JSON.stringify(fields ? projectOrder(order, fields) : order, null, 2)}\n`);
  } else {
    const formatter = createOrderFormatter({ format, fields, colors: context.stdoutColors });
    await sink.write(formatter.header() + formatter.orders([order], 0) + formatter.footer());
  }
  await sink.close();
}
