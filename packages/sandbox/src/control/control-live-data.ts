import {
  ChurnCapacityError,
  type ChurnOptions,
  vanishRequestSchema,
} from '../churn/churn-request.js';
import { type LiveData, UnknownTenantError } from '../churn/live-data.js';
import { ndjsonChunks } from '../export/order-export.js';
import type { ProviderName } from '../faults/provider-faults.js';
import { jsonResponse, type SandboxRequest, type SandboxResponse } from '../http/sandbox-http.js';
import { controlError, parseJson, zodDetails } from './control-responses.js';

/**
 * `POST /_sandbox/{provider}/churn`, `POST /_sandbox/{provider}/vanish` and
 * `GET /_sandbox/{provider}/export`. The FlexPortal tenant comes from `?tenantId=` (as on every
 * other order route) or from the body's `tenantId`; both at once must agree.
 */
export function liveDataRoute(
  liveData: LiveData,
  provider: ProviderName,
  request: SandboxRequest,
  segments: readonly string[],
): SandboxResponse {
  const [, action] = segments;
  const { method } = request;
  if (segments.length !== 2) {
    return controlError(404, 'NOT_FOUND', `No control route for ${method} ${request.path}`);
  }
  const queryTenant = request.query.get('tenantId') ?? undefined;
  if (provider === 'flexfactor' && queryTenant !== undefined) {
    return controlError(400, 'VALIDATION_ERROR', 'FlexFactor has no tenants; drop tenantId');
  }
  try {
    if (action === 'export' && method === 'GET') {
      const orders = liveData.exportOrders(provider, queryTenant);
      return {
        status: 200,
        headers: {
          'content-type': 'application/x-ndjson; charset=utf-8',
          'x-sandbox-order-count': String(orders.count),
        },
        body: '',
        stream: ndjsonChunks(orders.orders()),
      };
    }
    if ((action === 'churn' || action === 'vanish') && method === 'POST') {
      const json = parseJson(request.body);
      if (!json.ok) return controlError(400, 'VALIDATION_ERROR', 'Body is not valid JSON');
      const body = json.value as Record<string, unknown>;
      const bodyTenant = typeof body === 'object' && body !== null ? body.tenantId : undefined;
      if (queryTenant !== undefined && bodyTenant !== undefined && bodyTenant !== queryTenant) {
        return controlError(
          400,
          'VALIDATION_ERROR',
          `tenantId differs between the query ("${queryTenant}") and the body ("${String(bodyTenant)}")`,
        );
      }
      const withTenant =
        queryTenant !== undefined && typeof body === 'object' && body !== null
          ? { ...body, tenantId: queryTenant }
          : body;
      // LiveData.churn validates the body with the churn schema (a TypeError → 400 below).
      if (action === 'churn') {
        return jsonResponse(200, liveData.churn(provider, withTenant as ChurnOptions));
      }
      const parsed = vanishRequestSchema.safeParse(withTenant);
      if (!parsed.success) {
        return controlError(
          400,
          'VALIDATION_ERROR',
          'Body must be { "ids": ["<order id>", ...], "tenantId"?: "<FlexPortal tenant>" }',
          zodDetails(parsed.error),
        );
      }
      return jsonResponse(200, liveData.vanish(provider, parsed.data.ids, parsed.data.tenantId));
    }
  } catch (error) {
    if (error instanceof UnknownTenantError) {
      return controlError(404, 'NOT_FOUND', error.message);
    }
    if (error instanceof ChurnCapacityError) {
      return controlError(409, 'NOT_ENOUGH_ORDERS', error.message);
    }
    if (error instanceof TypeError) return controlError(400, 'VALIDATION_ERROR', error.message);
    throw error;
  }
  return controlError(
    405,
    'METHOD_NOT_ALLOWED',
    `${request.path} takes ${action === 'export' ? 'GET' : 'POST'}, not ${method}`,
  );
}
