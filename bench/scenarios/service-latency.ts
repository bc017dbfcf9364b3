import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LoadResult, percentilesOf, steadyLoad } from '../lib/load-generator.ts';
import { BUILT } from '../lib/paths.ts';
import { processCpuMs } from '../lib/process-cpu.ts';
import { startSandboxProcess, stopChild } from '../lib/sandbox-process.ts';
import { type Figure, type Goal, ratioOf, type Scenario } from '../lib/scenario-result.ts';
import { round } from '../lib/statistics.ts';

const LATENCY_MS = 50;
const LIMIT = 50;
const RATE_PER_SECOND = 20;
/**
 * autocannon's rate limit is a per-connection budget per second (a connection sends back to back
 * until it has used its share of the second, then waits for the next second), so a steady load
 * needs few connections: 2 connections × 10 requests/s keep about one request in flight.
 */
const CONNECTIONS = 2;
/** The burst run: every connection fires its 2 requests at the start of each second. */
const BURST_CONNECTIONS = 10;
const CURSOR_PAGES = 40;
const GOAL_P99_OVERHEAD_MS = 5;

/**
 * Service: added latency of `GET /v1/orders` over a 50 ms upstream at a steady request rate,
 * against the same requests sent straight to the sandbox's FlexPortal endpoint, for first pages
 * and for cursor follow-ups.
 */
export const serviceLatency: Scenario = async (context) => {
  const durationSeconds = context.quick ? 5 : 20;
  context.log(`service: sandbox process (FlexPortal, ${LATENCY_MS} ms latency)`);
  const sandbox = await startSandboxProcess({
    flexportalOrders: 10_000,
    flexfactorOrders: 0,
    latencyMs: LATENCY_MS,
  });
  const directory = await mkdtemp(join(tmpdir(), 'orderbridge-bench-service-'));
  const apiKey = `obk_bench_${randomBytes(24).toString('hex')}`;
  const { flexportal } = sandbox.settings;
  const tenantsFile = join(directory, 'tenants.json');
  await writeFile(
    tenantsFile,
    JSON.stringify({
      tenants: [
        {
          id: 'bench',
          apiKeys: [{ id: 'bench', sha256: createHash('sha256').update(apiKey).digest('hex') }],
          providers: [
            {
              type: 'flexportal',
              apiKey: flexportal.apiKey,
              tenantId: flexportal.tenantId,
              baseUrl: flexportal.baseUrl,
            },
          ],
          // The service's per-key limit (default 600/min) must not shape the measured load.
          rateLimit: { requestsPerMinute: 1_000_000 },
        },
      ],
    }),
  );
  const port = await freePort();
  const serviceUrl = `http://127.0.0.1:${port}`;
  context.log(`service: starting orderbridge-service on ${serviceUrl}`);
  const service = spawn(
    process.execPath,
    [BUILT.serviceBin, '--tenants', tenantsFile, '--port', String(port), '--host', '127.0.0.1'],
    {
      // Request logs go to /dev/null: written as in production (LOG_LEVEL=info), read by no one.
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        ...process.env,
        ORDERBRIDGE_CURSOR_SECRET: randomBytes(48).toString('base64'),
        LOG_LEVEL: 'info',
      },
    },
  );
  let serviceStderr = '';
  service.stderr?.on('data', (chunk: Buffer) => {
    serviceStderr += chunk.toString('utf8');
  });
  const serviceExited = new Promise<void>((resolve) => service.once('exit', () => resolve()));
  try {
    await waitForHealth(serviceUrl, () => serviceStderr);
    const serviceHeaders = { authorization: `Bearer ${apiKey}` };
    const sandboxHeaders = {
      authorization: `Bearer ${flexportal.apiKey}`,
      'tenant-id': flexportal.tenantId,
    };
    const sandboxOrigin = new URL(flexportal.baseUrl);
    const sandboxPrefix = sandboxOrigin.pathname.replace(/\/$/, '');
    const serviceFirst = `/v1/orders?limit=${LIMIT}&provider=flexportal`;
    const sandboxFirst = `${sandboxPrefix}/v1/orders?limit=${LIMIT}&sortBy=createdAt&sortDir=desc`;

    context.log('service: collecting cursors for follow-up pages');
    const serviceFollowUps = await collectPaths(CURSOR_PAGES, async (cursor) => {
      const path = cursor ? `${serviceFirst}&cursor=${encodeURIComponent(cursor)}` : serviceFirst;
      const body = (await getJson(`${serviceUrl}${path}`, serviceHeaders)) as {
        nextCursor: string | null;
      };
      return { path, next: body.nextCursor };
    });
    const sandboxFollowUps = await collectPaths(CURSOR_PAGES, async (cursor) => {
      const path = cursor
        ? `${sandboxFirst}&startAfter=${encodeURIComponent(cursor)}`
        : sandboxFirst;
      const body = (await getJson(`${sandboxOrigin.origin}${path}`, sandboxHeaders)) as {
        nextCursor: string | null;
      };
      return { path, next: body.nextCursor };
    });

    const load = (
      url: string,
      paths: readonly string[],
      headers: Record<string, string>,
      connections = CONNECTIONS,
    ) =>
      steadyLoad({
        url,
        paths,
        headers,
        ratePerSecond: RATE_PER_SECOND,
        connections,
        durationSeconds,
      });
    context.log('service: warm-up');
    await steadyLoad({
      url: serviceUrl,
      paths: [serviceFirst, ...serviceFollowUps],
      headers: serviceHeaders,
      ratePerSecond: RATE_PER_SECOND,
      connections: CONNECTIONS,
      durationSeconds: 3,
    });

    context.log(`service: first pages, ${durationSeconds} s each at ${RATE_PER_SECOND} req/s`);
    await sandbox.control.resetStats();
    const directFirst = await load(sandboxOrigin.origin, [sandboxFirst], sandboxHeaders);
    const upstreamBefore = (await sandbox.control.stats()).flexportal.routes.listOrders;
    const serviceCpuBefore = processCpuMs(service.pid!);
    const viaServiceFirst = await load(serviceUrl, [serviceFirst], serviceHeaders);
    const serviceCpuMs =
      (processCpuMs(service.pid!) ?? Number.NaN) - (serviceCpuBefore ?? Number.NaN);
    const upstreamFirst =
      (await sandbox.control.stats()).flexportal.routes.listOrders - upstreamBefore;

    context.log('service: cursor follow-ups');
    const directFollow = await load(sandboxOrigin.origin, sandboxFollowUps, sandboxHeaders);
    const followBefore = (await sandbox.control.stats()).flexportal.routes.listOrders;
    const viaServiceFollow = await load(serviceUrl, serviceFollowUps, serviceHeaders);
    const upstreamFollow =
      (await sandbox.control.stats()).flexportal.routes.listOrders - followBefore;

    context.log(
      `service: bursts (${BURST_CONNECTIONS} connections at the same ${RATE_PER_SECOND} req/s)`,
    );
    const directBurst = await load(
      sandboxOrigin.origin,
      [sandboxFirst],
      sandboxHeaders,
      BURST_CONNECTIONS,
    );
    const burstBefore = (await sandbox.control.stats()).flexportal.routes.listOrders;
    const viaServiceBurst = await load(
      serviceUrl,
      [serviceFirst],
      serviceHeaders,
      BURST_CONNECTIONS,
    );
    const upstreamBurst =
      (await sandbox.control.stats()).flexportal.routes.listOrders - burstBefore;

    const figures: Figure[] = [];
    const goals: Goal[] = [];
    const addPair = (
      label: string,
      viaService: LoadResult,
      direct: LoadResult,
      upstreamRequests: number,
      hasGoal = true,
    ) => {
      const service = percentilesOf(viaService);
      const upstream = percentilesOf(direct);
      const overhead50 = service.p50 - upstream.p50;
      const overhead99 = service.p99 - upstream.p99;
      const failures = viaService.non2xx + viaService.errors + direct.non2xx + direct.errors;
      figures.push(
        {
          label: `${label}: service p50`,
          value: round(service.p50, 2),
          unit: 'ms',
          baseline: {
            label: 'the same request straight to the sandbox, p50',
            value: round(upstream.p50, 2),
          },
          ratio: ratioOf(service.p50, upstream.p50),
        },
        {
          label: `${label}: service p99`,
          value: round(service.p99, 2),
          unit: 'ms',
          baseline: {
            label: 'the same request straight to the sandbox, p99',
            value: round(upstream.p99, 2),
          },
          ratio: ratioOf(service.p99, upstream.p99),
        },
        {
          label: `${label}: added latency p50 (service p50 − upstream p50)`,
          value: round(overhead50, 2),
          unit: 'ms',
        },
        {
          label: `${label}: added latency p99 (service p99 − upstream p99)`,
          value: round(overhead99, 2),
          unit: 'ms',
          baseline: { label: 'goal', value: GOAL_P99_OVERHEAD_MS },
          ratio: ratioOf(overhead99, GOAL_P99_OVERHEAD_MS),
        },
        {
          label: `${label}: upstream requests per service request`,
          value: round(upstreamRequests / Math.max(1, viaService.latencies.length), 3),
          unit: 'requests',
        },
        {
          label: `${label}: 2xx responses measured, service vs direct (${failures} non-2xx or errors)`,
          value: viaService.latencies.length,
          unit: 'responses',
          baseline: { label: 'direct responses measured', value: direct.latencies.length },
          ratio: ratioOf(viaService.latencies.length, direct.latencies.length),
        },
      );
      if (!hasGoal) return;
      goals.push({
        text: `${label}: added latency p99 ≤ ${GOAL_P99_OVERHEAD_MS} ms`,
        met: overhead99 <= GOAL_P99_OVERHEAD_MS && failures === 0,
        detail: `p99 ${round(service.p99, 1)} ms via the service vs ${round(upstream.p99, 1)} ms direct: +${round(overhead99, 2)} ms (p50 +${round(overhead50, 2)} ms)${overhead99 > GOAL_P99_OVERHEAD_MS ? `, ${round(overhead99 - GOAL_P99_OVERHEAD_MS, 2)} ms over the goal` : ''}${failures > 0 ? `; ${failures} failed requests` : ''}`,
      });
    };
    addPair('first page', viaServiceFirst, directFirst, upstreamFirst);
    addPair('cursor follow-up', viaServiceFollow, directFollow, upstreamFollow);
    addPair(
      `first page in bursts (${BURST_CONNECTIONS} connections; no goal)`,
      viaServiceBurst,
      directBurst,
      upstreamBurst,
      false,
    );
    figures.push({
      label: 'service CPU per request (first pages, whole process)',
      value: round(serviceCpuMs / Math.max(1, viaServiceFirst.sent), 2),
      unit: 'ms',
    });
    return {
      name: 'service',
      title: 'Service: added latency over a 50 ms upstream',
      parameters: {
        latencyMs: LATENCY_MS,
        limit: LIMIT,
        ratePerSecond: RATE_PER_SECOND,
        connections: CONNECTIONS,
        burstConnections: BURST_CONNECTIONS,
        durationSeconds,
        cursorPages: CURSOR_PAGES,
      },
      figures,
      goals,
      notes: [
        `Load: autocannon at ${RATE_PER_SECOND} requests/s (overallRate) over ${CONNECTIONS} keep-alive connections for ${durationSeconds} s per phase, in this order: sandbox direct, service (first pages), then the same for cursor follow-ups, then both again with ${BURST_CONNECTIONS} connections. autocannon's rate limit is a budget per connection per second, so with ${CONNECTIONS} connections each sends its ${RATE_PER_SECOND / CONNECTIONS} requests back to back (about one request in flight, a steady load), while ${BURST_CONNECTIONS} connections fire ${RATE_PER_SECOND} requests together at the start of every second (bursts, reported without a goal). Percentiles are computed from every 2xx response time autocannon reports (float ms), not from its whole-millisecond histogram.`,
        `Service: orderbridge-service with a tenants file (one tenant, FlexPortal only, pointing at a sandbox process with ${LATENCY_MS} ms latency), LOG_LEVEL=info with the logs sent to /dev/null, the per-key rate limit raised out of the way. Upstream baseline: GET /flexportal/v1/orders?limit=${LIMIT} straight to the same sandbox with the provider's headers.`,
        `Added latency = service percentile − upstream percentile at the same rate (a difference of percentiles, not a percentile of differences). Follow-ups: ${CURSOR_PAGES} consecutive pages' cursors, requested in turn; with limit ${LIMIT} (= the provider page size) each service page ends on a provider page boundary, so a follow-up needs exactly one upstream request (see "upstream requests per service request").`,
      ],
    };
  } finally {
    await stopChild(service, serviceExited);
    await sandbox.stop();
    await rm(directory, { recursive: true, force: true });
  }
};

async function collectPaths(
  pages: number,
  fetchPage: (cursor: string | null) => Promise<{ path: string; next: string | null }>,
): Promise<string[]> {
  const paths: string[] = [];
  let cursor: string | null = null;
  // The first page is measured separately: follow-ups start at page 2.
  ({ next: cursor } = await fetchPage(null));
  while (paths.length < pages && cursor) {
    const page = await fetchPage(cursor);
    paths.push(page.path);
    cursor = page.next;
  }
  return paths;
}

async function getJson(url: string, headers: Record<string, string>): Promise<unknown> {
  const response = await fetch(url, { headers });
  const text = await response.text();
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

async function waitForHealth(url: string, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the service did not become healthy within 30 s: ${stderr().trim()}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
