import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReportEnvironment, startReportEnvironment } from './support/report-environment.js';

const CHROMIUM = '/usr/bin/chromium';
// Only a developer machine without Chromium may skip; CI installs it (scripts/ensure-test-deps.sh).
const shouldSkip = !existsSync(CHROMIUM) && !process.env.CI;
if (shouldSkip) {
  console.warn(
    `Skipping the /dashboard browser test: ${CHROMIUM} is missing (scripts/ensure-test-deps.sh).`,
  );
}
/** Where the screenshot goes: docs/images when regenerating the README's, else a temporary folder. */
const SCREENSHOT_DIR = process.env.ORDERBRIDGE_SCREENSHOT_DIR;

interface RevenueReport {
  by: string;
  rows: Array<{
    period: string;
    provider: string;
    currency: string;
    orders: number;
    netMinor: number;
    byStatus: Record<string, number>;
  }>;
}

let environment: ReportEnvironment;
let browser: BrowserContext;
let profile: string;

async function api<Report>(path: string): Promise<Report> {
  const response = await fetch(`${environment.service.url}${path}`, {
    headers: { authorization: `Bearer ${environment.apiKey}` },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Report;
}

beforeAll(async () => {
  if (shouldSkip) return;
  environment = await startReportEnvironment({ seed: 5, orders: 120 });
  profile = mkdtempSync(join(tmpdir(), 'orderbridge-chromium-'));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  await environment?.stop();
});

describe.skipIf(shouldSkip)('/dashboard in headless Chromium', () => {
  it('asks for a key once, keeps it in sessionStorage only, and charts exactly the API’s reports', async () => {
    const page = await browser.newPage();
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    const response = await page.goto(`${environment.service.url}/dashboard`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");

    await page.fill('#api-key', environment.apiKey);
    await page.click('#key-form button[type=submit]');
    await page.waitForSelector('body[data-loaded="true"]', { timeout: 30_000 });

    // The key: in this tab's sessionStorage, nowhere else, and never in a URL.
    expect(await page.evaluate(() => sessionStorage.getItem('orderbridge.apiKey'))).toBe(
      environment.apiKey,
    );
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    expect(requests.filter((url) => url.includes(environment.apiKey))).toEqual([]);
    // Offline: every file and call is the service's own.
    expect(
      requests.filter(
        (url) => !url.startsWith(environment.service.url) && !url.startsWith('data:'),
      ),
    ).toEqual([]);

    // The dashboard groups by week unless told otherwise.
    const revenue = await api<RevenueReport>('/v1/reports/revenue?by=week');
    const queue = await api<{ byAge: unknown[] }>('/v1/reports/fulfillment');
    expect(revenue.rows.length).toBeGreaterThan(0);

    // Headline = the API's figure.
    const totalOrders = revenue.rows.reduce((sum, row) => sum + row.orders, 0);
    expect(await page.getAttribute('#headline-orders', 'data-value')).toBe(String(totalOrders));

    // Each chart has as many points as the report has rows, and a table of them.
    const points = (id: string) => page.getAttribute(`#${id}`, 'data-points');
    const tableRows = (id: string) => page.locator(`#${id} details tbody tr`).count();
    const currencies = [...new Set(revenue.rows.map((row) => row.currency))];
    expect(currencies.length).toBeGreaterThan(1);
    for (const currency of currencies) {
      const rows = revenue.rows.filter((row) => row.currency === currency);
      expect(await points(`chart-revenue-${currency}`)).toBe(String(rows.length));
      expect(await tableRows(`chart-revenue-${currency}`)).toBe(
        new Set(rows.map((row) => row.period)).size,
      );
      expect(await page.locator(`#chart-revenue-${currency} canvas`).count()).toBeGreaterThan(0);
    }
    const statusPoints = new Set(
      revenue.rows.flatMap((row) =>
        Object.keys(row.byStatus).map((status) => `${row.period}|${status}`),
      ),
    );
    expect(await points('chart-orders-by-status')).toBe(String(statusPoints.size));
    expect(await tableRows('chart-orders-by-status')).toBe(
      new Set(revenue.rows.map((row) => row.period)).size,
    );
    expect(await points('chart-queue-age')).toBe(String(queue.byAge.length));
    expect(await tableRows('chart-queue-age')).toBe(queue.byAge.length);

    const folder = SCREENSHOT_DIR ?? environment.folder;
    mkdirSync(folder, { recursive: true });
    await page.screenshot({ path: join(folder, 'dashboard.png'), fullPage: false });

    // Forgetting the key clears it and asks again.
    await page.click('#forget-key');
    expect(await page.evaluate(() => sessionStorage.getItem('orderbridge.apiKey'))).toBeNull();
    expect(await page.isVisible('#key-form')).toBe(true);
    await page.close();
  });

  it('a wrong key is refused, not kept, and the form says so', async () => {
    const page = await browser.newPage();
    await page.goto(`${environment.service.url}/dashboard`);
    await page.fill('#api-key', 'obk_not_a_valid_key_0000000000000000000000');
    await page.click('#key-form button[type=submit]');
    await page.waitForSelector('#sign-in-error:not(:empty)');
    expect(await page.evaluate(() => sessionStorage.getItem('orderbridge.apiKey'))).toBeNull();
    expect(await page.isVisible('#reports')).toBe(false);
    await page.close();
  });
});
