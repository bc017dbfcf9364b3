import { Argument, Command, CommanderError } from 'commander';
import type { CliIo } from './cli-io.js';
import type { ActionFactory } from './commands/action.js';
import { createChangesCommand } from './commands/changes-command.js';
import type { GlobalOptions } from './commands/command-context.js';
import { createOrdersExportCommand } from './commands/orders-export-command.js';
import { createOrdersGetCommand } from './commands/orders-get-command.js';
import { createOrdersListCommand } from './commands/orders-list-command.js';
import { createProvidersCommand } from './commands/providers-command.js';
import { createReportCommand } from './commands/report-command.js';
import { createSandboxCommand, DEFAULT_SANDBOX_ORDERS } from './commands/sandbox-command.js';
import { createDbCommand, createSyncCommand } from './commands/sync-command.js';
import { createWorkerCommand } from './commands/worker-command.js';
import {
  COMPLETION_SHELLS,
  type CompletionShell,
  completionScript,
} from './completion/completion-script.js';
import { parseIntegerFlag } from './query/integer-flag.js';
import { CLI_VERSION } from './version.js';

/** What a run of the program leaves behind for `main`: exit code, debug flag, notes for after an error. */
export interface RunState {
  /** Exit code set by a command that finished (3 for partial results). */
  exitCode: number;
  /** `--debug` of the running command. */
  debug: boolean;
  /** The running command's path, for "Run ... --help" hints. */
  commandPath: string;
  /** Lines to print after an error report. */
  afterError: string[];
}

/**
 * Builds the `orderbridge` command tree (commander), writing to `io` and recording into `state`.
 * The tree holds only the commands' flags and help; each command loads what it runs (core, the
 * providers, the output libraries) when it runs, so `--help`, `--version` and a mistyped flag load
 * none of it, and each command only its own.
 */
export function createProgram(io: CliIo, argv: readonly string[], state: RunState): Command {
  const action: ActionFactory =
    (handler) =>
    async (...args: unknown[]) => {
      const command = args.at(-1) as Command;
      const operands = args.slice(0, -2) as string[];
      const global = readGlobalOptions(command.optsWithGlobals());
      state.debug = global.debug ?? false;
      state.commandPath = commandPath(command);
      const { createCommandContext } = await import('./commands/command-context.js');
      const context = createCommandContext(
        io,
        global,
        argv,
        (code) => {
          state.exitCode = Math.max(state.exitCode, code);
        },
        (line) => state.afterError.push(line),
      );
      // An option both a command and its parent define (`providers --format` and `providers check
      // --format`) is parsed by the parent wherever it appears, so the parent's value fills in.
      const options: Record<string, unknown> = { ...command.parent?.opts() };
      for (const [name, value] of Object.entries(command.opts())) {
        if (value !== undefined) options[name] = value;
      }
      await handler(context, options as never, ...operands);
    };

  const program = new Command('orderbridge')
    .description(
      'One canonical view of orders across FlexPortal, FlexFactor and your own providers.',
    )
    .version(CLI_VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help for a command')
    .option(
      '--config <file>',
      'config file (default: $ORDERBRIDGE_CONFIG, else ./orderbridge.config.json)',
    )
    .option('--sandbox', 'use the embedded sandbox even when credentials are configured')
    .option(
      '--sandbox-orders <n>',
      `orders per provider in the embedded sandbox (default ${DEFAULT_SANDBOX_ORDERS}, as orderbridge sandbox)`,
    )
    .option('--timeout <ms>', 'per-request timeout in milliseconds (default 30000)')
    .option('--retries <n>', 'retries of a failed idempotent request (default 3)')
    .option('-q, --quiet', 'no notes or warnings on stderr (errors are still printed)')
    .option('--no-color', 'no colour (also: NO_COLOR=1); colour is only used on a terminal')
    .option('--debug', 'log each provider request and show error details (secrets redacted)')
    .configureHelp({ showGlobalOptions: true })
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(`orderbridge: ${text.replace(/^error: /, '')}`),
    })
    .addHelpText(
      'after',
      `
With no provider credentials configured, commands run against an embedded sandbox (simulated
FlexPortal and FlexFactor with generated orders), so you can try everything right away.

Exit codes: 0 ok, 1 provider/network error, 2 usage or configuration error,
3 partial result (--allow-partial), 4 differences (report reconcile), 130 interrupted.

Examples:
  $ orderbridge orders list
  $ orderbridge orders list --status completed --created-from 30d --format csv > orders.csv
  $ orderbridge orders get flexportal:ord_8f2k1
  $ orderbridge orders export -o orders.ndjson --checkpoint orders.checkpoint.json
  $ orderbridge providers check
  $ orderbridge sync && orderbridge orders list --source store
  $ orderbridge changes --follow
  $ orderbridge report revenue --by month
  $ orderbridge sandbox`,
    );

  const orders = new Command('orders').description('List, show and export orders.').addHelpText(
    'after',
    `
Examples:
  $ orderbridge orders list --limit 20
  $ orderbridge orders get flexfactor:1b4c09d2-7a0e-4c55-9f55-0d1f3c9a6b21
  $ orderbridge orders export --format csv -o orders.csv`,
  );
  program.addCommand(orders);
  orders.addCommand(createOrdersListCommand(action));
  orders.addCommand(createOrdersGetCommand(action));
  orders.addCommand(createOrdersExportCommand(action));
  program.addCommand(createProvidersCommand(action));
  program.addCommand(createSyncCommand(action));
  program.addCommand(createDbCommand(action));
  program.addCommand(createWorkerCommand(action));
  program.addCommand(createChangesCommand(action));
  program.addCommand(createReportCommand(action));
  program.addCommand(createSandboxCommand(action));
  program.addCommand(
    new Command('completion')
      .description('Print a shell completion script for bash, zsh or fish.')
      .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(COMPLETION_SHELLS))
      .addHelpText(
        'after',
        `
Examples:
  $ orderbridge completion bash > ~/.local/share/bash-completion/completions/orderbridge
  $ orderbridge completion zsh > "\${fpath[1]}/_orderbridge"
  $ orderbridge completion fish > ~/.config/fish/completions/orderbridge.fish
  $ source <(orderbridge completion bash)        # this shell only`,
      )
      .action((shell: CompletionShell) => {
        io.stdout.write(completionScript(program, shell));
      }),
  );
  configureTree(program);
  return program;
}

/** Every command: same output, errors as exceptions (exit 2), a "--help" hint after an error. */
function configureTree(command: Command): void {
  command
    .exitOverride()
    .showSuggestionAfterError(true)
    .showHelpAfterError(`Run "${commandPath(command)} --help" for usage.`)
    .configureOutput(command.parent?.configureOutput() ?? command.configureOutput())
    .configureHelp({ showGlobalOptions: true });
  for (const child of command.commands) configureTree(child);
}

/** `orderbridge orders list`. */
export function commandPath(command: Command): string {
  const names: string[] = [];
  for (let current: Command | null = command; current; current = current.parent)
    names.unshift(current.name());
  return names.join(' ');
}

function readGlobalOptions(raw: Record<string, unknown>): GlobalOptions {
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const sandboxOrders = text(raw.sandboxOrders);
  const timeout = text(raw.timeout);
  const retries = text(raw.retries);
  return {
    config: text(raw.config),
    sandbox: raw.sandbox === true,
    sandboxOrders:
      sandboxOrders === undefined
        ? undefined
        : parseIntegerFlag('--sandbox-orders', sandboxOrders, 0, 1_000_000),
    timeout:
      timeout === undefined ? undefined : parseIntegerFlag('--timeout', timeout, 1, 3_600_000),
    retries: retries === undefined ? undefined : parseIntegerFlag('--retries', retries, 0, 10),
    quiet: raw.quiet === true,
    color: raw.color !== false,
    debug: raw.debug === true,
  };
}

/** True for commander's own "error" (unknown option, missing argument, …), as opposed to help/version. */
export function isCommanderUsageError(error: unknown): error is CommanderError {
  return (
    error instanceof CommanderError &&
    error.code !== 'commander.helpDisplayed' &&
    error.code !== 'commander.version'
  );
}
