import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import type { ChurnOptions, ChurnResult, VanishResult } from './churn/churn-request.js';
import { LiveData } from './churn/live-data.js';
import {
  connectionEnvironment,
  type SandboxConnectionSettings,
} from './control/connection-settings.js';
import { createControlHandler } from './control/control-api.js';
import {
  type FaultSettings,
  faultSettingsSchema,
  PROVIDER_NAMES,
  ProviderFaults,
  type ProviderName,
} from './faults/provider-faults.js';
import { FlexFactorGenerator } from './flexfactor/flexfactor-generator.js';
import { FlexFactorApi } from './flexfactor/flexfactor-routes.js';
import type { FlexFactorRow } from './flexfactor/flexfactor-schema.js';
import {
  createFlexFactorStore,
  FlexFactorData,
  type FlexFactorStore,
} from './flexfactor/flexfactor-store.js';
import { DEFAULT_TOKEN_TTL_MS, TokenIssuer } from './flexfactor/flexfactor-tokens.js';
import { FlexPortalApi } from './flexportal/flexportal-routes.js';
import type { FlexPortalOrder } from './flexportal/flexportal-schema.js';
import {
  createFlexPortalStore,
  type FlexPortalStore,
  FlexPortalTenant,
} from './flexportal/flexportal-store.js';
import { createSandboxServer } from './http/sandbox-server.js';
import { type SandboxStats, StatsRecorder } from './stats/sandbox-stats.js';
import type { WireObject } from './table/order-table.js';
import {
  FlexFactorWebhooks,
  type WebhookDelivery,
  type WebhookSubscription,
  type WebhookSubscriptionInput,
  webhookSubscriptionSchema,
} from './webhooks/flexfactor-webhooks.js';

/**
 * Orders per provider when nothing says otherwise: the same for `startSandbox`, the
 * `orderbridge-sandbox` command, `orderbridge sandbox` and the embedded sandbox of the CLI and
 * the service.
 */
export const DEFAULT_ORDERS_PER_PROVIDER = 200;

/**
 * The port of a sandbox started from a command line (`orderbridge-sandbox`, `orderbridge sandbox`)
 * when none is given, so its URLs stay the same from one run to the next. A sandbox started from
 * code, and the embedded one, take any free port.
 */
export const DEFAULT_SANDBOX_PORT = 4010;

/** Options of {@link startSandbox}. Every field is optional. */
export interface SandboxOptions {
  /** TCP port; default 0 (an ephemeral port, see `Sandbox.url`). */
  port?: number;
  /** Interface to bind; default `127.0.0.1` (the control endpoint has no auth). */
  host?: string;
  /** Dataset seed; default 1. Same seed and counts → identical data. */
  seed?: number;
  /**
   * Generated orders per provider (default {@link DEFAULT_ORDERS_PER_PROVIDER}, 200). For FlexPortal this is the default tenant's count;
   * the second default tenant has 25.
   */
  orders?: number | { flexportal?: number; flexfactor?: number };
  /** FlexPortal tenants; default `bu_sandbox_a` (key `fp_test_sandbox_key_tenant_a`) and `bu_sandbox_b`. */
  tenants?: Array<{ tenantId: string; apiKey: string; orders?: number }>;
  /** FlexFactor credentials and limits. */
  flexfactor?: {
    /** AppKey; default `ff_sandbox_app_key`. */
    appKey?: string;
    /** AppSecret; default `ff_sandbox_app_secret`. */
    appSecret?: string;
    /** Access-token lifetime in ms; default 600000 (10 minutes, FF-TOKEN). */
    tokenTtlMs?: number;
    /** Largest accepted `pageSize`; default 1000 (undocumented upstream). */
    maxPageSize?: number;
    /** Webhook subscriptions to start with (more through `flexfactor.webhooks.subscribe`). */
    webhooks?: WebhookSubscriptionInput[];
  };
  /** Faults to start with. */
  faults?: { flexportal?: FaultSettings; flexfactor?: FaultSettings };
  /**
   * Gzip the providers' answers (`Content-Encoding: gzip`, `Vary: Accept-Encoding`) when the
   * request's `Accept-Encoding` accepts gzip, as an API gateway in front of a provider does;
   * default false. The answer is compressed while its latency runs; injected truncated answers
   * and `/_sandbox` answers stay uncompressed.
   */
  gzip?: boolean;
}

/** A running sandbox. */
export interface Sandbox {
  /** `http://127.0.0.1:PORT`. */
  url: string;
  /** FlexPortal connection settings and data. */
  flexportal: {
    /** `${url}/flexportal` (paths under it start with `/v1/`). */
    baseUrl: string;
    /** The default tenant's API key. */
    apiKey: string;
    /** The default tenant's id. */
    tenantId: string;
    /** Every tenant with its key. */
    tenants: Array<{ tenantId: string; apiKey: string }>;
    /** Data access and mutation (the ground truth). */
    store: FlexPortalStore;
    /**
     * Changes existing orders (status moves with payment and rentals following, `updatedAt` = now),
     * creates new ones and deletes some, deterministically from `seed`; `tenantId` picks the
     * tenant. Returns exactly what changed.
     * @throws TypeError when the options are invalid
     * @throws Error when the tenant does not exist or fewer orders can change than asked
     */
    churn(options: ChurnOptions): ChurnResult;
    /**
     * Deletes orders by id in one pass; ids that do not exist are returned as `missing`.
     * @throws Error when the tenant does not exist
     */
    vanish(ids: readonly string[], tenantId?: string): VanishResult;
    /**
     * Every order of a tenant as served on the wire, frozen when called and rebuilt one at a time
     * while iterated (copies: changing them changes nothing).
     * @throws Error when the tenant does not exist
     */
    exportOrders(tenantId?: string): IterableIterator<FlexPortalOrder>;
  };
  /** FlexFactor connection settings and data. */
  flexfactor: {
    /** `${url}/flexfactor/v1/` (documented bases end in `/v1/`). */
    baseUrl: string;
    /** AppKey. */
    appKey: string;
    /** AppSecret. */
    appSecret: string;
    /** Data access and mutation (the ground truth). */
    store: FlexFactorStore;
    /** Every issued token becomes invalid (401) now. */
    expireTokens(): void;
    /**
     * Lifetime of tokens issued from now on.
     * @throws RangeError when ms is not positive
     */
    setTokenTtl(ms: number): void;
    /**
     * Changes existing orders (status moves, refunds; no change time, FlexFactor has none),
     * creates new ones (`createdOn` = now) and deletes some, deterministically from `seed`.
     * Returns exactly what changed.
     * @throws TypeError when the options are invalid
     * @throws Error when fewer orders can change than asked
     */
    churn(options: ChurnOptions): ChurnResult;
    /** Deletes orders by id in one pass; ids that do not exist are returned as `missing`. */
    vanish(ids: readonly string[]): VanishResult;
    /**
     * Every order as a list row, frozen when called and rebuilt one at a time while iterated
     * (copies: changing them changes nothing).
     */
    exportOrders(): IterableIterator<FlexFactorRow>;
    /**
     * Webhooks: a churn that refunds, completes, cancels or creates FlexFactor orders POSTs the
     * documented event of each to every subscription (body: JSON text sent as `text/plain`).
     */
    webhooks: {
      /**
       * Registers a subscription.
       * @throws TypeError when the URL is not an absolute http(s) URL
       */
      subscribe(subscription: WebhookSubscriptionInput): WebhookSubscription;
      /** Every subscription. */
      list(): WebhookSubscription[];
      /** Removes one subscription (false when unknown), or all of them. */
      unsubscribe(id?: string): boolean;
      /** The latest deliveries (up to 1000) with their attempts and outcome. */
      deliveries(): WebhookDelivery[];
      /** Resolves when every delivery started so far is delivered or given up. */
      settled(): Promise<void>;
    };
  };
  /** Fault control. */
  faults: {
    /**
     * Replaces a provider's faults.
     * @throws TypeError when the settings are invalid
     */
    set(provider: ProviderName, settings: FaultSettings): void;
    /** Clears one provider's faults, or both. */
    clear(provider?: ProviderName): void;
    /** The current faults (with remaining "next N" counts). */
    current(): Record<ProviderName, FaultSettings>;
  };
  /** Connection settings as plain data (what the bin prints, `GET /_sandbox` returns). */
  settings(): SandboxConnectionSettings;
  /** Request counts per provider and route, status codes, tokens issued, 429s sent. */
  stats(): SandboxStats;
  /** Zeroes the counters. */
  resetStats(): void;
  /** Stops the server and drops open connections. */
  close(): Promise<void>;
}

/** The default FlexPortal tenants (obviously fake, deterministic credentials). */
export const DEFAULT_TENANTS: ReadonlyArray<{ tenantId: string; apiKey: string }> = [
  { tenantId: 'bu_sandbox_a', apiKey: 'fp_test_sandbox_key_tenant_a' },
  { tenantId: 'bu_sandbox_b', apiKey: 'fp_test_sandbox_key_tenant_b' },
];
/** The default FlexFactor credentials. */
export const DEFAULT_FLEXFACTOR_CREDENTIALS = {
  appKey: 'ff_sandbox_app_key',
  appSecret: 'ff_sandbox_app_secret',
} as const;
/** Orders of the second default tenant. */
const SECOND_TENANT_ORDERS = 25;
/** Largest supported count per provider or tenant. */
const MAX_ORDERS = 5_000_000;

const orderCount = z.int().min(0).max(MAX_ORDERS);
const optionsSchema = z.strictObject({
  port: z.int().min(0).max(65535).optional(),
  host: z.string().min(1).optional(),
  seed: z.int().optional(),
  orders: z
    .union([
      orderCount,
      z.strictObject({ flexportal: orderCount.optional(), flexfactor: orderCount.optional() }),
    ])
    .optional(),
  tenants: z
    .array(
      z.strictObject({
        tenantId: z.string().min(1),
        apiKey: z.string().min(1),
        orders: orderCount.optional(),
      }),
    )
    .min(1)
    .refine(
      (tenants) => new Set(tenants.map((tenant) => tenant.tenantId)).size === tenants.length,
      'tenant ids must be unique',
    )
    .optional(),
  flexfactor: z
    .strictObject({
      appKey: z.string().min(1).optional(),
      appSecret: z.string().min(1).optional(),
      tokenTtlMs: z.number().positive().optional(),
      maxPageSize: z.int().min(1).optional(),
      webhooks: z.array(webhookSubscriptionSchema).optional(),
    })
    .optional(),
  faults: z
    .strictObject({
      flexportal: faultSettingsSchema.optional(),
      flexfactor: faultSettingsSchema.optional(),
    })
    .optional(),
  gzip: z.boolean().optional(),
});

/**
 * Starts both simulators on one HTTP server. Data is generated from `seed` and `orders` (a million
 * orders per provider start in about a second: only index columns are computed up front).
 * @throws TypeError when an option is invalid (the message names it)
 * @throws Error when the port cannot be bound
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join('.') || '(options)'}: ${issue.message}`)
      .join('; ');
    throw new TypeError(`Invalid sandbox options: ${problems}`);
  }
  const config = parsed.data;
  const seed = config.seed ?? 1;
  const counts =
    typeof config.orders === 'number'
      ? { flexportal: config.orders, flexfactor: config.orders }
      : {
          flexportal: config.orders?.flexportal ?? DEFAULT_ORDERS_PER_PROVIDER,
          flexfactor: config.orders?.flexfactor ?? DEFAULT_ORDERS_PER_PROVIDER,
        };

  const tenantSpecs =
    config.tenants ??
    DEFAULT_TENANTS.map((tenant, index) => ({
      ...tenant,
      orders: index === 0 ? counts.flexportal : SECOND_TENANT_ORDERS,
    }));
  const tenants = new Map<string, FlexPortalTenant>();
  tenantSpecs.forEach((spec, index) => {
    tenants.set(
      spec.tenantId,
      new FlexPortalTenant(
        spec.tenantId,
        spec.apiKey,
        index,
        seed,
        spec.orders ?? counts.flexportal,
      ),
    );
  });
  const defaultTenant = tenantSpecs[0] as { tenantId: string; apiKey: string };
  const flexPortalStore = createFlexPortalStore(tenants, defaultTenant.tenantId);

  const generator = new FlexFactorGenerator(seed, counts.flexfactor);
  const flexFactorData = new FlexFactorData(generator);
  const rawFlexFactorStore = createFlexFactorStore(flexFactorData);
  // Direct writes announce their documented events too (set after LiveData exists, below).
  let announceWrite: (before: FlexFactorRow | undefined, after: FlexFactorRow) => void = () => {};
  const flexFactorStore: FlexFactorStore = {
    ...rawFlexFactorStore,
    insert: (order) => {
      const row = rawFlexFactorStore.insert(order);
      announceWrite(undefined, row);
      return row;
    },
    update: (id, patch) => {
      const before = rawFlexFactorStore.get(id);
      const row = rawFlexFactorStore.update(id, patch);
      if (before !== undefined && row !== undefined) announceWrite(before, row);
      return row;
    },
  };
  const appKey = config.flexfactor?.appKey ?? DEFAULT_FLEXFACTOR_CREDENTIALS.appKey;
  const appSecret = config.flexfactor?.appSecret ?? DEFAULT_FLEXFACTOR_CREDENTIALS.appSecret;
  const tokens = new TokenIssuer(
    appKey,
    appSecret,
    config.flexfactor?.tokenTtlMs ?? DEFAULT_TOKEN_TTL_MS,
    generator.merchants[0]?.merchantId ?? '',
  );

  const faults: Record<ProviderName, ProviderFaults> = {
    flexportal: new ProviderFaults(),
    flexfactor: new ProviderFaults(),
  };
  if (config.faults?.flexportal) faults.flexportal.set(config.faults.flexportal as FaultSettings);
  if (config.faults?.flexfactor) faults.flexfactor.set(config.faults.flexfactor as FaultSettings);
  const stats = new StatsRecorder();

  let url = '';
  const settings = (): SandboxConnectionSettings => {
    const base = {
      url,
      flexportal: {
        baseUrl: `${url}/flexportal`,
        apiKey: defaultTenant.apiKey,
        tenantId: defaultTenant.tenantId,
        tenants: tenantSpecs.map(({ tenantId, apiKey }) => ({ tenantId, apiKey })),
      },
      flexfactor: {
        baseUrl: `${url}/flexfactor/v1/`,
        appKey,
        appSecret,
        tokenTtlMs: tokens.tokenTtlMs,
      },
    };
    return { ...base, env: connectionEnvironment(base) };
  };
  const faultControl: Sandbox['faults'] = {
    set: (provider, value) => {
      if (!PROVIDER_NAMES.includes(provider)) {
        throw new TypeError(`Unknown provider "${provider}"; use flexportal or flexfactor`);
      }
      faults[provider].set(value);
    },
    clear: (provider) => {
      for (const name of provider ? [provider] : PROVIDER_NAMES) faults[name].clear();
    },
    current: () => ({
      flexportal: faults.flexportal.current(),
      flexfactor: faults.flexfactor.current(),
    }),
  };

  const webhooks = new FlexFactorWebhooks();
  for (const subscription of config.flexfactor?.webhooks ?? []) webhooks.subscribe(subscription);
  const liveData = new LiveData(seed, tenants, flexFactorData, webhooks);
  announceWrite = (before, after) =>
    liveData.announceFlexFactorWrite(
      before as unknown as WireObject | undefined,
      after as unknown as WireObject,
    );
  const control = createControlHandler({
    settings,
    setFaults: faultControl.set,
    clearFaults: faultControl.clear,
    currentFaults: faultControl.current,
    flexportal: flexPortalStore,
    flexfactor: flexFactorStore,
    expireTokens: () => tokens.expireAll(),
    setTokenTtl: (ms) => tokens.setTtl(ms),
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    liveData,
    webhooks,
  });
  const server = createSandboxServer({
    flexportal: new FlexPortalApi(tenants),
    flexfactor: new FlexFactorApi(flexFactorData, tokens, {
      maxPageSize: config.flexfactor?.maxPageSize ?? 1000,
    }),
    faults,
    stats,
    control,
    gzip: config.gzip === true,
  });

  const host = config.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  url = `http://${urlHost === '0.0.0.0' ? '127.0.0.1' : urlHost === '[::]' ? '[::1]' : urlHost}:${address.port}`;

  let closing: Promise<void> | undefined;
  return {
    url,
    flexportal: {
      baseUrl: `${url}/flexportal`,
      apiKey: defaultTenant.apiKey,
      tenantId: defaultTenant.tenantId,
      tenants: tenantSpecs.map(({ tenantId, apiKey }) => ({ tenantId, apiKey })),
      store: flexPortalStore,
      churn: (options) => liveData.churn('flexportal', options),
      vanish: (ids, tenantId) => liveData.vanish('flexportal', ids, tenantId),
      exportOrders: (tenantId) =>
        copies<FlexPortalOrder>(liveData.exportOrders('flexportal', tenantId).orders()),
    },
    flexfactor: {
      baseUrl: `${url}/flexfactor/v1/`,
      appKey,
      appSecret,
      store: flexFactorStore,
      expireTokens: () => tokens.expireAll(),
      setTokenTtl: (ms) => tokens.setTtl(ms),
      churn: (options) => liveData.churn('flexfactor', options),
      vanish: (ids) => liveData.vanish('flexfactor', ids),
      exportOrders: () => copies<FlexFactorRow>(liveData.exportOrders('flexfactor').orders()),
      webhooks: {
        subscribe: (subscription) => webhooks.subscribe(subscription),
        list: () => webhooks.list(),
        unsubscribe: (id) => webhooks.unsubscribe(id),
        deliveries: () => webhooks.deliveries(),
        settled: () => webhooks.settled(),
      },
    },
    faults: faultControl,
    settings,
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    close: () => {
      closing ??= Promise.all([
        webhooks.close(),
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
      ]).then(() => undefined);
      return closing;
    },
  };
}

/** Deep copies of exported orders, so a caller cannot alter the stored ones. */
function* copies<TOrder>(orders: Iterable<unknown>): IterableIterator<TOrder> {
  for (const order of orders) yield structuredClone(order) as TOrder;
}
