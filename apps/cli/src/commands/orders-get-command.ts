import { Command } from 'commander';
import type { ActionFactory } from './action.js';
import { addOutputOptions, addSourceOptions, type OrderFlagValues } from './order-flags.js';

/** `orderbridge orders get <provider:id>`. */
export function createOrdersGetCommand(action: ActionFactory): Command {
  const command = new Command('get')
    .description('Show one order by its key, <provider>:<id>.')
    .argument('<key>', 'order key, e.g. flexportal:ord_8f2k1 or flexfactor:1b4c…');
  addSourceOptions(command);
  addOutputOptions(command, ['table', 'json', 'ndjson', 'csv']);
  command.addHelpText(
    'after',
    `
The key is what "orders list" prints in its key column: the provider id, a colon, and the
provider's own order id.

Examples:
  $ orderbridge orders get flexportal:ord_8f2k1
  $ orderbridge orders get flexfactor:1b4c09d2-7a0e-4c55-9f55-0d1f3c9a6b21 --format json
  $ orderbridge orders get flexportal:ord_8f2k1 --fields key,status,items --redact
  $ orderbridge orders get flexportal:ord_8f2k1 --source store`,
  );
  return command.action(
    action(async (context, flags: OrderFlagValues, key: string) => {
      const { runOrdersGet } = await import('./orders-get.js');
      await runOrdersGet(context, key, flags);
    }),
  );
}
