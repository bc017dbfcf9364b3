import type { CommandContext } from './command-context.js';

/**
 * Wraps a command handler into a commander action: builds the command context from the global
 * options and hands over the command's own options (and positional arguments).
 */
export type ActionFactory = <Options>(
  handler: (context: CommandContext, options: Options, ...operands: string[]) => Promise<void>,
) => (...args: unknown[]) => Promise<void>;
