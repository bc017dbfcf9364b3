import { request as httpRequest } from 'node:http';
import type { Order } from '@orderbridge/core';
import type { Sandbox } from '@orderbridge/sandbox';
import { createCursorSigner } from '@orderbridge/service';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { evidence } from '../support/evidence.js';
import { runOptions } from '../support/run-options.js';
import {
  SERVICE_KEYS,
  type ServiceProcess,
  startServiceProcess,
} from '../support/service-process.js';
import {
  duplicates,
  flexFactorTruth,
  flexPortalTruth,
  keysInOrder,
  startSuiteSandbox,
} from '../support/suite-sandbox.js';

/** Scan budget the service runs with: small, so the fan-out case shows it. */
const SCAN_PAGES = 4;
/** Request deadline the service runs with. */
const DEADLINE_MS = 2_000;
/** Largest problem body any hostile query may produce. */
const MAX_PROBLEM_BYTES = 4_096;

interface Page {
  orders: Order[];
  nextCursor: string | null;
  warnings: Array<{ code: string; message: string; provider?: string }>;
  errors?: Array<Record<string, unknown>>;
}

/**
 * The HTTP service as a process (`orderbridge-service --tenants ...`) in front of the sandbox, over
 * real HTTP on loopback: upstream 429/5xx/resets are retried into exact pages; beyond the retries,
 * a timeout or the request deadline, the answer is a problem naming the provider and never the
 * upstream host; `partial=true` answers with the other provider and resumes the failed one; forged,
 * foreign and expired cursors are refused with their own problems; a filter FlexPortal cannot
 * apply scans within the scan budget; hostile queries, headers and ids get small problems and
 * reach no provider.
 */
export function describeServiceHttp(): void {
  describe('the HTTP service as a process, over HTTP', () => {
    let sandbox: Sandbox;
    let service: ServiceProcess;
    let truth: Order[];
    let portalTruth: Order[];

    beforeAll(async () => {
      sandbox = await startSuiteSandbox({ flexportal: 1000, flexfactor: 80, seed: 91 });
      portalTruth = flexPortalTruth(sandbox).orders;
      truth = [...portalTruth, ...flexFactorTruth(sandbox).orders];
      service = await startServiceProcess(sandbox, {
        ORDERBRIDGE_SCAN_MAX_PAGE_REQUESTS: String(SCAN_PAGES),
        ORDERBRIDGE_REQUEST_DEADLINE_MS: String(DEADLINE_MS),
      });
    });
    afterEach(() => sandbox.faults.clear());
    afterAll(async () => {
      await service?.stop();
      await sandbox?.close();
    });

    /** A page as JSON, recorded for the canary sweep. */
    const read = async (response: Response, label: string) => {
      const text = await response.text();
      evidence.add(`service ${label}`, text);
      return { status: response.status, headers: response.headers, text, body: JSON.parse(text) };
    };
    /** A problem answer: problem+json, bounded, naming no upstream host. */
    const problem = async (response: Response, label: string, status: number, name: string) => {
      const result = await read(response, label);
      expect(result.status, result.text).toBe(status);
      expect(result.headers.get('content-type')).toBe('application/problem+json');
      expect(result.body.type).toBe(`https://orderbridge.dev/problems/${name}`);
      expect(Buffer.byteLength(result.text)).toBeLessThanOrEqual(MAX_PROBLEM_BYTES);
      const upstream = new URL(sandbox.url);
      expect(result.text).not.toContain(upstream.host);
      expect(result.text).not.toMatch(/\/v1\/orders\?|\/orders\/search|oauth2/);
      return result.body as Record<string, unknown>;
    };
    const firstKeys = (count: number) => keysInOrder(truth).slice(0, count);

    it('upstream 429, 5xx bursts and resets within the retries: the exact page', async () => {
      for (const faults of [
        { failNext: { count: 2, status: 429 } },
        { failNext: { count: 2, status: 502 } },
        { resetNext: 2 },
      ] as const) {
        sandbox.faults.set('flexportal', faults);
        sandbox.faults.set('flexfactor', faults);
        const page = await read(await service.get('/v1/orders?limit=25'), 'retried');
        expect(page.status, page.text).toBe(200);
        expect((page.body as Page).orders.map((order) => order.key)).toEqual(firstKeys(25));
        sandbox.faults.clear();
      }
    });

    it('beyond the retries: 503 naming the provider, its Retry-After clamped, no upstream detail', async () => {
      sandbox.faults.set('flexfactor', {
        failNext: { count: 10_000, status: 503, retryAfter: '99999999999999999999' },
      });
      const response = await service.get('/v1/orders');
      const body = await problem(response, 'down 503', 503, 'provider-unavailable');
      expect(body).toMatchObject({
        provider: 'flexfactor',
        kind: 'unavailable',
        providerStatus: 503,
      });
      expect(response.headers.get('retry-after')).toBe('3600');

      sandbox.faults.set('flexfactor', {
        failNext: { count: 10_000, status: 429, retryAfter: '120' },
      });
      const limited = await service.get('/v1/orders');
      await problem(limited, 'down 429', 503, 'provider-unavailable');
      expect(limited.headers.get('retry-after')).toBe('120');
    });

    it('a provider that does not answer in time: 504 at the request deadline, upstream calls aborted', async () => {
      sandbox.faults.set('flexportal', { latencyMs: DEADLINE_MS * 3 });
      const body = await problem(
        await service.get('/v1/orders'),
        'deadline',
        504,
        'deadline-exceeded',
      );
      expect(body.detail).toContain(`${DEADLINE_MS} ms`);
    });

    it('provider down with partial=true: the other provider exactly, then the failed one resumes from the cursor', async () => {
      sandbox.faults.set('flexfactor', {
        failNext: { count: 10_000, status: 503, retryAfter: '99999' },
      });
      const first = await read(await service.get('/v1/orders?limit=30&partial=true'), 'partial');
      expect(first.status, first.text).toBe(200);
      const page = first.body as Page;
      expect(page.orders.map((order) => order.key)).toEqual(keysInOrder(portalTruth).slice(0, 30));
      expect(page.errors).toEqual([
        expect.objectContaining({ provider: 'flexfactor', status: 503, providerStatus: 503 }),
      ]);
      sandbox.faults.clear();
      const keys = page.orders.map((order) => order.key);
      let cursor = page.nextCursor;
      for (let call = 0; cursor !== null && call < 200; call++) {
        const next = await read(
          await service.get(`/v1/orders?limit=100&partial=true&cursor=${cursor}`),
          'partial resume',
        );
        expect(next.status, next.text).toBe(200);
        keys.push(...(next.body as Page).orders.map((order) => order.key));
        cursor = (next.body as Page).nextCursor;
      }
      expect(cursor).toBeNull();
      expect(duplicates(keys)).toEqual([]);
      expect(new Set(keys)).toEqual(new Set(truth.map((order) => order.key)));
    });

    it('forged, altered, foreign and expired cursors: 400 with their own problems', async () => {
      const page = (await (await service.get('/v1/orders?limit=5')).json()) as Page;
      const cursor = page.nextCursor!;
      const [payload] = cursor.split('.');
      const forged = [
        'garbage',
        `${cursor.slice(0, -1)}${cursor.endsWith('A') ? 'B' : 'A'}`,
        `${payload}.${cursor.split('.')[1]}.${'A'.repeat(43)}`,
        payload!,
      ];
      for (const candidate of forged) {
        await problem(
          await service.get(`/v1/orders?limit=5&cursor=${encodeURIComponent(candidate)}`),
          'forged cursor',
          400,
          'invalid-cursor',
        );
      }
      // Another tenant's key: the signature binds the cursor to its tenant.
      await problem(
        await service.get(`/v1/orders?limit=5&cursor=${cursor}`, SERVICE_KEYS.other),
        'foreign cursor',
        400,
        'invalid-cursor',
      );
      // The same position, signed by this deployment two days ago.
      const old = createCursorSigner(service.cursorSecret, {
        now: () => Date.now() - 2 * 86_400_000,
      }).sign('main', payload!);
      const expired = await problem(
        await service.get(`/v1/orders?limit=5&cursor=${old}`),
        'expired cursor',
        400,
        'cursor-expired',
      );
      expect(expired.errors).toEqual([{ field: 'cursor', message: 'has expired' }]);
    });

    it('a filter FlexPortal cannot apply: each call stays within the scan budget, and the cursors finish the scan', async () => {
      sandbox.resetStats();
      const listRequests = () => {
        const stats = sandbox.stats();
        return stats.flexportal.routes.listOrders + stats.flexfactor.routes.listOrders;
      };
      let cursor: string | null = null;
      let calls = 0;
      const found: string[] = [];
      do {
        const before = listRequests();
        const path: string = `/v1/orders?search=zzz-no-such-order&limit=1${cursor ? `&cursor=${cursor}` : ''}`;
        const page = await read(await service.get(path), 'scan');
        expect(page.status, page.text).toBe(200);
        expect(listRequests() - before).toBeLessThanOrEqual(SCAN_PAGES);
        const body = page.body as Page;
        found.push(...body.orders.map((order) => order.key));
        if (body.nextCursor !== null) {
          expect(body.warnings.map((warning) => warning.code)).toContain('scan-budget-exhausted');
        }
        cursor = body.nextCursor;
        calls += 1;
      } while (cursor !== null && calls < 50);
      expect(cursor).toBeNull();
      expect(found).toEqual([]);
      // FlexPortal's 1,000 orders are read at its largest page (100): 10 pages, not 1,000.
      expect(sandbox.stats().flexportal.routes.listOrders).toBeLessThanOrEqual(10 + calls);
    });

    it('a filter a provider can never match is answered without asking it', async () => {
      sandbox.resetStats();
      const page = await read(
        await service.get('/v1/orders?merchantId=m_1&provider=flexportal'),
        'never',
      );
      expect(page.status, page.text).toBe(200);
      expect((page.body as Page).orders).toEqual([]);
      expect(sandbox.stats().flexportal.requests).toBe(0);
    });

    it('oversized queries and headers: small problems', async () => {
      await problem(
        await service.get(`/v1/orders?status=${','.repeat(15_000)}`),
        'commas',
        400,
        'invalid-query',
      );
      const unknown = Array.from({ length: 1000 }, (_, index) => `x${index}=1`).join('&');
      await problem(await service.get(`/v1/orders?${unknown}`), 'unknown', 400, 'invalid-query');
      // Past Node's header limit: answered by the server itself, still as problem+json.
      const oversized = await rawGet(service.url, '/healthz', { 'x-filler': 'a'.repeat(32_000) });
      expect(oversized.status).toBe(431);
      expect(oversized.headers['content-type']).toBe('application/problem+json');
      expect(JSON.parse(oversized.body).type).toBe(
        'https://orderbridge.dev/problems/headers-too-large',
      );
    });

    it('random query strings over the wire: never a 5xx, every error a small problem+json (fast-check)', async () => {
      const parameter = fc.constantFrom(
        'status',
        'paymentStatus',
        'createdFrom',
        'createdTo',
        'search',
        'sort',
        'limit',
        'cursor',
        'provider',
        'partial',
        'merchantId',
        'x',
      );
      // Raw bytes, not encoded: whatever a client may put on the request line.
      const raw = fc.stringMatching(/^[A-Za-z0-9%,.:+\-_=&;~!*'()[\]]{0,300}$/);
      await fc.assert(
        fc.asyncProperty(fc.array(fc.tuple(parameter, raw), { maxLength: 8 }), async (pairs) => {
          const query = pairs.map(([name, value]) => `${name}=${value}`).join('&');
          const response = await service.get(`/v1/orders?${query}`);
          const text = await response.text();
          expect(response.status, query).toBeLessThan(500);
          if (response.status >= 400) {
            expect(response.headers.get('content-type'), query).toBe('application/problem+json');
            expect(Buffer.byteLength(text), query).toBeLessThanOrEqual(MAX_PROBLEM_BYTES);
          }
        }),
        runOptions(150),
      );
    });

    it('path-trick order ids: 400 before any upstream request; trailing slashes 404', async () => {
      sandbox.resetStats();
      for (const key of [
        'flexportal:.',
        'flexportal:..',
        'flexfactor:..',
        'flexportal:a%2Fb',
        'flexfactor:%2E%2E',
        'flexportal:a%0Ab',
      ]) {
        await problem(await service.get(`/v1/orders/${key}`), `id ${key}`, 400, 'invalid-query');
      }
      const stats = sandbox.stats();
      expect(stats.flexportal.requests + stats.flexfactor.requests).toBe(0);
      for (const path of ['/v1/orders/', '/healthz/', '/metrics/']) {
        await problem(await service.get(path), `slash ${path}`, 404, 'not-found');
      }
    });
  });
}

/** A GET over node:http (fetch refuses nothing, but this reads the raw answer of the server). */
function rawGet(
  base: string,
  path: string,
  headers: Record<string, string>,
): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(new URL(path, base), { headers }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
      );
    });
    request.on('error', reject);
    request.end();
  });
}
