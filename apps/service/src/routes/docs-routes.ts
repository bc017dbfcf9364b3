import { readFile } from 'node:fs/promises';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { ServiceEnv } from '../http/service-env.js';

/** Where the API reference page loads its files from: this service, never a CDN. */
export const DOCS_ASSET_PATH = '/docs/assets';

/** The renderer's script (Swagger UI's standalone bundle), served by this service. */
export const DOCS_SCRIPT_PATH = `${DOCS_ASSET_PATH}/swagger-ui-bundle.js`;

/** The project's public home, for the document's `info.contact` and the licence. */
const PROJECT_URL = 'https://github.com/orderbridge/orderbridge';

/**
 * The renderer's files, copied from the pinned `swagger-ui-dist` devDependency into the package's
 * `docs-assets/` when it is built (scripts/copy-docs-assets.ts): the published service carries
 * these two files and no renderer dependency at all, so an install stays small and the page
 * loads nothing from elsewhere. Resolved from this module, which sits two levels below the
 * package root both as `src/routes/*.ts` and as `dist/routes/*.js`.
 */
const ASSETS = {
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui.css': 'text/css; charset=utf-8',
} as const;
const ASSET_DIRECTORY = new URL('../../docs-assets/', import.meta.url);

/**
 * Starts Swagger UI on the page. Served as a file rather than inline, so a Content-Security-Policy
 * without `unsafe-inline` still allows it. `validatorUrl: null` keeps the page from sending the
 * document to Swagger's online validator.
 */
const INIT_SCRIPT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#reference',
    validatorUrl: null,
    deepLinking: true,
    displayRequestDuration: true,
    persistAuthorization: false,
  });
});
`;

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>OrderBridge API reference</title>
<link rel="stylesheet" href="${DOCS_ASSET_PATH}/swagger-ui.css">
</head>
<body>
<div id="reference"></div>
<script src="${DOCS_SCRIPT_PATH}"></script>
<script src="${DOCS_ASSET_PATH}/init.js"></script>
</body>
</html>
`;

/** An OpenAPI 3.1 document as @hono/zod-openapi generates it. */
type OpenApiDocument = ReturnType<OpenAPIHono<ServiceEnv>['getOpenAPI31Document']>;

/** The OpenAPI document of the app, with its description, licence, contact and tags. */
function openApiDocument(app: OpenAPIHono<ServiceEnv>, version: string): OpenApiDocument {
  return app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'OrderBridge API',
      version,
      description:
        "One canonical view of orders across order and payment providers. Authenticate with `Authorization: Bearer <API key>`; each key belongs to a tenant and sees only that tenant's orders. Errors are RFC 9457 problem details (`application/problem+json`).",
      license: { name: 'MIT', url: 'https://spdx.org/licenses/MIT.html' },
      contact: { name: 'OrderBridge', url: PROJECT_URL },
    },
    tags: [
      { name: 'Orders', description: 'Orders merged across the tenant’s providers.' },
      { name: 'Providers', description: 'The tenant’s providers and their capabilities.' },
      {
        name: 'Changes',
        description: 'The change feed: what the order store saw change, in commit order.',
      },
      { name: 'Operations', description: 'Health, readiness and metrics (no authentication).' },
    ],
  });
}

/**
 * Registers `/openapi.json`, the interactive reference at `/docs` and its files. The page works
 * offline: every file is served from the installed package.
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
    // The server is this service as the caller reached it, so the reference's request samples
    // are absolute URLs that work as they are.
    const origin = new URL(context.req.url).origin;
    return context.json({
      ...document,
      servers: [{ url: origin, description: 'This OrderBridge service' }],
    });
  });

  const files = new Map<string, Promise<Buffer>>();
  for (const [name, contentType] of Object.entries(ASSETS)) {
    app.get(`${DOCS_ASSET_PATH}/${name}`, async (context) => {
      let file = files.get(name);
      if (!file) {
        file = readFile(new URL(name, ASSET_DIRECTORY));
        files.set(name, file);
        file.catch(() => files.delete(name));
      }
      const content = await file;
      return context.body(new Uint8Array(content), 200, {
        'content-type': contentType,
        'cache-control': 'public, max-age=3600',
      });
    });
  }
  app.get(`${DOCS_ASSET_PATH}/init.js`, (context) =>
    context.body(INIT_SCRIPT, 200, {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=3600',
    }),
  );

  // Browsers ask for it on every page; answer without a 404 problem in the console and the logs.
  app.get('/favicon.ico', (context) => context.body(null, 204));

  app.get('/docs', (context) => context.html(PAGE));
}
