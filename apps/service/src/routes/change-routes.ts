import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { ChangeEntry, OrderStore } from '@orderbridge/store';
import { jsonResponse } from '../http/json-body.js';
import { ProblemError } from '../http/problem-error.js';
import type { ServiceEnv } from '../http/service-env.js';
import { AUTHENTICATED_PROBLEMS, documentedProblem } from './problem-responses.js';
import { requireStore } from './store-source.js';

/** Change-log entries per page when a request names none, and the most one page may hold. */
export const DEFAULT_CHANGE_LIMIT = 100;
export const MAX_CHANGE_LIMIT = 1000;

/** The change kinds, as the store logs them (kept here so the OpenAPI document needs no store). */
const CHANGE_KIND_VALUES = ['created', 'updated', 'vanished'] as const;

/** `a,b` and repeated parameters both become `['a', 'b']`. */
const listOf = (value: unknown) =>
  value === undefined
    ? undefined
    : (Array.isArray(value) ? value : [value]).flatMap((item) =>
        typeof item === 'string' ? item.split(',').map((part) => part.trim()) : [item],
      );

const wholeNumber = (description: string, minimum: number, maximum: number) =>
  z
    .string({ error: 'must be given at most once' })
    .regex(/^\d{1,15}$/, 'must be a whole number')
    .transform(Number)
    .pipe(
      z
        .number()
        .min(minimum, `must be at least ${minimum}`)
        .max(maximum, `must be at most ${maximum}`),
    )
    .optional()
    .openapi({ type: 'integer', minimum, maximum, description });

const changesQuerySchema = z
  .strictObject({
    after: wholeNumber(
      "Entries with a sequence number greater than this (default 0: from the start). Pass the previous page's `nextAfter`.",
      0,
      Number.MAX_SAFE_INTEGER,
    ),
    limit: wholeNumber(
      `Entries per page, 1 to ${MAX_CHANGE_LIMIT} (default ${DEFAULT_CHANGE_LIMIT}).`,
      1,
      MAX_CHANGE_LIMIT,
    ),
    provider: z
      .preprocess(listOf, z.array(z.string().min(1, 'must not be empty')).max(50).optional())
      .openapi({
        description:
          "Only changes of these of the tenant's provider ids (comma-separated or repeated).",
        param: { style: 'form', explode: true },
      }),
    kind: z
      .preprocess(
        listOf,
        z
          .array(z.enum(CHANGE_KIND_VALUES, { error: 'must be created, updated or vanished' }))
          .max(3)
          .optional(),
      )
      .openapi({
        description: 'Only these kinds (comma-separated or repeated).',
        param: { style: 'form', explode: true },
        items: { type: 'string', enum: [...CHANGE_KIND_VALUES] },
      }),
  })
  .openapi('ListChangesQuery');

/** A field before and after (not a named component: each use carries its own description). */
const fieldChange = z.object({
  from: z.unknown().openapi({ description: 'The value before.' }),
  to: z.unknown().openapi({ description: 'The value after.' }),
});

const changeEntrySchema = z
  .object({
    seq: z.number().int().openapi({
      description:
        'Sequence number: grows in commit order, so a reader that resumes after the last seq it saw misses nothing.',
    }),
    key: z.string().openapi({ description: 'The order key.' }),
    provider: z.string().openapi({ description: 'Provider id.' }),
    kind: z.enum(CHANGE_KIND_VALUES).openapi({
      description:
        '`created` (first seen), `updated` (its canonical content changed), `vanished` (a full sync no longer saw it).',
    }),
    diff: z
      .object({
        status: fieldChange.optional().openapi({ description: 'The lifecycle status moved.' }),
        paymentStatus: fieldChange.optional().openapi({ description: 'The payment status moved.' }),
        fulfillmentStatus: fieldChange
          .optional()
          .openapi({ description: 'The fulfilment status moved.' }),
        providerStatus: fieldChange
          .optional()
          .openapi({ description: "The provider's raw status moved." }),
        totals: fieldChange.optional().openapi({ description: 'The totals moved.' }),
        fulfillment: fieldChange
          .optional()
          .openapi({ description: 'Fulfilment progress (units done / total) moved.' }),
        reappeared: z.literal(true).optional().openapi({
          description: 'A vanished order that a later sync saw again.',
        }),
        fields: z
          .array(z.string())
          .openapi({ description: 'Every top-level canonical field that differs.' }),
      })
      .nullable()
      .openapi({ description: 'For `updated`: what changed; null otherwise.' }),
    observedAt: z.string().openapi({ description: 'When the change was written (ISO 8601 UTC).' }),
    runId: z.string().openapi({ description: 'The sync run that observed it.' }),
  })
  .openapi('ChangeEntry', { description: "One entry of the tenant's change log." });

const changePageSchema = z
  .object({
    changes: z.array(changeEntrySchema).openapi({ description: 'Entries in sequence order.' }),
    nextAfter: z.number().int().openapi({
      description:
        "Pass as `after` (with the same filters) for the next page: the last entry's `seq`, or the request's `after` when the page is empty (poll again later).",
    }),
  })
  .openapi('ChangePage', { description: 'One page of the change log.' });

const listChangesRoute = createRoute({
  method: 'get',
  path: '/v1/changes',
  operationId: 'listChanges',
  tags: ['Changes'],
  summary: 'Read the change feed',
  description:
    "The tenant's change log in the order store (its store scope, its providers): every order the sync created, changed or saw vanish, in commit order, keyset by sequence number. Page with `nextAfter`; an empty page means nothing newer yet, so poll with the same `after`. A sequence number is never reused, and an entry committed later never has a smaller one, so a reader that resumes after the last one it saw neither skips nor repeats an entry.",
  security: [{ bearerAuth: [] }],
  request: { query: changesQuerySchema },
  responses: {
    200: {
      description: 'One page of changes.',
      content: { 'application/json': { schema: changePageSchema } },
    },
    ...AUTHENTICATED_PROBLEMS,
    503: documentedProblem(
      'The service has no order store (`store-not-configured`: set `ORDERBRIDGE_DATABASE_URL`).',
    ),
  },
});

/** What the change routes need. */
export interface ChangeRouteDependencies {
  /** The order store; without it the feed is 503 `store-not-configured`. */
  store: OrderStore | undefined;
}

/** Registers `GET /v1/changes`. */
export function registerChangeRoutes(
  app: OpenAPIHono<ServiceEnv>,
  dependencies: ChangeRouteDependencies,
): void {
  app.openapi(listChangesRoute, async (context) => {
    const tenant = context.get('tenant');
    const store = requireStore(dependencies.store, 'GET /v1/changes');
    const parameters = context.req.valid('query');
    const configured = tenant.providers.map((provider) => provider.id);
    const unknown = (parameters.provider ?? []).filter((id) => !configured.includes(id));
    if (unknown.length > 0) {
      const message = `unknown provider ${unknown.map((id) => `"${id}"`).join(', ')}; configured: ${configured.join(', ')}`;
      throw new ProblemError('invalid-query', {
        detail: `Invalid query: provider: ${message}`,
        errors: [{ field: 'provider', message }],
      });
    }
    const after = parameters.after ?? 0;
    const entries = await store.listChanges({
      scope: tenant.storeScope,
      after,
      limit: parameters.limit ?? DEFAULT_CHANGE_LIMIT,
      // The tenant's own providers only, even when its scope is shared with others.
      provider:
        parameters.provider !== undefined && parameters.provider.length > 0
          ? parameters.provider
          : configured,
      ...(parameters.kind !== undefined && parameters.kind.length > 0
        ? { kind: parameters.kind }
        : {}),
    });
    return jsonResponse(
      context,
      {
        changes: entries.map(withoutScope),
        nextAfter: entries.at(-1)?.seq ?? after,
      } as z.infer<typeof changePageSchema>,
      200,
    );
  });
}

/** An entry as a tenant sees it: the scope is its own, and not its business to know. */
function withoutScope(entry: ChangeEntry): Omit<ChangeEntry, 'scope'> {
  const { scope: _scope, ...rest } = entry;
  return rest;
}
