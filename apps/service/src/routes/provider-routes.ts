import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { ServiceEnv } from '../http/service-env.js';
import { AUTHENTICATED_PROBLEMS } from './problem-responses.js';
import { providerListResponseSchema } from './schemas.js';

const listProvidersRoute = createRoute({
  method: 'get',
  path: '/v1/providers',
  operationId: 'listProviders',
  tags: ['Providers'],
  summary: 'List providers',
  description:
    "The tenant's providers and what each one's API does itself (filters, sorts, page sizes). Credentials and base URLs are never shown.",
  security: [{ bearerAuth: [] }],
  request: { query: z.strictObject({}) },
  responses: {
    200: {
      description: "The tenant's providers.",
      content: { 'application/json': { schema: providerListResponseSchema } },
    },
    400: AUTHENTICATED_PROBLEMS[400],
    401: AUTHENTICATED_PROBLEMS[401],
    429: AUTHENTICATED_PROBLEMS[429],
    500: AUTHENTICATED_PROBLEMS[500],
  },
});

/** Registers `GET /v1/providers`. */
export function registerProviderRoutes(app: OpenAPIHono<ServiceEnv>): void {
  app.openapi(listProvidersRoute, (context) => {
    const providers = context
      .get('tenant')
      .client.providers()
      .map((provider) => ({
        id: provider.id,
        specificationVersion: provider.specificationVersion,
        capabilities: {
          filters: [...provider.capabilities.filters],
          statusFilterValues: provider.capabilities.statusFilterValues,
          sorts: [...provider.capabilities.sorts],
          defaultPageSize: provider.capabilities.defaultPageSize,
          maxPageSize: provider.capabilities.maxPageSize,
          pageNumbers: provider.capabilities.pageNumbers,
          totalCount: provider.capabilities.totalCount,
        },
      }));
    return context.json({ providers }, 200);
  });
}
