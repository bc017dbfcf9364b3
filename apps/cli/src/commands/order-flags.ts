import { type Command, Option } from 'commander';
import type { OutputFormat } from '../output/output-format.js';
import { collectList } from '../query/integer-flag.js';
import type { QueryFlagValues } from '../query/query-flags.js';

// The flag definitions of the order commands, apart from what running them needs: building the
// command tree (for every command, `--help` and `--version` included) must not load core.

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
      '--currency <code>',
      'only orders whose total is in this ISO 4217 currency (USD); required with --sort total',
    )
    .option(
      '--search <text>',
      'case-insensitive text in id, reference, customer or merchant name, email',
    )
    .option(
      '--sort <field[:dir]>',
      'createdAt, updatedAt, id, status or total, then asc or desc (default createdAt:desc); total ranks one --currency, as amounts in different currencies have no order',
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

/** Adds `--source` and `--database` (reading from the order store instead of the providers). */
export function addSourceOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--source <source>',
        'live: ask the providers (default); store: read the order store that "orderbridge sync" fills',
      ).choices(['live', 'store']),
    )
    .option(
      '--database <url>',
      'order store for --source store (default: $ORDERBRIDGE_DATABASE_URL, else sqlite:./orderbridge.db)',
    );
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
  /** `--source live|store`. */
  source?: 'live' | 'store' | undefined;
  /** `--database URL` (with `--source store`). */
  database?: string | undefined;
}
