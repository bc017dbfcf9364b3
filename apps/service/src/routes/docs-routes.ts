import { readFile } from 'node:fs/promises';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { Scalar } from '@scalar/hono-api-reference';
import type { ServiceEnv } from '../http/service-env.js';

/** Where the API reference page loads its script from: this service, never a CDN. */
export const DOCS_SCRIPT_PATH = '/docs/scalar-api-reference.js';

/**
 * The standalone browser bundle of `@scalar/api-reference` (one self-contained file that defines
 * `window.Scalar`). It is not in the package's `exports`, so it is found next to the package's
 * entry point.
 */
function standaloneBundleUrl(): URL {
  return new URL('./browser/standalone.js', import.meta.resolve('@scalar/api-reference'));
}

/** An OpenAPI 3.1 document as @hono/zod-openapi generates it. */
type OpenApiDocument = ReturnType<OpenAPIHono<ServiceEnv>['getOpenAPI31Document']>;

/** The OpenAPI document of the app, with its description and tags. */
function openApiDocument(app: OpenAPIHono<ServiceEnv>, version: string): OpenApiDocument {
  return app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'OrderBridge API',
      version,
      description:
        "One canonical view of orders across order and payment providers. Authenticate with `Authorization: Bearer <API key>`; each key belongs to a tenant and sees only that tenant's orders. Errors are RFC 9457 problem details (`application/problem+json`).",
    },
    tags: [
      { name: 'Orders', description: 'Orders merged across the tenant’s providers.' },
      { name: 'Providers', description: 'The tenant’s providers and their capabilities.' },
      { name: 'Operations', description: 'Health, readiness and metrics (no authentication).' },
    ],
  });
}

/**
 * Registers `/openapi.json`, the interactive reference at `/docs` and its script. The page works
 * offline: the script is served from the installed package and default web fonts are off.
 */
export function registerDocsRoutes(app: OpenAPIHono<ServiceEnv>, version: string): void {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key of a tenant, as `Authorization: Bearer <key>`.',
  });
  let document: OpenApiDocument | undefined;
  app.get('/openapi.json', (context) => {
    document ??= openApiDocument(app, version);
    return context.json(document);
  });

  let bundle: Promise<Buffer> | undefined;
  app.get(DOCS_SCRIPT_PATH, async (context) => {
    bundle ??= readFile(standaloneBundleUrl()).catch((error: unknown) => {
      bundle = undefined;
      throw error;
    });
    const content = await bundle;
    return context.body(new Uint8Array(content), 200, {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=3600',
    });
  });

  // Browsers ask for it on every page; answer without a 404 problem in the console and the logs.
  app.get('/favicon.ico', (context) => context.body(null, 204));

  app.get(
    '/docs',
    Scalar({
      pageTitle: 'OrderBridge API reference',
      url: '/openapi.json',
      cdn: DOCS_SCRIPT_PATH,
      withDefaultFonts: false,
      telemetry: false,
      // Nothing on the page may call out: no AI agent, MCP or hosted developer tools.
      showDeveloperTools: 'never',
      agent: { disabled: true },
      mcp: { disabled: true },
      documentDownloadType: 'json',
      authentication: { preferredSecurityScheme: 'bearerAuth' },
    }),
  );
}
