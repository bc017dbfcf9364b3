import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { OrderStore, WebhookStore } from '@orderbridge/store';
import { jsonResponse } from '../http/json-body.js';
import { ProblemError } from '../http/problem-error.js';
import type { ServiceEnv } from '../http/service-env.js';
import { AUTHENTICATED_PROBLEMS, documentedProblem } from './problem-responses.js';

const EVENT_TYPES = ['order.created', 'order.updated', 'order.vanished'] as const;

const eventTypeSchema = z.enum(EVENT_TYPES);
const time = (description: string) =>
  z.string().openapi({ description: `${description} (ISO 8601 UTC).` });
const nullableTime = (description: string) =>
  z
    .string()
    .nullable()
    .openapi({ description: `${description} (ISO 8601 UTC).` });

const endpointSchema = z
  .object({
    id: z.string().openapi({
      description: 'The endpoint id.',
      example: 'ep_3f1c9a0e5b7d4c2a8e6f1b3d5a7c9e0f',
    }),
    url: z.string().openapi({
      description: 'Where deliveries are POSTed.',
      example: 'https://erp.example.com/orderbridge-hooks',
    }),
    description: z.string().nullable().openapi({ description: 'A note of the tenant’s own.' }),
    events: z.array(eventTypeSchema).openapi({ description: 'The event types it receives.' }),
    providers: z
      .array(z.string())
      .nullable()
      .openapi({ description: 'Only changes of these providers; null: every provider.' }),
    enabled: z.boolean().openapi({ description: 'Whether deliveries are sent to it.' }),
    disabledReason: z
      .string()
      .nullable()
      .openapi({ description: 'Why deliveries stopped (after failing, see docs/webhooks.md).' }),
    disabledAt: nullableTime('When it was disabled'),
    failingSince: nullableTime('First failed attempt since the last success; null when healthy'),
    consecutiveFailures: z
      .number()
      .int()
      .openapi({ description: 'Failed attempts since the last successful one.' }),
    createdAt: time('When it was registered'),
  })
  .openapi('WebhookEndpoint');

const createdEndpointSchema = endpointSchema
  .extend({
    secret: z.string().openapi({
      description:
        'The signing secret (`whsec_` + base64), shown only in this response: store it to verify signatures.',
      example: 'whsec_c2VjcmV0LW9mLXRoZS1leGFtcGxlLW9ubHk=',
    }),
  })
  .openapi('CreatedWebhookEndpoint');

const attemptSchema = z
  .object({
    attempt: z.number().int().openapi({ description: 'Its number, from 1.' }),
    startedAt: time('When it started'),
    durationMs: z.number().int().openapi({ description: 'How long it took, in ms.' }),
    outcome: z
      .enum(['delivered', 'failed'])
      .openapi({ description: '`delivered`: the receiver answered 2xx.' }),
    statusCode: z
      .number()
      .int()
      .nullable()
      .openapi({ description: 'The receiver’s HTTP status; null when it did not answer.' }),
    errorClass: z
      .enum(['http_status', 'timeout', 'connection', 'dns', 'refused_address', 'invalid_url'])
      .nullable()
      .openapi({ description: 'Why it failed; null when delivered.' }),
    errorMessage: z
      .string()
      .nullable()
      .openapi({ description: 'What failed, in words (never a header or the secret).' }),
  })
  .openapi('WebhookAttempt');

const deliverySchema = z
  .object({
    id: z.string().openapi({ description: 'The `webhook-id` header, the same on every attempt.' }),
    endpointId: z.string().openapi({ description: 'The endpoint it goes to.' }),
    changeSeq: z
      .number()
      .int()
      .openapi({ description: 'The change-log entry it announces (`data.change.seq`).' }),
    eventType: eventTypeSchema.openapi({ description: 'The event type.' }),
    orderKey: z.string().openapi({ description: 'The order it is about.' }),
    status: z.enum(['pending', 'delivered', 'failed']).openapi({
      description: '`pending` (to be tried), `delivered`, or `failed` (retry window over).',
    }),
    attempts: z.array(attemptSchema).openapi({ description: 'Every attempt, oldest first.' }),
    createdAt: time('When the change was written to the outbox'),
    nextAttemptAt: nullableTime('When it is tried next; null unless pending'),
    deliveredAt: nullableTime('When the receiver accepted it'),
    lastError: z.string().nullable().openapi({ description: 'The last failed attempt’s error.' }),
  })
  .openapi('WebhookDelivery');

const idParameter = z.object({
  id: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: 'id', in: 'path' }, example: 'ep_3f1c9a0e5b7d4c2a8e6f1b3d5a7c9e0f' }),
});

const WEBHOOK_PROBLEMS = {
  400: AUTHENTICATED_PROBLEMS[400],
  401: AUTHENTICATED_PROBLEMS[401],
  429: AUTHENTICATED_PROBLEMS[429],
  500: documentedProblem(
    'A bug, or no order store configured (`configuration-error`: set ORDERBRIDGE_DATABASE_URL).',
  ),
};
const NOT_FOUND = documentedProblem(
  'The tenant has no webhook endpoint with this id (`not-found`).',
);

const POLICY =
  'Deliveries follow the Standard Webhooks specification (signature, retries for 24 h, disabling): see docs/webhooks.md.';

const createWebhookRoute = createRoute({
  method: 'post',
  path: '/v1/webhooks',
  operationId: 'createWebhook',
  tags: ['Webhooks'],
  summary: 'Register a webhook endpoint',
  description: `Registers an https URL to receive the tenant's order changes: \`order.created\`, \`order.updated\` (only when status, paymentStatus or fulfillmentStatus changed) and \`order.vanished\`. The response carries the signing secret, once. URLs must use https and may not point at private, loopback, link-local or other non-public addresses. ${POLICY}`,
  security: [{ bearerAuth: [] }],
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z
            .strictObject({
              url: z.string().min(1).max(2048).openapi({
                description:
                  'An https URL on a public address (see docs/webhooks.md for the rules).',
                example: 'https://erp.example.com/orderbridge-hooks',
              }),
              events: z
                .array(eventTypeSchema)
                .min(1)
                .openapi({ description: 'The event types to receive.' }),
              providers: z
                .array(z.string().min(1).max(100))
                .min(1)
                .max(50)
                .optional()
                .openapi({ description: 'Only changes of these provider ids (default: all).' }),
              description: z
                .string()
                .max(500)
                .optional()
                .openapi({ description: 'A note of your own (at most 500 characters).' }),
            })
            .openapi('NewWebhookEndpoint'),
        },
      },
    },
  },
  responses: {
    201: {
      description: 'Registered; the secret is in this response only.',
      content: { 'application/json': { schema: createdEndpointSchema } },
    },
    ...WEBHOOK_PROBLEMS,
  },
});

const listWebhooksRoute = createRoute({
  method: 'get',
  path: '/v1/webhooks',
  operationId: 'listWebhooks',
  tags: ['Webhooks'],
  summary: 'List webhook endpoints',
  description: `The tenant's endpoints, oldest first, with their state (never their secrets). ${POLICY}`,
  security: [{ bearerAuth: [] }],
  responses: {
    200: {
      description: 'The endpoints.',
      content: {
        'application/json': { schema: z.object({ webhooks: z.array(endpointSchema) }) },
      },
    },
    ...WEBHOOK_PROBLEMS,
  },
});

const getWebhookRoute = createRoute({
  method: 'get',
  path: '/v1/webhooks/{id}',
  operationId: 'getWebhook',
  tags: ['Webhooks'],
  summary: 'One webhook endpoint',
  description: 'The endpoint and its state: enabled, or disabled with the reason.',
  security: [{ bearerAuth: [] }],
  request: { params: idParameter },
  responses: {
    200: {
      description: 'The endpoint.',
      content: { 'application/json': { schema: endpointSchema } },
    },
    404: NOT_FOUND,
    ...WEBHOOK_PROBLEMS,
  },
});

const deleteWebhookRoute = createRoute({
  method: 'delete',
  path: '/v1/webhooks/{id}',
  operationId: 'deleteWebhook',
  tags: ['Webhooks'],
  summary: 'Delete a webhook endpoint',
  description: 'Deletes the endpoint, its pending deliveries and its delivery log.',
  security: [{ bearerAuth: [] }],
  request: { params: idParameter },
  responses: {
    204: { description: 'Deleted.' },
    404: NOT_FOUND,
    ...WEBHOOK_PROBLEMS,
  },
});

const enableWebhookRoute = createRoute({
  method: 'post',
  path: '/v1/webhooks/{id}/enable',
  operationId: 'enableWebhook',
  tags: ['Webhooks'],
  summary: 'Enable a disabled webhook endpoint',
  description:
    'Enables the endpoint again and clears its failure state; its pending deliveries are sent at once. Changes written while it was disabled are not queued for it.',
  security: [{ bearerAuth: [] }],
  request: { params: idParameter },
  responses: {
    200: {
      description: 'The endpoint, enabled.',
      content: { 'application/json': { schema: endpointSchema } },
    },
    404: NOT_FOUND,
    ...WEBHOOK_PROBLEMS,
  },
});

const listDeliveriesRoute = createRoute({
  method: 'get',
  path: '/v1/webhooks/{id}/deliveries',
  operationId: 'listWebhookDeliveries',
  tags: ['Webhooks'],
  summary: 'The delivery log of an endpoint',
  description:
    'Deliveries newest change first, each with every attempt (status code, duration, error class). Keyset pagination: pass `nextCursor` as `cursor`.',
  security: [{ bearerAuth: [] }],
  request: {
    params: idParameter,
    query: z.strictObject({
      cursor: z
        .string()
        .min(1)
        .optional()
        .openapi({ description: 'A `nextCursor` from the previous page.' }),
      limit: z
        .string()
        .regex(/^\d+$/, 'must be a whole number')
        .transform(Number)
        .optional()
        .openapi({
          type: 'integer',
          description: 'Deliveries per page (default 50, at most 100).',
        }),
      status: z
        .enum(['pending', 'delivered', 'failed'])
        .optional()
        .openapi({ description: 'Only deliveries in this state.' }),
    }),
  },
  responses: {
    200: {
      description: 'One page of the log.',
      content: {
        'application/json': {
          schema: z.object({
            deliveries: z.array(deliverySchema),
            nextCursor: z.string().nullable(),
          }),
        },
      },
    },
    404: NOT_FOUND,
    ...WEBHOOK_PROBLEMS,
  },
});

/** What the webhook routes need. */
export interface WebhookRouteDependencies {
  /** The order store holding the endpoints and outbox; without it: `configuration-error`. */
  store: OrderStore | undefined;
  /** Accept http and loopback URLs (development and tests only). */
  allowHttpLoopback: boolean;
}

/**
 * Registers `/v1/webhooks` (create, list, get, delete, enable) and the per-endpoint delivery
 * log, over the tenant's store scope.
 */
export function registerWebhookRoutes(
  app: OpenAPIHono<ServiceEnv>,
  dependencies: WebhookRouteDependencies,
): void {
  let webhooks: WebhookStore | undefined;
  const requireWebhooks = async (): Promise<WebhookStore> => {
    if (dependencies.store === undefined) {
      throw new ProblemError('configuration-error', {
        detail: 'The service has no order store: set ORDERBRIDGE_DATABASE_URL to use webhooks.',
      });
    }
    if (webhooks === undefined) {
      const { WebhookStore } = await import('@orderbridge/store');
      webhooks = new WebhookStore(dependencies.store);
    }
    return webhooks;
  };
  const notFound = (id: string) =>
    new ProblemError('not-found', {
      detail: `There is no webhook endpoint ${id} for this tenant.`,
    });

  app.openapi(createWebhookRoute, async (context) => {
    const store = await requireWebhooks();
    const body = context.req.valid('json');
    const { endpoint, secret } = await store.createEndpoint(
      { ...body, scope: context.get('tenant').storeScope },
      { allowLoopback: dependencies.allowHttpLoopback },
    );
    context.header('location', `/v1/webhooks/${endpoint.id}`);
    context.header('cache-control', 'no-store');
    return context.json({ ...publicEndpoint(endpoint), secret }, 201);
  });

  app.openapi(listWebhooksRoute, async (context) => {
    const store = await requireWebhooks();
    const endpoints = await store.listEndpoints(context.get('tenant').storeScope);
    return jsonResponse(context, { webhooks: endpoints.map(publicEndpoint) }, 200);
  });

  app.openapi(getWebhookRoute, async (context) => {
    const store = await requireWebhooks();
    const { id } = context.req.valid('param');
    const endpoint = await store.getEndpoint(context.get('tenant').storeScope, id);
    if (endpoint === null) throw notFound(id);
    return context.json(publicEndpoint(endpoint), 200);
  });

  app.openapi(deleteWebhookRoute, async (context) => {
    const store = await requireWebhooks();
    const { id } = context.req.valid('param');
    if (!(await store.deleteEndpoint(context.get('tenant').storeScope, id))) throw notFound(id);
    return context.body(null, 204);
  });

  app.openapi(enableWebhookRoute, async (context) => {
    const store = await requireWebhooks();
    const { id } = context.req.valid('param');
    const endpoint = await store.enableEndpoint(context.get('tenant').storeScope, id);
    if (endpoint === null) throw notFound(id);
    return context.json(publicEndpoint(endpoint), 200);
  });

  app.openapi(listDeliveriesRoute, async (context) => {
    const store = await requireWebhooks();
    const { id } = context.req.valid('param');
    const query = context.req.valid('query');
    // The endpoint must be the tenant's: its id alone never opens another tenant's log.
    if ((await store.getEndpoint(context.get('tenant').storeScope, id)) === null) {
      throw notFound(id);
    }
    const page = await store.listDeliveries(id, query);
    return jsonResponse(context, page as z.infer<typeof listDeliveriesResponse>, 200);
  });
}

const listDeliveriesResponse = z.object({
  deliveries: z.array(deliverySchema),
  nextCursor: z.string().nullable(),
});

/** An endpoint as the API shows it: without the scope (the tenant is implied). */
function publicEndpoint(endpoint: Awaited<ReturnType<WebhookStore['listEndpoints']>>[number]) {
  const { scope: _scope, ...rest } = endpoint;
  return rest;
}
