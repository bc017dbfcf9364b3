import type { ChurnOptions, ChurnResult, VanishResult } from '../churn/churn-request.js';
import type { FaultSettings, ProviderName } from '../faults/provider-faults.js';
import type { FlexFactorRow } from '../flexfactor/flexfactor-schema.js';
import type { FlexFactorOrderInput } from '../flexfactor/flexfactor-store.js';
import type { FlexPortalOrder } from '../flexportal/flexportal-schema.js';
import type { FlexPortalOrderInput } from '../flexportal/flexportal-store.js';
import type { SandboxStats } from '../stats/sandbox-stats.js';
import type {
  WebhookDelivery,
  WebhookSubscription,
  WebhookSubscriptionInput,
} from '../webhooks/flexfactor-webhooks.js';
import type { SandboxConnectionSettings } from './connection-settings.js';

/** A control-endpoint call failed (non-2xx other than a 404 on a lookup). */
export class SandboxControlError extends Error {
  /** HTTP status of the control response. */
  readonly status: number;

  /**
   * @param status HTTP status
   * @param message what failed, with the endpoint's message
   */
  constructor(status: number, message: string) {
    super(message);
    this.name = 'SandboxControlError';
    this.status = status;
  }
}

/** Order mutation over HTTP, for one provider. Fields set to undefined are removed. */
export interface RemoteOrderStore<TOrder, TInput> {
  /** Number of orders. */
  count(): Promise<number>;
  /** The stored order, or undefined. */
  get(id: string): Promise<TOrder | undefined>;
  /** Inserts one order (generated, with the given fields applied). */
  insert(order?: TInput): Promise<TOrder>;
  /** Inserts `count` generated orders, each with the given fields applied. */
  insertMany(count: number, order?: TInput): Promise<TOrder[]>;
  /** Shallow-merges a patch; undefined when the order does not exist. */
  update(id: string, patch: TInput): Promise<TOrder | undefined>;
  /** Deletes an order; false when it did not exist. */
  delete(id: string): Promise<boolean>;
  /**
   * Changes existing orders, creates new ones and deletes some, deterministically from `seed`
   * (`POST /_sandbox/{provider}/churn`); resolves to exactly what was done.
   * @throws SandboxControlError 400 for invalid options, 409 when fewer orders can change than asked
   */
  churn(options: Omit<ChurnOptions, 'tenantId'>): Promise<ChurnResult>;
  /** Deletes orders by id (`POST /_sandbox/{provider}/vanish`); unknown ids come back as `missing`. */
  vanish(ids: readonly string[]): Promise<VanishResult>;
  /**
   * Every order in its wire format, streamed as NDJSON (`GET /_sandbox/{provider}/export`) and
   * parsed line by line: memory stays flat for a million orders.
   */
  exportOrders(): AsyncIterableIterator<TOrder>;
}

/** A typed client of a sandbox's `/_sandbox` control endpoint (a sandbox in another process). */
export interface SandboxClient {
  /** The sandbox URL. */
  readonly url: string;
  /** Connection settings. */
  settings(): Promise<SandboxConnectionSettings>;
  /** Fault control. */
  readonly faults: {
    /** Replaces a provider's faults. */
    set(provider: ProviderName, settings: FaultSettings): Promise<void>;
    /** Clears one provider's faults, or both. */
    clear(provider?: ProviderName): Promise<void>;
    /** The current faults. */
    current(): Promise<Record<ProviderName, FaultSettings>>;
  };
  /** FlexPortal orders of the default tenant; `tenant(id)` for another one. */
  readonly flexportal: RemoteOrderStore<FlexPortalOrder, FlexPortalOrderInput> & {
    /** The same operations on another tenant. */
    tenant(tenantId: string): RemoteOrderStore<FlexPortalOrder, FlexPortalOrderInput>;
  };
  /** FlexFactor orders and tokens. */
  readonly flexfactor: RemoteOrderStore<FlexFactorRow, FlexFactorOrderInput> & {
    /** Every issued token becomes invalid now. */
    expireTokens(): Promise<void>;
    /** Lifetime of tokens issued from now on. */
    setTokenTtl(ms: number): Promise<void>;
    /** FlexFactor webhooks the sandbox sends when a churn changes its orders. */
    readonly webhooks: {
      /**
       * Subscribes a URL (`POST /_sandbox/flexfactor/webhooks`).
       * @throws SandboxControlError 400 when the URL is not an absolute http(s) URL
       */
      subscribe(subscription: WebhookSubscriptionInput): Promise<WebhookSubscription>;
      /** Every subscription. */
      list(): Promise<WebhookSubscription[]>;
      /** Removes one subscription (false when unknown), or every one. */
      unsubscribe(id?: string): Promise<boolean>;
      /** The latest deliveries with their attempts and outcome. */
      deliveries(): Promise<WebhookDelivery[]>;
    };
  };
  /** Counters. */
  stats(): Promise<SandboxStats>;
  /** Zeroes the counters. */
  resetStats(): Promise<void>;
}

/** JSON has no undefined: fields to remove travel as `$unset`. */
function encodeFields(fields: object | undefined): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  const unset: string[] = [];
  for (const [key, value] of Object.entries(fields ?? {})) {
    if (value === undefined) unset.push(key);
    else result[key] = value;
  }
  if (unset.length > 0) result.$unset = unset;
  return result;
}

/**
 * Connects to a sandbox started elsewhere (`orderbridge-sandbox`, or `startSandbox` in another
 * process) through its control endpoint.
 * @param url the sandbox URL, e.g. `http://127.0.0.1:4010`
 */
export function connectSandbox(url: string): SandboxClient {
  const base = url.replace(/\/+$/, '');
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    allowNotFound = false,
  ): Promise<{ status: number; json: unknown }> => {
    const response = await fetch(`${base}/_sandbox${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const json: unknown = text === '' ? undefined : JSON.parse(text);
    if (response.ok || (allowNotFound && response.status === 404)) {
      return { status: response.status, json };
    }
    const message = (json as { error?: { message?: string } } | undefined)?.error?.message ?? text;
    throw new SandboxControlError(
      response.status,
      `Sandbox control ${method} ${path} failed with ${response.status}: ${message}`,
    );
  };
  const remoteStore = <TOrder, TInput extends object>(
    provider: ProviderName,
    tenantId?: string,
  ): RemoteOrderStore<TOrder, TInput> => {
    const query = tenantId ? `?tenantId=${encodeURIComponent(tenantId)}` : '';
    const orderPath = (id: string) => `/${provider}/orders/${encodeURIComponent(id)}${query}`;
    return {
      count: async () =>
        ((await call('GET', `/${provider}/count${query}`)).json as { count: number }).count,
      get: async (id) => {
        const { status, json } = await call('GET', orderPath(id), undefined, true);
        return status === 404 ? undefined : (json as TOrder);
      },
      insert: async (order) => {
        const { json } = await call('POST', `/${provider}/orders${query}`, encodeFields(order));
        return (json as { orders: TOrder[] }).orders[0] as TOrder;
      },
      insertMany: async (count, order) => {
        const { json } = await call('POST', `/${provider}/orders${query}`, {
          count,
          ...(order ? { order: encodeFields(order) } : {}),
        });
        return (json as { orders: TOrder[] }).orders;
      },
      update: async (id, patch) => {
        const { status, json } = await call('PATCH', orderPath(id), encodeFields(patch), true);
        return status === 404 ? undefined : (json as TOrder);
      },
      delete: async (id) => (await call('DELETE', orderPath(id), undefined, true)).status !== 404,
      churn: async (options) =>
        (await call('POST', `/${provider}/churn${query}`, options)).json as ChurnResult,
      vanish: async (ids) =>
        (await call('POST', `/${provider}/vanish${query}`, { ids })).json as VanishResult,
      exportOrders: () => streamLines<TOrder>(`${base}/_sandbox/${provider}/export${query}`),
    };
  };
  return {
    url: base,
    settings: async () => (await call('GET', '')).json as SandboxConnectionSettings,
    faults: {
      set: async (provider, settings) => {
        await call('PUT', `/faults/${provider}`, settings);
      },
      clear: async (provider) => {
        await call('DELETE', provider ? `/faults/${provider}` : '/faults');
      },
      current: async () =>
        (await call('GET', '/faults')).json as Record<ProviderName, FaultSettings>,
    },
    flexportal: {
      ...remoteStore<FlexPortalOrder, FlexPortalOrderInput>('flexportal'),
      tenant: (tenantId) =>
        remoteStore<FlexPortalOrder, FlexPortalOrderInput>('flexportal', tenantId),
    },
    flexfactor: {
      ...remoteStore<FlexFactorRow, FlexFactorOrderInput>('flexfactor'),
      expireTokens: async () => {
        await call('POST', '/flexfactor/tokens/expire');
      },
      setTokenTtl: async (ms) => {
        await call('POST', '/flexfactor/tokens/ttl', { ms });
      },
      webhooks: {
        subscribe: async (subscription) =>
          (await call('POST', '/flexfactor/webhooks', subscription)).json as WebhookSubscription,
        list: async () =>
          (
            (await call('GET', '/flexfactor/webhooks')).json as {
              subscriptions: WebhookSubscription[];
            }
          ).subscriptions,
        unsubscribe: async (id) => {
          if (id === undefined) {
            await call('DELETE', '/flexfactor/webhooks');
            return true;
          }
          const path = `/flexfactor/webhooks/${encodeURIComponent(id)}`;
          return (await call('DELETE', path, undefined, true)).status !== 404;
        },
        deliveries: async () =>
          (
            (await call('GET', '/flexfactor/webhooks/deliveries')).json as {
              deliveries: WebhookDelivery[];
            }
          ).deliveries,
      },
    },
    stats: async () => (await call('GET', '/stats')).json as SandboxStats,
    resetStats: async () => {
      await call('POST', '/stats/reset');
    },
  };
}

/** GETs an NDJSON body and yields one parsed object per line, as the chunks arrive. */
async function* streamLines<T>(url: string): AsyncIterableIterator<T> {
  const response = await fetch(url);
  if (!response.ok || !response.body) {
    const text = await response.text();
    throw new SandboxControlError(
      response.status,
      `Sandbox control GET ${url} failed with ${response.status}: ${text}`,
    );
  }
  const decoder = new TextDecoder();
  let pending = '';
  for await (const bytes of response.body) {
    pending += decoder.decode(bytes, { stream: true });
    let start = 0;
    for (
      let newline = pending.indexOf('\n');
      newline >= 0;
      newline = pending.indexOf('\n', start)
    ) {
      const line = pending.slice(start, newline);
      if (line !== '') yield JSON.parse(line) as T;
      start = newline + 1;
    }
    pending = pending.slice(start);
  }
  pending += decoder.decode();
  if (pending.trim() !== '') yield JSON.parse(pending) as T;
}
