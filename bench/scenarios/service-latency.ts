import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { getPriority, loadavg, setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  burstLoad,
  type LoadResult,
  mergeLoadResults,
  percentilesOf,
  steadyLoad,
} from '../lib/load-generator.ts';
import { BUILT } from '../lib/paths.ts';
import { processCpuMs } from '../lib/process-cpu.ts';
import { startSandboxProcess, stopChild } from '../lib/sandbox-process.ts';
import { type Figure, type Goal, ratioOf, type Scenario } from '../lib/scenario-result.ts';
import { quantile, round } from '../lib/statistics.ts';

const LATENCY_MS = 50;
const LIMIT = 50;
/**
 * Requests per second, evenly spaced (one every 50 ms): with ≈ 10 ms of service CPU per request the
 * service, the sandbox and the load generator together use well under one of the two cores, so
 * the measurement shows the service's own overhead rather than the three processes starving each
 * other.
 */
const RATE_PER_SECOND = 20;
/** The burst run: every connection fires its 2 requests at the start of each second. */
const BURST_CONNECTIONS = 10;
const CURSOR_PAGES = 40;
const GOAL_P99_OVERHEAD_MS = 5;
/**
 * Each comparison alternates direct and service blocks (A B A B …) so that a noisy neighbour
 * hits both alike; the latencies of a side's blocks are pooled.
 */
const BLOCKS = 4;
/**
 * Nice value of the load generator, the sandbox and the service while they are measured (see
 * `raisePriority`).
 */
const MEASUREMENT_NICE = -10;
/** Pause between blocks, so that nothing of one block is still running when the next starts. */
const SETTLE_MS = 500;

/**
 * Service: added latency of `GET /v1/orders` over a 50 ms upstream at a steady request rate,
 * against the same requests sent straight to the sandbox's FlexPortal endpoint, for first pages
 * and for cursor follow-ups.
 */
export const serviceLatency: Scenario = async (context) => {
  // Raised before the sandbox and the service are spawned: children (and all their threads)
  // inherit this thread's nice value.
  const previousPriority = getPriority();
  const priority = raisePriority(MEASUREMENT_NICE);
  context.log(
    priority.raised
      ? `service: measuring at nice ${MEASUREMENT_NICE} (load generator, sandbox, service)`
      : `service: could not raise the priority (${priority.reason}); measuring at nice ${previousPriority}`,
  );
  try {
    return await measure(context, priority);
  } finally {
    if (priority.raised) setPriority(previousPriority);
  }
};

async function measure(
  context: Parameters<Scenario>[0],
  priority: PriorityOutcome,
): ReturnType<Scenario> {
  const blocks = context.quick ? 1 : BLOCKS;
  const blockSeconds = 5;
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

    context.log('service: warm-up');
    await steadyLoad({
      url: serviceUrl,
      paths: [serviceFirst, ...serviceFollowUps],
      headers: serviceHeaders,
      ratePerSecond: RATE_PER_SECOND,
      durationSeconds: 3,
    });
    await steadyLoad({
      url: sandboxOrigin.origin,
      paths: [sandboxFirst, ...sandboxFollowUps],
      headers: sandboxHeaders,
      ratePerSecond: RATE_PER_SECOND,
      durationSeconds: 1,
    });

    const processes = { service: service.pid!, sandbox: sandbox.pid };
    const upstreamRequests = async () =>
      (await sandbox.control.stats()).flexportal.routes.listOrders;
    /** Steady or burst load of the same paths, direct and via the service, block by block. */
    const compare = (
      directPaths: readonly string[],
      servicePaths: readonly string[],
      shape: 'steady' | { connections: number },
    ) =>
      compareInBlocks({
        blocks,
        processes,
        upstreamRequests,
        run: (target) => {
          const options = {
            url: target === 'direct' ? sandboxOrigin.origin : serviceUrl,
            paths: target === 'direct' ? directPaths : servicePaths,
            headers: target === 'direct' ? sandboxHeaders : serviceHeaders,
            ratePerSecond: RATE_PER_SECOND,
            durationSeconds: blockSeconds,
          };
          return shape === 'steady'
            ? steadyLoad(options)
            : burstLoad({ ...options, connections: shape.connections });
        },
      });

    context.log(
      `service: first pages, ${blocks} × ${blockSeconds} s each side at ${RATE_PER_SECOND} req/s, evenly spaced`,
    );
    const first = await compare([sandboxFirst], [serviceFirst], 'steady');
    context.log('service: cursor follow-ups');
    const follow = await compare(sandboxFollowUps, serviceFollowUps, 'steady');
    context.log(
      `service: bursts (${BURST_CONNECTIONS} connections at the same ${RATE_PER_SECOND} req/s)`,
    );
    const burst = await compare([sandboxFirst], [serviceFirst], {
      connections: BURST_CONNECTIONS,
    });
    const durationSeconds = blocks * blockSeconds;

    const figures: Figure[] = [];
    const goals: Goal[] = [];
    const addPair = (label: string, comparison: Comparison, hasGoal = true) => {
      const { service: viaService, direct } = comparison;
      const service = percentilesOf(viaService);
      const upstream = percentilesOf(direct);
      const overhead50 = service.p50 - upstream.p50;
      const overhead99 = service.p99 - upstream.p99;
      const failures = viaService.non2xx + viaService.errors + direct.non2xx + direct.errors;
      const machine = comparison.machine;
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
          label: `${label}: service CPU per request (whole process)`,
          value: round(comparison.serviceCpuMs / Math.max(1, viaService.sent), 2),
          unit: 'ms',
        },
        {
          label: `${label}: upstream requests per service request`,
          value: round(
            comparison.upstreamRequests /
              Math.max(1, viaService.latencies.length + viaService.non2xx),
            3,
          ),
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
      const lateness = viaService.sendLateness ?? [];
      if (lateness.length > 0) {
        figures.push({
          label: `${label}: load generator, service requests sent late against their schedule, p99 (max)`,
          value: round(quantile(lateness, 0.99), 2),
          unit: 'ms',
          spread: {
            min: round(Math.min(...lateness), 2),
            max: round(Math.max(...lateness), 2),
            runs: lateness.length,
          },
        });
      }
      if (machine) {
        figures.push({
          label: `${label}: CPU in use on the machine during the service blocks (% of one core; ${machine.cores} cores)`,
          value: round(machine.busyPercent, 1),
          unit: '%',
          breakdown: {
            service: round(machine.servicePercent, 1),
            sandbox: round(machine.sandboxPercent, 1),
            'load generator (this process)': round(machine.benchPercent, 1),
            'other processes': round(
              machine.busyPercent -
                machine.servicePercent -
                machine.sandboxPercent -
                machine.benchPercent,
              1,
            ),
          },
        });
      }
      if (!hasGoal) return;
      goals.push({
        text: `${label}: added latency p99 ≤ ${GOAL_P99_OVERHEAD_MS} ms`,
        met: overhead99 <= GOAL_P99_OVERHEAD_MS && failures === 0,
        detail: `p99 ${round(service.p99, 1)} ms via the service vs ${round(upstream.p99, 1)} ms direct: +${round(overhead99, 2)} ms (p50 +${round(overhead50, 2)} ms)${overhead99 > GOAL_P99_OVERHEAD_MS ? `, ${round(overhead99 - GOAL_P99_OVERHEAD_MS, 2)} ms over the goal` : ''}${failures > 0 ? `; ${failures} failed requests` : ''}`,
      });
    };
    addPair('first page', first);
    addPair('cursor follow-up', follow);
    addPair(`first page in bursts (${BURST_CONNECTIONS} connections; no goal)`, burst, false);
    const loads = [first, follow, burst].flatMap((comparison) => comparison.loadAverages);
    return {
      name: 'service',
      title: 'Service: added latency over a 50 ms upstream',
      parameters: {
        latencyMs: LATENCY_MS,
        limit: LIMIT,
        ratePerSecond: RATE_PER_SECOND,
        blocks,
        blockSeconds,
        durationSeconds,
        burstConnections: BURST_CONNECTIONS,
        cursorPages: CURSOR_PAGES,
        nice: priority.raised ? MEASUREMENT_NICE : getPriority(),
      },
      figures,
      goals,
      notes: [
        `Load: ${RATE_PER_SECOND} requests/s evenly spaced: request i leaves at start + i × ${1000 / RATE_PER_SECOND} ms whether or not earlier ones are answered (open loop), over a pool of keep-alive connections (node:http Agent), response time = request written → last body byte read. autocannon cannot send evenly spaced requests (its per-connection rate limit sends each connection's share of a second back to back, and its connections start each second together: 20 requests/s over 2 connections arrive as simultaneous pairs, so every other request waited for the previous one's CPU). Direct and service runs alternate in ${blocks} block(s) of ${blockSeconds} s per side (A B A B …, ${durationSeconds} s per side in all, pooled): first pages, then cursor follow-ups, then bursts — autocannon, ${BURST_CONNECTIONS} connections firing their share of each second together (reported without a goal). Every request of a block is answered before the next block starts.`,
        `Service: orderbridge-service with a tenants file (one tenant, FlexPortal only, pointing at a sandbox process with ${LATENCY_MS} ms latency), LOG_LEVEL=info with the logs sent to /dev/null, the per-key rate limit raised out of the way. Upstream baseline: GET /flexportal/v1/orders?limit=${LIMIT} straight to the same sandbox with the provider's headers.`,
        `Added latency = service percentile − upstream percentile at the same rate (a difference of percentiles, not a percentile of differences). Follow-ups: ${CURSOR_PAGES} consecutive pages' cursors, requested in turn; with limit ${LIMIT} (= the provider page size) each service page ends on a provider page boundary, so a follow-up needs exactly one upstream request (see "upstream requests per service request").`,
        `CPU: at this rate the three processes of the measurement need well under one of the two cores, so on a quiet machine nothing competes. On a shared machine other jobs do, and a request that waits for a core measures the neighbours, not the service; so the load generator, the sandbox and the service run at nice ${MEASUREMENT_NICE} (${priority.raised ? 'raised in this run' : `not raised in this run: ${priority.reason}`}), all three alike, so the direct baseline gets the same treatment. No process is pinned to a core: pinning cannot keep other jobs off a core and would stop the service from moving to the idler one. The machine's CPU use during the service blocks is shown with each process's share (from /proc/stat and /proc/<pid>/stat); 1-minute load average over the blocks: ${round(Math.min(...loads), 2)} – ${round(Math.max(...loads), 2)}.`,
      ],
    };
  } finally {
    await stopChild(service, serviceExited);
    await sandbox.stop();
    await rm(directory, { recursive: true, force: true });
  }
}

/** Whether {@link raisePriority} could raise this thread's priority, and if not why. */
type PriorityOutcome = { raised: true } | { raised: false; reason: string };

/**
 * Sets this thread's nice value (lower = higher priority; below 0 needs CAP_SYS_NICE, e.g. root).
 * The processes of the measurement then get a core as soon as they are runnable, ahead of
 * unrelated jobs at the default nice 0, while they use well under one core together.
 */
function raisePriority(nice: number): PriorityOutcome {
  if (getPriority() <= nice) return { raised: false, reason: `already at nice ${getPriority()}` };
  try {
    setPriority(nice);
    return { raised: true };
  } catch (error) {
    return { raised: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

/** Both sides of one comparison, pooled over its blocks, and what the service blocks cost. */
interface Comparison {
  /** Every direct block's results. */
  direct: LoadResult;
  /** Every service block's results. */
  service: LoadResult;
  /** CPU the service process used during its blocks, in ms. */
  serviceCpuMs: number;
  /** Requests the sandbox received during the service blocks. */
  upstreamRequests: number;
  /** The machine's CPU use during the service blocks, undefined where /proc cannot be read. */
  machine: MachineCpu | undefined;
  /** 1-minute load average at the start of each block. */
  loadAverages: number[];
}

/** Machine CPU use over some interval, in percent of one core (all cores: cores × 100). */
interface MachineCpu {
  cores: number;
  busyPercent: number;
  servicePercent: number;
  sandboxPercent: number;
  benchPercent: number;
}

async function compareInBlocks(options: {
  blocks: number;
  processes: { service: number; sandbox: number };
  upstreamRequests: () => Promise<number>;
  run: (target: 'direct' | 'service') => Promise<LoadResult>;
}): Promise<Comparison> {
  const direct: LoadResult[] = [];
  const service: LoadResult[] = [];
  const loadAverages: number[] = [];
  let serviceCpuMs = 0;
  let upstreamRequests = 0;
  const cpu = { machineBusy: 0, machineTotal: 0, service: 0, sandbox: 0, bench: 0, wallMs: 0 };
  let cpuReadable = true;
  for (let block = 0; block < options.blocks; block++) {
    loadAverages.push(loadavg()[0]!);
    direct.push(await options.run('direct'));
    await settle();
    loadAverages.push(loadavg()[0]!);
    const upstreamBefore = await options.upstreamRequests();
    const machineBefore = machineCpuTicks();
    const serviceBefore = processCpuMs(options.processes.service);
    const sandboxBefore = processCpuMs(options.processes.sandbox);
    const benchBefore = process.cpuUsage();
    const wallBefore = performance.now();
    service.push(await options.run('service'));
    const wallMs = performance.now() - wallBefore;
    const bench = process.cpuUsage(benchBefore);
    const serviceAfter = processCpuMs(options.processes.service);
    const sandboxAfter = processCpuMs(options.processes.sandbox);
    const machineAfter = machineCpuTicks();
    upstreamRequests += (await options.upstreamRequests()) - upstreamBefore;
    serviceCpuMs += (serviceAfter ?? Number.NaN) - (serviceBefore ?? Number.NaN);
    if (
      machineBefore &&
      machineAfter &&
      sandboxBefore !== undefined &&
      sandboxAfter !== undefined
    ) {
      cpu.machineBusy += machineAfter.busy - machineBefore.busy;
      cpu.machineTotal += machineAfter.total - machineBefore.total;
      cpu.service += (serviceAfter ?? Number.NaN) - (serviceBefore ?? Number.NaN);
      cpu.sandbox += sandboxAfter - sandboxBefore;
      cpu.bench += (bench.user + bench.system) / 1000;
      cpu.wallMs += wallMs;
    } else {
      cpuReadable = false;
    }
    await settle();
  }
  const cores = machineCores();
  return {
    direct: mergeLoadResults(direct),
    service: mergeLoadResults(service),
    serviceCpuMs,
    upstreamRequests,
    machine:
      cpuReadable && cpu.machineTotal > 0
        ? {
            cores,
            busyPercent: (100 * cores * cpu.machineBusy) / cpu.machineTotal,
            servicePercent: (100 * cpu.service) / cpu.wallMs,
            sandboxPercent: (100 * cpu.sandbox) / cpu.wallMs,
            benchPercent: (100 * cpu.bench) / cpu.wallMs,
          }
        : undefined,
    loadAverages,
  };
}

function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
}

/** Busy and total jiffies of all cores together, from the first line of /proc/stat. */
function machineCpuTicks(): { busy: number; total: number } | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    // cpu user nice system idle iowait irq softirq steal (guest time is inside user already)
    const [user, nice, system, idle, iowait, irq, softirq, steal] = line
      .trim()
      .split(/\s+/)
      .slice(1, 9)
      .map(Number) as [number, number, number, number, number, number, number, number];
    const busy = user + nice + system + irq + softirq + steal;
    return { busy, total: busy + idle + iowait };
  } catch {
    return undefined;
  }
}

function machineCores(): number {
  try {
    return readFileSync('/proc/stat', 'utf8')
      .split('\n')
      .filter((line) => /^cpu\d+ /.test(line)).length;
  } catch {
    return 1;
  }
}

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
