import { Command } from 'commander';
import type { ActionFactory } from './action.js';

/** Flags of `providers` and `providers check`. */
export interface ProvidersFlags {
  /** `--format table|json|ndjson`. */
  format?: string | undefined;
}

/** `orderbridge providers` and `orderbridge providers check`. */
export function createProvidersCommand(action: ActionFactory): Command {
  const command = new Command('providers')
    .description(
      'Show the configured providers, their capabilities and where each setting came from.',
    )
    .option(
      '--format <format>',
      'table, json or ndjson (default: table on a terminal, else ndjson)',
    );
  command.addHelpText(
    'after',
    `
Configuration, highest precedence first:
  1. flags           --config FILE, --sandbox
  2. environment     FLEXPORTAL_API_KEY, FLEXPORTAL_TENANT_ID, FLEXPORTAL_REGION, FLEXPORTAL_BASE_URL,
                     FLEXFACTOR_APP_KEY, FLEXFACTOR_APP_SECRET, FLEXFACTOR_ENVIRONMENT,
                     FLEXFACTOR_BASE_URL, ORDERBRIDGE_CONFIG, ORDERBRIDGE_FORMAT, NO_COLOR
  3. config file     --config, else $ORDERBRIDGE_CONFIG, else ./orderbridge.config.json

The environment configures the providers with the default ids "flexportal" and "flexfactor";
when the config file has an entry with that id, each variable that is set overrides that
setting. With no provider configured anywhere, commands use an embedded sandbox.

Config file example (several accounts of one provider each get their own id):
  {
    "providers": [
      { "type": "flexportal", "id": "fp-eu", "region": "eu",
        "apiKey": { "env": "FP_EU_KEY" }, "tenantId": "bu_123" },
      { "type": "flexportal", "id": "fp-us", "region": "us",
        "apiKey": { "env": "FP_US_KEY" }, "tenantId": "bu_456" },
      { "type": "flexfactor", "appKey": { "env": "FF_KEY" }, "appSecret": { "env": "FF_SECRET" } }
    ],
    "defaults": { "format": "table", "limit": 25, "redact": false, "allowPartial": false }
  }

Examples:
  $ orderbridge providers
  $ orderbridge providers --format json
  $ orderbridge providers check
  $ orderbridge --config ./staging.json providers check`,
  );
  command.action(
    action(async (context, flags: ProvidersFlags) => {
      const { runProviders } = await import('./providers.js');
      await runProviders(context, flags);
    }),
  );
  const check = new Command('check')
    .description(
      'Verify the credentials and reachability of each provider (one cheap request each).',
    )
    // `--format` is the parent's (`providers --format`), which commander parses wherever it
    // appears; defining it here too listed it twice in this command's help.
    .addHelpText(
      'after',
      `
Exit code 0 when every provider answered, 1 when any failed (each failure is reported with its
kind, HTTP status and request id), 2 for a configuration error.

Examples:
  $ orderbridge providers check
  $ orderbridge providers check --format json`,
    )
    .action(
      action(async (context, flags: ProvidersFlags) => {
        const { runProvidersCheck } = await import('./providers.js');
        await runProvidersCheck(context, flags);
      }),
    );
  command.addCommand(check);
  return command;
}
