import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { ServiceEnv } from '../http/service-env.js';

/** Where the dashboard's own files are: `assets/dashboard/` of this package (shipped with it). */
const ASSETS = new URL('../../assets/dashboard/', import.meta.url);
const require = createRequire(import.meta.url);

/** The dashboard's files by path: its page, script and style, and uPlot's browser build. */
const FILES: Record<string, { url: () => URL; type: string }> = {
  '/dashboard': { url: () => new URL('index.html', ASSETS), type: 'text/html; charset=utf-8' },
  '/dashboard/dashboard.js': {
    url: () => new URL('dashboard.js', ASSETS),
    type: 'text/javascript; charset=utf-8',
  },
  '/dashboard/dashboard.css': {
    url: () => new URL('dashboard.css', ASSETS),
    type: 'text/css; charset=utf-8',
  },
  // uPlot (MIT), a small chart library, from the installed package: nothing comes from a CDN.
  '/dashboard/uplot.js': {
    url: () => pathToFileURL(require.resolve('uplot/dist/uPlot.iife.min.js')),
    type: 'text/javascript; charset=utf-8',
  },
  '/dashboard/uplot.css': {
    url: () => pathToFileURL(require.resolve('uplot/dist/uPlot.min.css')),
    type: 'text/css; charset=utf-8',
  },
};

/**
 * The page may load only this service's scripts and call only this service; uPlot sizes its
 * elements with inline styles, so styles may be inline. No framing (clickjacking).
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Registers `/dashboard` and its files. The page holds no data and needs no key to load: it asks
 * for the tenant's API key, keeps it in `sessionStorage` and calls `/v1/reports/…` with it.
 */
export function registerDashboardRoutes(app: OpenAPIHono<ServiceEnv>): void {
  const cache = new Map<string, Promise<Buffer>>();
  for (const [path, file] of Object.entries(FILES)) {
    app.get(path, async (context) => {
      let content = cache.get(path);
      if (content === undefined) {
        content = readFile(file.url());
        cache.set(path, content);
        content.catch(() => cache.delete(path));
      }
      return context.body(new Uint8Array(await content), 200, {
        'content-type': file.type,
        'cache-control': 'no-cache',
        'content-security-policy': CONTENT_SECURITY_POLICY,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
      });
    });
  }
}
