import {
  emptyResponse,
  jsonResponse,
  type SandboxRequest,
  type SandboxResponse,
} from '../http/sandbox-http.js';
import type { FlexFactorWebhooks } from '../webhooks/flexfactor-webhooks.js';
import { controlError, parseJson } from './control-responses.js';

/**
 * `/_sandbox/flexfactor/webhooks`: `POST` `{ url, merchantId? }` subscribes (201 with the
 * subscription), `GET` lists, `DELETE` removes every subscription; `DELETE …/webhooks/{id}`
 * removes one; `GET …/webhooks/deliveries` lists the latest deliveries and their outcome.
 */
export function webhooksRoute(
  webhooks: FlexFactorWebhooks,
  request: SandboxRequest,
  segments: readonly string[],
): SandboxResponse {
  const { method } = request;
  const [, , third] = segments;
  if (segments.length === 2) {
    if (method === 'GET') return jsonResponse(200, { subscriptions: webhooks.list() });
    if (method === 'DELETE') {
      webhooks.unsubscribe();
      return emptyResponse(204);
    }
    if (method === 'POST') {
      const json = parseJson(request.body);
      if (!json.ok) return controlError(400, 'VALIDATION_ERROR', 'Body is not valid JSON');
      try {
        return jsonResponse(201, webhooks.subscribe(json.value as { url: string }));
      } catch (error) {
        return controlError(
          400,
          'VALIDATION_ERROR',
          error instanceof Error ? error.message : String(error),
        );
      }
    }
    return controlError(
      405,
      'METHOD_NOT_ALLOWED',
      `${request.path} takes GET, POST or DELETE, not ${method}`,
    );
  }
  if (segments.length === 3 && third === 'deliveries' && method === 'GET') {
    return jsonResponse(200, { deliveries: webhooks.deliveries() });
  }
  if (segments.length === 3 && method === 'DELETE') {
    const id = decodeURIComponent(third as string);
    return webhooks.unsubscribe(id)
      ? emptyResponse(204)
      : controlError(404, 'NOT_FOUND', `No FlexFactor webhook subscription "${id}"`);
  }
  return controlError(404, 'NOT_FOUND', `No control route for ${method} ${request.path}`);
}
