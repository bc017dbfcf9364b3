import { z } from 'zod';
import type { LiveData } from '../churn/live-data.js';
import {
  type FaultSettings,
  faultSettingsSchema,
  PROVIDER_NAMES,
  type ProviderName,
} from '../faults/provider-faults.js';
import type { FlexFactorStore } from '../flexfactor/flexfactor-store.js';
import type { FlexPortalStore } from '../flexportal/flexportal-store.js';
import {
  emptyResponse,
  jsonResponse,
  type SandboxRequest,
  type SandboxResponse,
} from '../http/sandbox-http.js';
import type { SandboxStats } from '../stats/sandbox-stats.js';
import type { FlexFactorWebhooks } from '../webhooks/flexfactor-webhooks.js';
import type { SandboxConnectionSettings } from './connection-settings.js';
import { liveDataRoute } from './control-live-data.js';
import { controlError, parseJson, zodDetails } from './control-responses.js';
import { webhooksRoute } from './control-webhooks.js';

/** What the control endpoint operates on (the running sandbox). */
export interface ControlTarget {
  /** Connection settings. */
  settings(): SandboxConnectionSettings;
  /** Replaces a provider's faults (validated). */
  setFaults(provider: ProviderName, settings: FaultSettings): void;
  /** Clears faults. */
  clearFaults(provider?: ProviderName): void;
  /** Current faults per provider. */
  currentFaults(): Record<ProviderName, FaultSettings>;
  /** FlexPortal ground truth. */
  readonly flexportal: FlexPortalStore;
  /** FlexFactor ground truth. */
  readonly flexfactor: FlexFactorStore;
  /** Expires every FlexFactor token. */
  expireTokens(): void;
  /** Sets the FlexFactor token lifetime. */
  setTokenTtl(ms: number): void;
  /** Counters. */
  stats(): SandboxStats;
  /** Zeroes the counters. */
  resetStats(): void;
  /** Churns, bulk deletes and exports. */
  readonly liveData: LiveData;
  /** FlexFactor webhook subscriptions and deliveries. */
  readonly webhooks: FlexFactorWebhooks;
}

/** Control bodies may remove fields over JSON (which has no undefined) with `$unset`. */
const orderFieldsSchema = z.record(z.string(), z.unknown());
const insertManySchema = z.strictObject({
  count: z.int().min(1).max(1_000_000),
  order: orderFieldsSchema.optional(),
});
const ttlSchema = z.strictObject({ ms: z.number().positive() });

/** Turns `{ ..., "$unset": ["a"] }` into `{ ..., a: undefined }` (the stores' removal rule). */
function withUnset(fields: Record<string, unknown>): Record<string, unknown> | string {
  const { $unset, ...rest } = fields;
  if ($unset === undefined) return rest;
  if (!Array.isArray($unset) || !$unset.every((key) => typeof key === 'string')) {
    return '$unset must be an array of field names';
  }
  for (const key of $unset as string[]) rest[key] = undefined;
  return rest;
}

/**
 * The `/_sandbox` control endpoint: connection settings, faults, order mutation, token expiry and
 * stats, for tests that drive a sandbox running in another process. No auth: it binds to loopback
 * by default.
 */
export function createControlHandler(
  target: ControlTarget,
): (request: SandboxRequest) => SandboxResponse {
  return (request) => {
    try {
      return route(target, request);
    } catch (error) {
      return controlError(
        400,
        'INVALID_REQUEST',
        error instanceof Error ? error.message : String(error),
      );
    }
  };
}

function route(target: ControlTarget, request: SandboxRequest): SandboxResponse {
  const segments = request.path
    .split('/')
    .filter((segment) => segment !== '')
    .slice(1);
  const { method } = request;
  const [first, second, third] = segments;

  if (segments.length === 0 && method === 'GET') return jsonResponse(200, target.settings());

  if (first === 'stats') {
    if (segments.length === 1 && method === 'GET') return jsonResponse(200, target.stats());
    if (second === 'reset' && segments.length === 2 && method === 'POST') {
      target.resetStats();
      return emptyResponse(204);
    }
  }

  if (first === 'faults') {
    if (segments.length === 1 && method === 'GET') return jsonResponse(200, target.currentFaults());
    if (segments.length === 1 && method === 'DELETE') {
      target.clearFaults();
      return emptyResponse(204);
    }
    if (segments.length === 2) {
      const provider = providerName(second);
      if (!provider) return unknownProvider(second);
      if (method === 'DELETE') {
        target.clearFaults(provider);
        return emptyResponse(204);
      }
      if (method === 'PUT') {
        const json = parseJson(request.body);
        if (!json.ok) return controlError(400, 'VALIDATION_ERROR', 'Body is not valid JSON');
        const parsed = faultSettingsSchema.safeParse(json.value);
        if (!parsed.success) {
          return controlError(
            400,
            'VALIDATION_ERROR',
            `Invalid fault settings for ${provider}: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`).join('; ')}`,
            zodDetails(parsed.error),
          );
        }
        target.setFaults(provider, parsed.data as FaultSettings);
        return jsonResponse(200, { provider, faults: target.currentFaults()[provider] });
      }
    }
  }

  if (first === 'flexfactor' && second === 'tokens' && method === 'POST') {
    if (third === 'expire' && segments.length === 3) {
      target.expireTokens();
      return emptyResponse(204);
    }
    if (third === 'ttl' && segments.length === 3) {
      const json = parseJson(request.body);
      const parsed = json.ok ? ttlSchema.safeParse(json.value) : undefined;
      if (!parsed?.success) {
        return controlError(400, 'VALIDATION_ERROR', 'Body must be { "ms": <positive number> }');
      }
      target.setTokenTtl(parsed.data.ms);
      return emptyResponse(204);
    }
  }

  if (first === 'flexfactor' && second === 'webhooks') {
    return webhooksRoute(target.webhooks, request, segments);
  }

  const provider = providerName(first);
  if (provider && (second === 'churn' || second === 'vanish' || second === 'export')) {
    return liveDataRoute(target.liveData, provider, request, segments);
  }
  if (provider && (second === 'orders' || second === 'count')) {
    return orders(target, provider, request, segments);
  }
  return controlError(404, 'NOT_FOUND', `No control route for ${method} ${request.path}`);
}

function orders(
  target: ControlTarget,
  provider: ProviderName,
  request: SandboxRequest,
  segments: string[],
): SandboxResponse {
  const { method } = request;
  const tenantId =
    provider === 'flexportal' ? (request.query.get('tenantId') ?? undefined) : undefined;
  if (tenantId !== undefined && !target.flexportal.tenants().includes(tenantId)) {
    return controlError(404, 'NOT_FOUND', `Unknown FlexPortal tenant "${tenantId}"`);
  }
  const store = storeOf(target, provider, tenantId);
  if (segments[1] === 'count' && segments.length === 2 && method === 'GET') {
    return jsonResponse(200, { count: store.count() });
  }
  if (segments.length === 2 && method === 'POST') {
    const json = parseJson(request.body);
    if (!json.ok) return controlError(400, 'VALIDATION_ERROR', 'Body is not valid JSON');
    const many = insertManySchema.safeParse(json.value);
    if (many.success) {
      const fields = withUnset(many.data.order ?? {});
      if (typeof fields === 'string') return controlError(400, 'VALIDATION_ERROR', fields);
      const inserted: unknown[] = [];
      for (let index = 0; index < many.data.count; index++) inserted.push(store.insert(fields));
      return jsonResponse(201, { count: inserted.length, orders: inserted });
    }
    const single = orderFieldsSchema.safeParse(json.value);
    if (!single.success) {
      return controlError(
        400,
        'VALIDATION_ERROR',
        'Body must be an object of order fields, or { "count": N, "order"?: {...} }',
        zodDetails(single.error),
      );
    }
    const fields = withUnset(single.data);
    if (typeof fields === 'string') return controlError(400, 'VALIDATION_ERROR', fields);
    const order = store.insert(fields);
    return jsonResponse(201, { count: 1, orders: [order] });
  }
  if (segments.length === 3) {
    let id: string;
    try {
      id = decodeURIComponent(segments[2] as string);
    } catch {
      return controlError(400, 'VALIDATION_ERROR', 'Order id is not valid URL encoding');
    }
    const notFound = () => controlError(404, 'NOT_FOUND', `No ${provider} order "${id}"`);
    if (method === 'GET') {
      const order = store.get(id);
      return order ? jsonResponse(200, order) : notFound();
    }
    if (method === 'DELETE') return store.delete(id) ? emptyResponse(204) : notFound();
    if (method === 'PATCH') {
      const json = parseJson(request.body);
      if (!json.ok) return controlError(400, 'VALIDATION_ERROR', 'Body is not valid JSON');
      const patch = orderFieldsSchema.safeParse(json.value);
      if (!patch.success) {
        return controlError(
          400,
          'VALIDATION_ERROR',
          'Body must be an object of fields',
          zodDetails(patch.error),
        );
      }
      const fields = withUnset(patch.data);
      if (typeof fields === 'string') return controlError(400, 'VALIDATION_ERROR', fields);
      const updated = store.update(id, fields);
      return updated ? jsonResponse(200, updated) : notFound();
    }
  }
  return controlError(404, 'NOT_FOUND', `No control route for ${method} ${request.path}`);
}

interface AnyStore {
  count(): number;
  get(id: string): unknown;
  insert(fields: Record<string, unknown>): unknown;
  update(id: string, patch: Record<string, unknown>): unknown;
  delete(id: string): boolean;
}

function storeOf(target: ControlTarget, provider: ProviderName, tenantId?: string): AnyStore {
  if (provider === 'flexfactor') return target.flexfactor;
  const store = target.flexportal;
  return {
    count: () => store.count(tenantId),
    get: (id) => store.get(id, tenantId),
    insert: (fields) => store.insert(fields, tenantId),
    update: (id, patch) => store.update(id, patch, tenantId),
    delete: (id) => store.delete(id, tenantId),
  };
}

function providerName(value: string | undefined): ProviderName | undefined {
  return PROVIDER_NAMES.find((name) => name === value);
}

function unknownProvider(value: string | undefined): SandboxResponse {
  return controlError(
    404,
    'NOT_FOUND',
    `Unknown provider "${value ?? ''}"; use ${PROVIDER_NAMES.join(' or ')}`,
  );
}
