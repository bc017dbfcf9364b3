import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { InvalidQueryError } from '@orderbridge/core';
import type { OrderStore } from '@orderbridge/store';
import { bodyLimit } from 'hono/body-limit';
import { jsonResponse } from '../http/json-body.js';
import { ProblemError } from '../http/problem-error.js';
import type { ServiceEnv } from '../http/service-env.js';
import { AUTHENTICATED_PROBLEMS, documentedProblem } from './problem-responses.js';
import {
  fulfillmentReportSchema,
  merchantsReportSchema,
  reconcileReportSchema,
  revenueReportSchema,
} from './report-schemas.js';

/** Largest ledger a reconcile request may send. */
export const MAX_LEDGER_BYTES = 10 * 1024 * 1024;

/** `a,b` and repeated parameters both become `['a', 'b']`. */
const providerParameter = z
  .preprocess(
    (value) =>
      value === undefined
        ? undefined
        : (Array.isArray(value) ? value : [value]).flatMap((item) =>
            typeof item === 'string' ? item.split(',').map((part) => part.trim()) : [item],
          ),
    z.array(z.string().min(1)).optional(),
  )
  .openapi({
    description: 'Only these provider ids (comma-separated or repeated).',
    param: { style: 'form', explode: true },
  });

const bound = (description: string) =>
  z
    .string()
    .optional()
    .openapi({
      description: `${description}: a UTC date (2025-03-01, midnight) or timestamp (2025-03-01T12:00:00Z).`,
    });

const wholeNumber = (description: string) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .optional()
    .openapi({ type: 'integer', description });

const windowParameters = {
  provider: providerParameter,
  from: bound('Orders created at or after'),
  to: bound('Orders created before (exclusive)'),
};

const asOfParameter = z.string().optional().openapi({
  description: 'The UTC timestamp ages are measured from (default: now).',
});

const REPORT_PROBLEMS = {
  400: AUTHENTICATED_PROBLEMS[400],
  401: AUTHENTICATED_PROBLEMS[401],
  429: AUTHENTICATED_PROBLEMS[429],
  500: documentedProblem(
    'A bug, or no order store configured (`configuration-error`: set ORDERBRIDGE_DATABASE_URL).',
  ),
  503: documentedProblem('The order store cannot be reached (`provider-unavailable`).'),
};

const MEASURES =
  'Every measure is defined in docs/reports.md; amounts are exact integers in minor units, never summed across currencies. Reads the tenant’s orders in the order store (kept current by `orderbridge sync`); vanished orders are left out.';

const revenueRoute = createRoute({
  method: 'get',
  path: '/v1/reports/revenue',
  operationId: 'revenueReport',
  tags: ['Reports'],
  summary: 'Revenue per period, provider and currency',
  description: `Orders, amount, captured, refunded and net per UTC day, ISO week or month of creation, provider and currency. FlexPortal's total is the monthly subscription value, FlexFactor's the payment amount. ${MEASURES}`,
  security: [{ bearerAuth: [] }],
  request: {
    query: z.strictObject({
      by: z
        .enum(['day', 'week', 'month'])
        .optional()
        .openapi({ description: 'Period (default day).' }),
      ...windowParameters,
    }),
  },
  responses: {
    200: {
      description: 'The report.',
      content: { 'application/json': { schema: revenueReportSchema } },
    },
    ...REPORT_PROBLEMS,
  },
});

const fulfillmentRoute = createRoute({
  method: 'get',
  path: '/v1/reports/fulfillment',
  operationId: 'fulfillmentReport',
  tags: ['Reports'],
  summary: 'The fulfillment queue',
  description: `Orders awaiting or partly in fulfillment, oldest first, with units done / total and age, and counts by status and age bucket. ${MEASURES}`,
  security: [{ bearerAuth: [] }],
  request: {
    query: z.strictObject({
      asOf: asOfParameter,
      limit: wholeNumber('At most this many queue rows (default 1000, at most 100000).'),
      ...windowParameters,
    }),
  },
  responses: {
    200: {
      description: 'The report.',
      content: { 'application/json': { schema: fulfillmentReportSchema } },
    },
    ...REPORT_PROBLEMS,
  },
});

const merchantsRoute = createRoute({
  method: 'get',
  path: '/v1/reports/merchants',
  operationId: 'merchantsReport',
  tags: ['Reports'],
  summary: 'Merchants, with anomalies',
  description: `Per provider, merchant and currency: orders by status, amount, captured, refunded, net, awaiting capture, problems, chargebacks; and each anomalous order. ${MEASURES}`,
  security: [{ bearerAuth: [] }],
  request: {
    query: z.strictObject({
      asOf: asOfParameter,
      stuckAfterDays: wholeNumber(
        'Awaiting capture longer than this many days is an anomaly (default 7).',
      ),
      ...windowParameters,
    }),
  },
  responses: {
    200: {
      description: 'The report.',
      content: { 'application/json': { schema: merchantsReportSchema } },
    },
    ...REPORT_PROBLEMS,
  },
});

const reconcileRoute = createRoute({
  method: 'post',
  path: '/v1/reports/reconcile',
  operationId: 'reconcileReport',
  tags: ['Reports'],
  summary: 'Reconcile a ledger against the stored orders',
  description: `The body is the merchant's ledger as CSV: a header with \`reference\` (an order key, provider order id or reference number), \`amount\` (decimal, major units) and \`currency\`, optionally \`status\`; at most 10 MiB. One verdict per ledger line and per order of the window no line names, and a count per verdict. Differences are still a 200: read \`differences\`. A malformed ledger is a 400 naming the line. ${MEASURES}`,
  security: [{ bearerAuth: [] }],
  request: {
    query: z.strictObject({
      merchantId: z
        .string()
        .min(1)
        .optional()
        .openapi({ description: 'Only orders of this merchant count as missing_in_ledger.' }),
      ...windowParameters,
    }),
    body: {
      required: true,
      content: {
        'text/csv': {
          schema: z.string().openapi({
            example: 'reference,amount,currency,status\nFF-100234,45.65,USD,completed\n',
          }),
        },
      },
    },
  },
  responses: {
    200: {
      description: 'The reconciliation.',
      content: { 'application/json': { schema: reconcileReportSchema } },
    },
    ...REPORT_PROBLEMS,
  },
});

/** What the report routes need. */
export interface ReportRouteDependencies {
  /** The order store; without it every report is a `configuration-error` problem. */
  store: OrderStore | undefined;
  /** Clock, for the default `asOf`. */
  now: () => number;
}

/**
 * Registers `GET /v1/reports/revenue|fulfillment|merchants` and `POST /v1/reports/reconcile`:
 * the store's reports over the tenant's store scope. The store package is loaded on first use.
 */
export function registerReportRoutes(
  app: OpenAPIHono<ServiceEnv>,
  dependencies: ReportRouteDependencies,
): void {
  const requireStore = (): OrderStore => {
    if (dependencies.store === undefined) {
      throw new ProblemError('configuration-error', {
        detail:
          'The service has no order store: set ORDERBRIDGE_DATABASE_URL and sync orders into it (orderbridge sync).',
      });
    }
    return dependencies.store;
  };
  const asOf = (value: string | undefined) => value ?? new Date(dependencies.now()).toISOString();

  app.openapi(revenueRoute, async (context) => {
    const store = requireStore();
    const { revenueReport } = await import('@orderbridge/store');
    const query = context.req.valid('query');
    const report = await revenueReport(store, {
      ...query,
      scope: context.get('tenant').storeScope,
    });
    return jsonResponse(context, report, 200);
  });

  app.openapi(fulfillmentRoute, async (context) => {
    const store = requireStore();
    const { fulfillmentReport } = await import('@orderbridge/store');
    const query = context.req.valid('query');
    const report = await fulfillmentReport(store, {
      ...query,
      asOf: asOf(query.asOf),
      scope: context.get('tenant').storeScope,
    });
    return jsonResponse(context, report, 200);
  });

  app.openapi(merchantsRoute, async (context) => {
    const store = requireStore();
    const { merchantsReport } = await import('@orderbridge/store');
    const query = context.req.valid('query');
    const report = await merchantsReport(store, {
      ...query,
      asOf: asOf(query.asOf),
      scope: context.get('tenant').storeScope,
    });
    return jsonResponse(context, report, 200);
  });

  app.use(
    reconcileRoute.path,
    bodyLimit({
      maxSize: MAX_LEDGER_BYTES,
      onError: () => {
        throw new ProblemError('invalid-query', {
          detail: `The ledger is larger than ${MAX_LEDGER_BYTES} bytes; reconcile it in parts (e.g. by --from / --to).`,
          errors: [{ field: 'body', message: `must be at most ${MAX_LEDGER_BYTES} bytes` }],
        });
      },
    }),
  );
  app.openapi(reconcileRoute, async (context) => {
    const store = requireStore();
    const { parseLedgerCsv, reconcileReport } = await import('@orderbridge/store');
    const query = context.req.valid('query');
    let ledger: ReturnType<typeof parseLedgerCsv>;
    try {
      ledger = parseLedgerCsv(await context.req.text());
    } catch (error) {
      // The message names the line (`Ledger line 7: …`); the field is the body it was sent in.
      if (!InvalidQueryError.isInstance(error)) throw error;
      throw new ProblemError('invalid-query', {
        detail: error.message,
        errors: [{ field: 'body', message: error.message }],
      });
    }
    const report = await reconcileReport(store, {
      ...query,
      ledger,
      scope: context.get('tenant').storeScope,
    });
    return jsonResponse(context, report, 200);
  });
}
