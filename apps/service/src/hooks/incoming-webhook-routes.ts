import { z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import type { OrderBridgeApp } from '../app.js';
import { ProblemError } from '../http/problem-error.js';
import type { ServiceLogger } from '../observability/logger.js';
import { documentedProblem } from '../routes/problem-responses.js';
import type { Tenant } from '../tenancy/tenant.js';
import { readFlexFactorWebhook } from './flexfactor-webhook-body.js';
import { hookSecretMatches } from './hook-secret.js';
import type { OrderRefresher } from './order-refresher.js';

/** Largest webhook body accepted: FlexFactor's are well under 2 KB. */
export const MAX_WEBHOOK_BYTES = 64 * 1024;

/** The hook's path; the secret segment is never logged (the request log names the template). */
export const FLEXFACTOR_HOOK_PATH = '/hooks/flexfactor/{tenantId}/{secret}';

const acceptedSchema = z
  .object({
    action: z.enum(['refresh', 'ignored']).openapi({
      description:
        '`refresh`: the order is being re-fetched from FlexFactor and written into the store; `ignored`: an event the service does not act on (logged).',
    }),
    order: z.string().optional().openapi({ description: 'The order key re-fetched.' }),
    coalesced: z.boolean().optional().openapi({
      description: 'A refresh of this order was already waiting; this webhook joined it.',
    }),
    reason: z.string().optional().openapi({ description: 'Why an event is ignored.' }),
  })
  .openapi('IncomingWebhookAccepted');

/** What the route needs. */
export interface IncomingWebhookOptions {
  tenants: ReadonlyMap<string, Tenant>;
  /** Absent when the service has no order store: an authenticated webhook then gets a 500. */
  refresher: OrderRefresher | undefined;
  logger: ServiceLogger;
}

/**
 * `POST /hooks/flexfactor/{tenantId}/{secret}`: FlexFactor's order webhooks, outside API-key
 * auth. The secret is compared in constant time; an unknown tenant, a tenant without the hook and
 * a wrong secret get the same 404 (the tenants are not revealed). The body is read leniently
 * (any content type) and only its event name and order id are used: the order itself is
 * re-fetched from FlexFactor in the background and written into the tenant's store scope.
 */
export function registerIncomingWebhookRoutes(
  app: OrderBridgeApp,
  options: IncomingWebhookOptions,
): void {
  const { tenants, refresher, logger } = options;
  app.openAPIRegistry.registerPath({
    method: 'post',
    path: FLEXFACTOR_HOOK_PATH,
    operationId: 'receiveFlexFactorWebhook',
    tags: ['Incoming webhooks'],
    // Authenticated by the secret in its path, not by an API key.
    security: [],
    summary: 'Receive a FlexFactor webhook',
    description:
      "The URL to give FlexFactor (Merchant Portal → Developers → Webhooks) for one tenant; its secret comes from the tenant's `incomingWebhooks.flexfactor.secret` (see docs/webhooks-incoming.md). No API key. The body is FlexFactor's JSON text, in any content type. The payload is never used as order data: a documented event makes the service re-fetch the order it names from FlexFactor and write it into the tenant's order store (change log included) within seconds; an unknown event is acknowledged and logged. A failed re-fetch is retried a few times; the next sync run is the backstop.",
    request: {
      params: z.object({
        tenantId: z.string().openapi({ description: 'The tenant id.' }),
        secret: z.string().openapi({ description: "The tenant's webhook secret." }),
      }),
      body: {
        required: true,
        description:
          'FlexFactor\'s payload: `{ "event", "orderId", "timeStamp", … }` as JSON text.',
        content: {
          'text/plain': { schema: { type: 'string' } },
          'application/json': { schema: { type: 'object' } },
        },
      },
    },
    responses: {
      202: {
        description: 'Received: the order is being refreshed, or the event is ignored.',
        content: { 'application/json': { schema: acceptedSchema } },
      },
      400: documentedProblem(
        'The body is not a JSON object, or a documented event has no usable `orderId` (`bad-request`).',
      ),
      404: documentedProblem('Unknown tenant or wrong secret (the same answer for both).'),
      413: documentedProblem(`The body is larger than ${MAX_WEBHOOK_BYTES} bytes.`),
      500: documentedProblem('No order store is configured (`configuration-error`).'),
    },
  });

  const notFound = () =>
    new ProblemError('not-found', {
      detail: 'There is no webhook endpoint at this address.',
    });
  app.post(
    '/hooks/flexfactor/:tenantId/:secret',
    bodyLimit({
      maxSize: MAX_WEBHOOK_BYTES,
      onError: () => {
        throw new ProblemError('payload-too-large', {
          detail: `A webhook body may be at most ${MAX_WEBHOOK_BYTES} bytes.`,
        });
      },
    }),
    async (context) => {
      const tenant = tenants.get(context.req.param('tenantId'));
      const hook = tenant?.incomingWebhooks?.flexfactor;
      // Compared even for an unknown tenant, against a stand-in, so both cost the same.
      if (!hookSecretMatches(context.req.param('secret'), hook?.secretHash)) throw notFound();
      if (tenant === undefined || hook === undefined) throw notFound();
      const requestId = context.get('requestId');
      const reading = readFlexFactorWebhook(await context.req.text());
      const log = { requestId, tenant: tenant.id, provider: hook.provider };
      if (reading.kind === 'invalid') {
        logger.warn({ ...log, field: reading.field, error: reading.message }, 'webhook refused');
        throw new ProblemError('bad-request', {
          detail: `The webhook body is unusable: ${reading.field} ${reading.message}.`,
          errors: [{ field: reading.field, message: reading.message }],
        });
      }
      if (reading.kind === 'ignored') {
        logger.info({ ...log, event: reading.event, reason: reading.reason }, 'webhook ignored');
        return context.json({ action: 'ignored', reason: reading.reason }, 202);
      }
      if (refresher === undefined) {
        throw new ProblemError('configuration-error', {
          detail: 'The service has no order store to refresh into; set ORDERBRIDGE_DATABASE_URL.',
        });
      }
      const outcome = refresher.enqueue({
        tenantId: tenant.id,
        client: tenant.client,
        scope: tenant.storeScope,
        provider: hook.provider,
        orderId: reading.orderId,
        reason: reading.event,
        requestId,
      });
      logger.info(
        { ...log, event: reading.event, orderId: reading.orderId, outcome },
        'webhook received',
      );
      return context.json(
        {
          action: 'refresh',
          order: `${hook.provider}:${reading.orderId}`,
          coalesced: outcome === 'coalesced',
        },
        202,
      );
    },
  );
}
