import { createProvider, sandboxProviderEntries } from '@orderbridge/config';
import {
  ConfigurationError,
  type OrderProvider,
  registerSecret,
  type TransportOptions,
} from '@orderbridge/core';
import type { Sandbox } from '@orderbridge/sandbox';
import { DEFAULT_SANDBOX_ORDERS } from '../commands/sandbox-command.js';
import type { ResolvedConfig, ResolvedProvider } from '../config/resolve-config.js';
import { UsageError } from '../errors/usage-error.js';
import { suggestClosest } from '../query/suggest-closest.js';

/** The line printed on stderr when no credentials are configured anywhere. */
export const EMBEDDED_SANDBOX_NOTICE =
  'orderbridge: no provider credentials configured — using the embedded sandbox (FlexPortal + FlexFactor simulators). See "orderbridge providers --help".';

/** Orders per provider in the embedded sandbox unless `--sandbox-orders` says otherwise. */
export { DEFAULT_SANDBOX_ORDERS };

/** A configured provider, created (or the configuration error that prevented it). */
export interface OpenedProvider extends ResolvedProvider {
  /** The provider, when it could be created. */
  instance: OrderProvider | undefined;
  /** Why it could not be created (only with `keepGoing`). */
  error: ConfigurationError | undefined;
}

/** The providers a command works with, and the embedded sandbox behind them, if any. */
export interface ProviderSession {
  /** The providers, in configuration order (only the `--provider` ones when given). */
  providers: OpenedProvider[];
  /** The embedded sandbox, when one was started. */
  sandbox: Sandbox | undefined;
  /** Stops the embedded sandbox. Safe to call twice. */
  close(): Promise<void>;
}

/** Options of `openProviders`. */
export interface OpenProvidersOptions {
  /** Environment for `{ env }` references and provider fallbacks. */
  env: Readonly<Record<string, string | undefined>>;
  /** `--provider`: only these ids. */
  only?: readonly string[] | undefined;
  /** Orders per provider of the embedded sandbox. */
  sandboxOrders?: number | undefined;
  /** Transport settings for every provider (timeouts, retries, debug hooks). */
  transport?: TransportOptions | undefined;
  /** Prints a note on stderr (unless `--quiet`). */
  note: (line: string) => void;
  /** Keep going when one provider cannot be created (for `orderbridge providers`). */
  keepGoing?: boolean | undefined;
}

/**
 * Creates the configured providers; starts the embedded sandbox (on 127.0.0.1, an ephemeral port)
 * when nothing is configured or `--sandbox` is given, and says so on stderr.
 * @throws UsageError for an unknown `--provider` id; ConfigurationError when a provider cannot be created.
 */
export async function openProviders(
  config: ResolvedConfig,
  options: OpenProvidersOptions,
): Promise<ProviderSession> {
  let sandbox: Sandbox | undefined;
  let resolved = config.providers;
  let env = options.env;
  if (config.sandbox) {
    // Loaded only here: the simulators are a sizeable module graph a configured provider never needs.
    const { startSandbox } = await import('@orderbridge/sandbox');
    sandbox = await startSandbox({
      host: '127.0.0.1',
      port: 0,
      orders: options.sandboxOrders ?? DEFAULT_SANDBOX_ORDERS,
    });
    options.note(
      config.sandbox === 'flag'
        ? `orderbridge: using the embedded sandbox (--sandbox) at ${sandbox.url}.`
        : EMBEDDED_SANDBOX_NOTICE,
    );
    resolved = sandboxProviderEntries(sandbox).map((entry) => ({
      id: entry.type,
      type: entry.type,
      entry,
      settings: [
        { name: 'id', value: entry.type, isSecret: false, source: { kind: 'default' as const } },
        ...Object.entries(entry)
          .filter(([name]) => name !== 'type')
          .map(([name, value]) => ({
            name,
            value,
            isSecret: /key|secret/i.test(name),
            source: { kind: 'sandbox' as const },
          })),
      ],
    }));
    // The sandbox's providers must not pick up real credentials as fallbacks.
    env = {};
  }
  const close = async () => {
    await sandbox?.close();
  };
  try {
    const selected = select(resolved, options.only);
    const providers: OpenedProvider[] = [];
    for (const provider of selected) {
      for (const setting of provider.settings) {
        if (setting.isSecret && typeof setting.value === 'string') registerSecret(setting.value);
      }
      try {
        const instance = await createProvider(provider.entry, {
          env,
          baseDir: config.baseDir,
          transport: options.transport ?? {},
        });
        providers.push({ ...provider, instance, error: undefined });
      } catch (error) {
        if (!options.keepGoing || !ConfigurationError.isInstance(error)) throw error;
        providers.push({ ...provider, instance: undefined, error });
      }
    }
    return { providers, sandbox, close };
  } catch (error) {
    await close();
    throw error;
  }
}

function select(
  providers: readonly ResolvedProvider[],
  only: readonly string[] | undefined,
): ResolvedProvider[] {
  if (!only || only.length === 0) return [...providers];
  const ids = providers.map((provider) => provider.id);
  for (const id of only) {
    if (!ids.includes(id)) {
      const closest = suggestClosest(id, ids);
      throw new UsageError(
        `--provider: "${id}" is not a configured provider${closest ? ` (did you mean "${closest}"?)` : ''}. Configured: ${ids.join(', ') || 'none'}.`,
        { hint: 'Run "orderbridge providers" to list the configured providers.' },
      );
    }
  }
  return providers.filter((provider) => only.includes(provider.id));
}
