import type { Order } from '@orderbridge/core';
import type { Sandbox } from '@orderbridge/sandbox';
import {
  createFlexPortal,
  type FlexPortalProvider,
  type FlexPortalSettings,
  mapFlexPortalOrder,
} from '../src/index.js';

/** Fast retries for tests: the waits stay in milliseconds. */
export const FAST_RETRY = { baseDelayMs: 5, maxDelayMs: 50 } as const;

/** A `fetch` that passes every request through to the real one and records its URL and headers. */
export function recordingFetch(
  change?: (request: Request) => Request,
): typeof globalThis.fetch & { urls: URL[]; headers: Headers[] } {
  const urls: URL[] = [];
  const headers: Headers[] = [];
  const fetch = (input: Request | URL | string, init?: RequestInit) => {
    let request = input instanceof Request ? input : new Request(input, init);
    if (change) request = change(request);
    urls.push(new URL(request.url));
    headers.push(request.headers);
    return globalThis.fetch(request);
  };
  return Object.assign(fetch, { urls, headers }) as typeof globalThis.fetch & {
    urls: URL[];
    headers: Headers[];
  };
}

/** A provider connected to the sandbox's default tenant (or the tenant given). */
export function sandboxProvider(
  sandbox: Sandbox,
  settings: FlexPortalSettings = {},
): FlexPortalProvider {
  return createFlexPortal({
    apiKey: sandbox.flexportal.apiKey,
    tenantId: sandbox.flexportal.tenantId,
    baseUrl: sandbox.flexportal.baseUrl,
    retry: FAST_RETRY,
    ...settings,
  });
}

/** The sandbox's ground truth of a tenant, mapped to canonical orders by the adapter's mapper. */
export function groundTruth(sandbox: Sandbox, tenantId?: string, provider = 'flexportal'): Order[] {
  return sandbox.flexportal.store
    .list(tenantId)
    .map((record) => mapFlexPortalOrder(record, { provider }).value);
}

/** How many order listings the sandbox has served. */
export function listRequests(sandbox: Sandbox): number {
  return sandbox.stats().flexportal.routes.listOrders;
}
