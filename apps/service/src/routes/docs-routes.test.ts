import { describe, expect, it } from 'vitest';
import { ORDER_LIST_PARAMETERS } from '../test-support/order-list-parameters.js';
import { createTestApp } from '../test-support/test-app.js';
import { DOCS_SCRIPT_PATH } from './docs-routes.js';

interface Schema {
  description?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  anyOf?: Schema[];
  allOf?: Schema[];
  $ref?: string;
}
interface Parameter {
  name: string;
  in: string;
  description?: string;
  schema: Schema & { type?: string; enum?: string[] };
}

async function loadDocument() {
  const { get } = createTestApp();
  const response = await get('/openapi.json', null);
  expect(response.status).toBe(200);
  return (await response.json()) as {
    openapi: string;
    paths: Record<
      string,
      Record<
        string,
        {
          parameters?: Parameter[];
          responses: Record<string, { content?: Record<string, unknown> }>;
          security?: unknown[];
          summary?: string;
        }
      >
    >;
    components: { schemas: Record<string, Schema>; securitySchemes: Record<string, unknown> };
  };
}

describe('/openapi.json', () => {
  it('is OpenAPI 3.1 with the canonical query parameters of GET /v1/orders', async () => {
    const document = await loadDocument();
    expect(document.openapi).toBe('3.1.0');
    const operation = document.paths['/v1/orders']!.get!;
    expect(operation.summary).toBe('List orders');
    expect(operation.parameters!.map((parameter) => parameter.name).sort()).toEqual(
      [...ORDER_LIST_PARAMETERS].sort(),
    );
    for (const parameter of operation.parameters!) {
      expect(parameter.description, parameter.name).toBeTruthy();
      expect(parameter.in).toBe('query');
    }
    const status = operation.parameters!.find((parameter) => parameter.name === 'status')!;
    expect(status.schema.items).toMatchObject({
      enum: expect.arrayContaining(['pending', 'completed']),
    });
    const limit = operation.parameters!.find((parameter) => parameter.name === 'limit')!;
    expect(limit.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 1000, default: 50 });
  });

  it('documents bearer security and problem+json errors on every /v1 operation', async () => {
    const document = await loadDocument();
    expect(document.components.securitySchemes.bearerAuth).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
    for (const path of ['/v1/orders', '/v1/orders/{key}', '/v1/providers']) {
      const operation = document.paths[path]!.get!;
      expect(operation.security).toEqual([{ bearerAuth: [] }]);
      for (const status of ['400', '401', '429']) {
        expect(Object.keys(operation.responses[status]!.content!), `${path} ${status}`).toEqual([
          'application/problem+json',
        ]);
      }
    }
    expect(document.paths['/v1/orders/{key}']!.get!.responses['404']).toBeDefined();
  });

  it('describes every field of every schema', async () => {
    const document = await loadDocument();
    const missing: string[] = [];
    const visit = (schema: Schema, path: string) => {
      for (const [name, property] of Object.entries(schema.properties ?? {})) {
        const isDescribed =
          property.description !== undefined ||
          property.allOf?.some((part) => part.description !== undefined);
        if (!isDescribed) missing.push(`${path}.${name}`);
        visit(property, `${path}.${name}`);
      }
      if (schema.items) visit(schema.items, `${path}[]`);
      for (const option of schema.anyOf ?? []) visit(option, path);
    };
    for (const [name, schema] of Object.entries(document.components.schemas)) visit(schema, name);
    expect(missing).toEqual([]);
    expect(Object.keys(document.components.schemas)).toEqual(
      expect.arrayContaining(['Order', 'OrderPage', 'Problem', 'Warning', 'ProviderList']),
    );
  });
});

describe('/docs', () => {
  it('loads the reference script from this service, not from a CDN', async () => {
    const { get } = createTestApp();
    const html = await (await get('/docs', null)).text();
    expect(html).toContain(`src="${DOCS_SCRIPT_PATH}"`);
    expect(html).toContain('src="/docs/assets/init.js"');
    expect(html).not.toMatch(/https?:\/\//);
    const script = await get(DOCS_SCRIPT_PATH, null);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toContain('javascript');
    expect((await script.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
    // The page's own start-up script and the stylesheet come from here too; the start-up script
    // turns off Swagger's online validator, which would send the document elsewhere.
    const init = await (await get('/docs/assets/init.js', null)).text();
    expect(init).toContain('validatorUrl: null');
    expect(init).toContain("url: '/openapi.json'");
    const styles = await get('/docs/assets/swagger-ui.css', null);
    expect(styles.headers.get('content-type')).toContain('text/css');
  });
});

describe('the OpenAPI document for people and tools', () => {
  it('names this service as its server, a licence and a contact', async () => {
    const { get } = createTestApp();
    const document = (await (await get('/openapi.json', null)).json()) as {
      servers: Array<{ url: string }>;
      info: { license?: { name: string }; contact?: { url?: string } };
    };
    expect(document.servers).toEqual([
      { url: 'http://localhost', description: 'This OrderBridge service' },
    ]);
    expect(document.info.license?.name).toBe('MIT');
    expect(document.info.contact?.url).toMatch(/^https:\/\//);
  });

  it('marks the operations endpoints as needing no key (optional on /readyz), and documents the retry headers', async () => {
    const { get } = createTestApp();
    const document = (await (await get('/openapi.json', null)).json()) as {
      paths: Record<
        string,
        Record<string, { security?: unknown[]; responses: Record<string, { headers?: object }> }>
      >;
    };
    for (const path of ['/healthz', '/metrics']) {
      expect(document.paths[path]?.get?.security).toEqual([]);
    }
    // A key is optional on /readyz: it only adds the tenant's provider checks.
    expect(document.paths['/readyz']?.get?.security).toEqual([{}, { bearerAuth: [] }]);
    const list = document.paths['/v1/orders']?.get;
    expect(Object.keys(list?.responses['429']?.headers ?? {})).toEqual([
      'Retry-After',
      'RateLimit-Limit',
      'RateLimit-Remaining',
    ]);
    expect(Object.keys(list?.responses['503']?.headers ?? {})).toEqual(['Retry-After']);
  });
});
