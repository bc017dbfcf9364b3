import { describe, expect, it } from 'vitest';
import { createTestApp } from '../test-support/test-app.js';

describe('/dashboard', () => {
  it.each([
    ['/dashboard', 'text/html', '<title>OrderBridge dashboard</title>'],
    ['/dashboard/dashboard.js', 'text/javascript', 'sessionStorage.getItem(KEY_STORAGE)'],
    ['/dashboard/dashboard.css', 'text/css', '.headline'],
    ['/dashboard/uplot.js', 'text/javascript', 'uPlot'],
    ['/dashboard/uplot.css', 'text/css', '.uplot'],
  ])(
    'serves %s from the package, with a same-origin-only policy and no key',
    async (path, type, content) => {
      const { app } = createTestApp();
      const response = await app.request(path);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain(type);
      expect(response.headers.get('content-security-policy')).toContain("connect-src 'self'");
      expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(await response.text()).toContain(content);
    },
  );

  it('loads nothing from elsewhere: every script and style of the page is the service’s own', async () => {
    const { app } = createTestApp();
    const html = await (await app.request('/dashboard')).text();
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]);
    expect(sources.length).toBeGreaterThan(3);
    expect(
      sources.filter((source) => !source?.startsWith('/dashboard/') && source !== 'data:,'),
    ).toEqual([]);
  });
});
