import type { MigrationState } from '@orderbridge/store';
import { chooseRecordFormat } from '../output/output-format.js';
import { withStore } from '../store/open-store.js';
import type { CommandContext } from './command-context.js';
import { loadConfig } from './order-options.js';
import type { StoreFlags } from './sync-command.js';

/** Runs `orderbridge db migrate`: applies pending migrations, lists what it applied. */
export async function runDbMigrate(context: CommandContext, flags: StoreFlags): Promise<void> {
  const format = chooseRecordFormat(flags.format, context.io.stdout);
  const config = await loadConfig(context);
  await withStore(
    context,
    config,
    flags.database,
    async (store, label) => {
      const applied = await store.migrate();
      if (format === 'table') {
        context.io.stdout.write(
          applied.length === 0
            ? `${label} is up to date.\n`
            : `Applied to ${label}:\n${applied.map((name) => `  ${name}\n`).join('')}`,
        );
        return;
      }
      writeData(context, format, { database: label, applied }, applied);
    },
    NO_MIGRATION,
  );
}

/** Runs `orderbridge db status`: every migration, applied or pending. */
export async function runDbStatus(context: CommandContext, flags: StoreFlags): Promise<void> {
  const format = chooseRecordFormat(flags.format, context.io.stdout);
  const config = await loadConfig(context);
  await withStore(
    context,
    config,
    flags.database,
    async (store, label) => {
      const migrations: MigrationState[] = await store.migrations();
      if (format === 'table') {
        const pending = migrations.filter((migration) => migration.executedAt === null).length;
        const lines = migrations.map(
          (migration) =>
            `  ${migration.executedAt ? context.stdoutColors.green('applied') : context.stdoutColors.yellow('pending')}  ${migration.name}${migration.executedAt ? `  ${migration.executedAt}` : ''}`,
        );
        context.io.stdout.write(
          `${label}: ${migrations.length - pending} applied, ${pending} pending\n${lines.join('\n')}\n`,
        );
        return;
      }
      writeData(context, format, { database: label, migrations }, migrations);
    },
    NO_MIGRATION,
  );
}

/** The db commands open the store as it is: migrating is what `db migrate` itself does. */
const NO_MIGRATION = { migrate: false } as const;

function writeData(
  context: CommandContext,
  format: 'json' | 'ndjson',
  document: object,
  rows: readonly unknown[],
): void {
  if (format === 'json') context.io.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
  else for (const row of rows) context.io.stdout.write(`${JSON.stringify(row)}\n`);
}
