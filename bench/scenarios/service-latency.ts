import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { getPriority, loadavg, setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { newBenchApiKey, writeBenchTenantsFile } from '../lib/bench-tenant.ts';
import {
  burstLoad,
  type LoadResult,
  mergeLoadResults,
  percentilesOf,
  steadyLoad,
} from '../lib/load-generator.ts';
import { machineCores, machineCpuTicks } from '../lib/machine-info.ts';
import { REPO_ROOT } from '../lib/paths.ts';
import { processCpuMs } from '../lib/process-cpu.ts';
import { startSandboxProcess, stopChild } from '../lib/sandbox-process.ts';
import { type Figure, type Goal, ratioOf, type Scenario } from '../lib/scenario-result.ts';
import { startServiceProcess } from '../lib/service-process.ts';
import { quantile, round } from '../lib/statistics.ts';

const LATENCY_MS = 50;
/** The reference proxy's script, run by Node's type stripping like the scenarios. */
const REFERENCE_PROXY = `${REPO_ROOT}bench/lib/reference-proxy.ts`;
const LIMIT = 50;
/**
 * Requests per second, evenly spaced (one every 25 ms): with ≈ 5 ms of service CPU per request the
 * service, the sandbox and the load generator together use well under one of the two cores, so
 * the measurement shows the service's own overhead rather than the processes starving each other;
 * and a side collects its 2,000 samples in 50 s.
 */
const RATE_PER_SECOND = 40;
/** The bursts keep the rate of the first runs, so their queueing is comparable with theirs. */
const BURST_RATE_PER_SECOND = 20;
/** The burst run: every connection fires its 2 requests at the start of each second. */
const BURST_CONNECTIONS = 10;
const CURSOR_PAGES = 40;
const GOAL_P99_OVERHEAD_MS = 5;
/** The service's added p99 against the reference proxy's, measured in the same run. */
const GOAL_REFERENCE_RATIO = 1.5;
/** Responses per side the p99 goals need, so that p99 is not the maximum. */
const GOAL_SAMPLES = 2_000;
/**
 * Each comparison alternates its sides' blocks (direct, reference proxy, service, …: A B C A B C
 * …) so that a noisy neighbour hits all alike; the latencies of a side's blocks are pooled. 10
 * blocks of 5 s at 40 requests/s = 2,000 responses per side.
 */
const BLOCKS = 10;
/** The burst runs have no goal: fewer blocks. */
const BURST_BLOCKS = 4;
/**
 * A compact projection a list view would ask for (no `items`, `extensions`, `merchant`…): a
 * diagnosis of what a smaller response saves, measured as a fourth side of the first pages.
 */
const COMPACT_FIELDS = 'status,paymentStatus,fulfillmentStatus,customer,totals,createdAt';
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
  const burstBlocks = context.quick ? 1 : BURST_BLOCKS;
  const blockSeconds = 5;
  context.log(`service: sandbox process (FlexPortal, ${LATENCY_MS} ms latency)`);
  const sandbox = await startSandboxProcess({
    flexportalOrders: 10_000,
    flexfactorOrders: 0,
    latencyMs: LATENCY_MS,
  });
  context.log(
    `service: a second sandbox process that gzips its answers, with a service in front of it`,
  );
  const gzipSandbox = await startSandboxProcess({
    flexportalOrders: 10_000,
    flexfactorOrders: 0,
    latencyMs: LATENCY_MS,
    gzip: true,
  });
  const directory = await mkdtemp(join(tmpdir(), 'orderbridge-bench-service-'));
  const apiKey = newBenchApiKey();
  const { flexportal } = sandbox.settings;
  /** A service with a tenants file for one FlexPortal tenant on `settings`' sandbox. */
  const startService = (name: string, settings: typeof sandbox.settings) => {
    const tenantsFile = join(directory, `tenants-${name}.json`);
    writeBenchTenantsFile(tenantsFile, { apiKey, sandbox: settings, providers: ['flexportal'] });
    return startServiceProcess({ tenantsFile });
  };
  const [service, gzipService] = await Promise.all([
    startService('plain', sandbox.settings),
    startService('gzip', gzipSandbox.settings),
  ]);
  const serviceUrl = service.url;
  context.log(`service: orderbridge-service on ${serviceUrl}`);
  context.log(
    'service: starting the reference proxy (node:http + fetch + JSON.parse + JSON.stringify)',
  );
  const sandboxOrigin = new URL(flexportal.baseUrl);
  const reference = spawn(process.execPath, [REFERENCE_PROXY, sandboxOrigin.origin], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const referenceExited = new Promise<void>((resolve) => reference.once('exit', () => resolve()));
  try {
    const referenceUrl = `http://127.0.0.1:${await firstLine(reference)}`;
    const serviceHeaders = { authorization: `Bearer ${apiKey}` };
    const sandboxHeaders = {
      authorization: `Bearer ${flexportal.apiKey}`,
      'tenant-id': flexportal.tenantId,
    };
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

    const compactFirst = `${serviceFirst}&fields=${COMPACT_FIELDS}`;
    const sizes = await responseSizes(
      `${serviceUrl}${serviceFirst}`,
      `${serviceUrl}${compactFirst}`,
      `${sandboxOrigin.origin}${sandboxFirst}`,
      serviceHeaders,
      sandboxHeaders,
    );

    context.log('service: warm-up');
    for (const [url, paths, headers, seconds] of [
      [serviceUrl, [serviceFirst, compactFirst, ...serviceFollowUps], serviceHeaders, 3],
      [gzipService.url, [serviceFirst], serviceHeaders, 3],
      [referenceUrl, [sandboxFirst, ...sandboxFollowUps], sandboxHeaders, 2],
      [sandboxOrigin.origin, [sandboxFirst, ...sandboxFollowUps], sandboxHeaders, 1],
    ] as const) {
      await steadyLoad({
        url,
        paths,
        headers,
        ratePerSecond: RATE_PER_SECOND,
        durationSeconds: seconds,
      });
    }

    const processes = {
      service: service.child.pid!,
      sandbox: sandbox.pid,
      reference: reference.pid!,
    };
    const upstreamRequests = async () =>
      (await sandbox.control.stats()).flexportal.routes.listOrders;
    const targets: Record<Side, { url: string; headers: Record<string, string> }> = {
      direct: { url: sandboxOrigin.origin, headers: sandboxHeaders },
      reference: { url: referenceUrl, headers: sandboxHeaders },
      service: { url: serviceUrl, headers: serviceHeaders },
      compact: { url: serviceUrl, headers: serviceHeaders },
    };
    /** Steady or burst load of each side's paths, block by block, sides in turn. */
    const compare = (
      paths: Partial<Record<Side, readonly string[]>>,
      shape: 'steady' | { connections: number },
    ) =>
      compareInBlocks({
        blocks: shape === 'steady' ? blocks : burstBlocks,
        sides: Object.keys(paths) as Side[],
        processes,
        upstreamRequests,
        run: (side) => {
          const options = {
            ...targets[side],
            paths: paths[side]!,
            ratePerSecond: shape === 'steady' ? RATE_PER_SECOND : BURST_RATE_PER_SECOND,
            durationSeconds: blockSeconds,
          };
          return shape === 'steady'
            ? steadyLoad(options)
            : burstLoad({ ...options, connections: shape.connections });
        },
      });

    context.log(
      `service: first pages, ${blocks} × ${blockSeconds} s per side (direct, reference proxy, service, service with fields=) at ${RATE_PER_SECOND} req/s, evenly spaced`,
    );
    const first = await compare(
      {
        direct: [sandboxFirst],
        reference: [sandboxFirst],
        service: [serviceFirst],
        compact: [compactFirst],
      },
      'steady',
    );
    context.log('service: cursor follow-ups');
    const follow = await compare(
      { direct: sandboxFollowUps, reference: sandboxFollowUps, service: serviceFollowUps },
      'steady',
    );
    context.log(
      `service: bursts (${BURST_CONNECTIONS} connections at ${BURST_RATE_PER_SECOND} req/s)`,
    );
    const burst = await compare(
      { direct: [sandboxFirst], service: [serviceFirst] },
      {
        connections: BURST_CONNECTIONS,
      },
    );
    context.log('service: first pages from an upstream that gzips its answers (no goal)');
    const gzipOrigin = new URL(gzipSandbox.settings.flexportal.baseUrl).origin;
    const gzipped = await compareInBlocks({
      blocks,
      sides: ['direct', 'service'],
      processes: {
        service: gzipService.child.pid!,
        sandbox: gzipSandbox.pid,
        reference: reference.pid!,
      },
      upstreamRequests: async () =>
        (await gzipSandbox.control.stats()).flexportal.routes.listOrders,
      run: (side) =>
        steadyLoad({
          // The load generator asks for no encoding: the direct side is the same uncompressed
          // page as the other comparisons', from the second sandbox.
          ...(side === 'direct'
            ? { url: gzipOrigin, headers: sandboxHeaders, paths: [sandboxFirst] }
            : { url: gzipService.url, headers: serviceHeaders, paths: [serviceFirst] }),
          ratePerSecond: RATE_PER_SECOND,
          durationSeconds: blockSeconds,
        }),
    });
    const durationSeconds = blocks * blockSeconds;

    const figures: Figure[] = [];
    const goals: Goal[] = [];
    figures.push({
      label: `response size of a ${LIMIT}-order first page: the service's (ratio against the upstream body of the same page)`,
      value: sizes.service,
      unit: 'bytes',
      baseline: { label: 'the upstream FlexPortal body', value: sizes.upstream },
      ratio: ratioOf(sizes.service, sizes.upstream),
      breakdown: sizes.breakdown,
    });
    figures.push({
      label: `response size with fields=${COMPACT_FIELDS}`,
      value: sizes.compact,
      unit: 'bytes',
      baseline: { label: 'the upstream FlexPortal body', value: sizes.upstream },
      ratio: ratioOf(sizes.compact, sizes.upstream),
    });
    addComparison('first page', first, figures, goals);
    addComparison('cursor follow-up', follow, figures, goals);
    addComparison(
      'first page, the upstream gzips its answers (no goal)',
      gzipped,
      figures,
      goals,
      false,
    );
    addComparison(
      `first page in bursts (${BURST_CONNECTIONS} connections; no goal)`,
      burst,
      figures,
      goals,
      false,
    );
    const loads = [first, follow, gzipped, burst].flatMap((comparison) => comparison.loadAverages);
    return {
      name: 'service',
      title: 'Service: added latency over a 50 ms upstream',
      parameters: {
        latencyMs: LATENCY_MS,
        limit: LIMIT,
        ratePerSecond: RATE_PER_SECOND,
        burstRatePerSecond: BURST_RATE_PER_SECOND,
        blocks,
        burstBlocks,
        blockSeconds,
        compactFields: COMPACT_FIELDS,
        durationSeconds,
        burstConnections: BURST_CONNECTIONS,
        cursorPages: CURSOR_PAGES,
        nice: priority.raised ? MEASUREMENT_NICE : getPriority(),
      },
      figures,
      goals,
      notes: [
        `Load: ${RATE_PER_SECOND} requests/s evenly spaced: request i leaves at start + i × ${1000 / RATE_PER_SECOND} ms whether or not earlier ones are answered (open loop), over a pool of keep-alive connections (node:http Agent), response time = request written → last body byte read. autocannon cannot send evenly spaced requests (its per-connection rate limit sends each connection's share of a second back to back, and its connections start each second together: 20 requests/s over 2 connections arrive as simultaneous pairs, so every other request waited for the previous one's CPU). The sides alternate in ${blocks} block(s) of ${blockSeconds} s each (direct, reference proxy, service[, service with fields=]: A B C A B C …, ${durationSeconds} s and ${blocks * blockSeconds * RATE_PER_SECOND} requests per side in all, pooled): first pages, then cursor follow-ups, then bursts — autocannon, ${BURST_CONNECTIONS} connections firing their share of each second together at ${BURST_RATE_PER_SECOND} requests/s, ${burstBlocks} block(s) per side (reported without a goal). Every request of a block is answered before the next block starts.`,
        `Reference proxy (bench/lib/reference-proxy.ts, its own process at the same nice value): node:http, fetch of the same upstream path with the same headers, JSON.parse and JSON.stringify of the page, nothing else — the least a JSON proxy can add. The goal compares the service's added p99 with the reference's, measured in the same blocks.`,
        `Service: orderbridge-service with a tenants file (one tenant, FlexPortal only, pointing at a sandbox process with ${LATENCY_MS} ms latency), LOG_LEVEL=info with the logs sent to /dev/null, the per-key rate limit raised out of the way. Upstream baseline: GET /flexportal/v1/orders?limit=${LIMIT} straight to the same sandbox with the provider's headers. A fourth side of the first pages asks the service for fields=${COMPACT_FIELDS} (a list view's projection; no goal): what a smaller response saves. A last comparison (no goal) puts a second service in front of a second sandbox process started with --gzip, which gzips its answers for a client that accepts it, as a gateway in front of a provider does (the service asks for gzip, the direct side does not, so its baseline is the same uncompressed page): what decoding compressed pages costs the service.`,
        `Added latency = service (or reference) percentile − upstream percentile at the same rate (a difference of percentiles, not a percentile of differences); p99.9 of 2,000 responses is the 2nd-slowest, shown for the tail, not scored. Follow-ups: ${CURSOR_PAGES} consecutive pages' cursors, requested in turn; with limit ${LIMIT} (= the provider page size) each service page ends on a provider page boundary, so a follow-up needs exactly one upstream request (see "upstream requests per service request").`,
        `CPU: at this rate the three processes of the measurement need well under one of the two cores, so on a quiet machine nothing competes. On a shared machine other jobs do, and a request that waits for a core measures the neighbours, not the service; so the load generator, the sandbox and the service run at nice ${MEASUREMENT_NICE} (${priority.raised ? 'raised in this run' : `not raised in this run: ${priority.reason}`}), all three alike, so the direct baseline gets the same treatment. No process is pinned to a core: pinning cannot keep other jobs off a core and would stop the service from moving to the idler one. The machine's CPU use during the service blocks is shown with each process's share (from /proc/stat and /proc/<pid>/stat); 1-minute load average over the blocks: ${round(Math.min(...loads), 2)} – ${round(Math.max(...loads), 2)}.`,
      ],
    };
  } finally {
    await stopChild(reference, referenceExited);
    await Promise.all([service.stop(), gzipService.stop()]);
    await Promise.all([sandbox.stop(), gzipSandbox.stop()]);
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

/** Who answers a block's requests. */
type Side = 'direct' | 'reference' | 'service' | 'compact';

/** The sides of one comparison, each pooled over its blocks, and what they cost. */
interface Comparison {
  /** Each side's results, pooled over its blocks. */
  results: Partial<Record<Side, LoadResult>>;
  /** CPU of the process that answered each side (service for both service sides), in ms. */
  cpuMs: Partial<Record<Side, number>>;
  /** Requests the sandbox received during the `service` blocks. */
  upstreamRequests: number;
  /** The machine's CPU use during the `service` blocks, undefined where /proc cannot be read. */
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
  sides: readonly Side[];
  processes: { service: number; sandbox: number; reference: number };
  upstreamRequests: () => Promise<number>;
  run: (side: Side) => Promise<LoadResult>;
}): Promise<Comparison> {
  const results = new Map<Side, LoadResult[]>(options.sides.map((side) => [side, []]));
  const cpuMs: Partial<Record<Side, number>> = {};
  const loadAverages: number[] = [];
  let upstreamRequests = 0;
  const cpu = { machineBusy: 0, machineTotal: 0, service: 0, sandbox: 0, bench: 0, wallMs: 0 };
  let cpuReadable = true;
  const servingProcess = (side: Side) =>
    side === 'direct'
      ? options.processes.sandbox
      : side === 'reference'
        ? options.processes.reference
        : options.processes.service;
  for (let block = 0; block < options.blocks; block++) {
    for (const side of options.sides) {
      loadAverages.push(loadavg()[0]!);
      const isService = side === 'service';
      const upstreamBefore = isService ? await options.upstreamRequests() : 0;
      const machineBefore = machineCpuTicks();
      const servingBefore = processCpuMs(servingProcess(side));
      const serviceBefore = processCpuMs(options.processes.service);
      const sandboxBefore = processCpuMs(options.processes.sandbox);
      const benchBefore = process.cpuUsage();
      const wallBefore = performance.now();
      results.get(side)!.push(await options.run(side));
      const wallMs = performance.now() - wallBefore;
      const bench = process.cpuUsage(benchBefore);
      const servingAfter = processCpuMs(servingProcess(side));
      const serviceAfter = processCpuMs(options.processes.service);
      const sandboxAfter = processCpuMs(options.processes.sandbox);
      const machineAfter = machineCpuTicks();
      cpuMs[side] =
        (cpuMs[side] ?? 0) + (servingAfter ?? Number.NaN) - (servingBefore ?? Number.NaN);
      if (isService) {
        upstreamRequests += (await options.upstreamRequests()) - upstreamBefore;
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
      }
      await settle();
    }
  }
  const cores = machineCores();
  return {
    results: Object.fromEntries(
      [...results].map(([side, runs]) => [side, mergeLoadResults(runs)]),
    ) as Partial<Record<Side, LoadResult>>,
    cpuMs,
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

/**
 * The figures of one comparison: each side's percentiles against the direct ones, the added
 * latencies, CPU per request, and (with `hasGoal`) the goals: added p99 ≤ 5 ms on ≥ 2,000
 * responses, and ≤ 1.5× the reference proxy's added p99.
 */
function addComparison(
  label: string,
  comparison: Comparison,
  figures: Figure[],
  goals: Goal[],
  hasGoal = true,
): void {
  const direct = comparison.results.direct!;
  const viaService = comparison.results.service!;
  const upstream = percentilesOf(direct);
  const service = percentilesOf(viaService);
  const added = (side: ReturnType<typeof percentilesOf>) => ({
    p50: side.p50 - upstream.p50,
    p99: side.p99 - upstream.p99,
    p999: side.p999 - upstream.p999,
  });
  const describe = (side: ReturnType<typeof percentilesOf>) =>
    `p50 / p99 / p99.9 = ${round(side.p50, 2)} / ${round(side.p99, 2)} / ${round(side.p999, 2)} ms, n = ${side.samples}`;
  const failuresOf = (result: LoadResult | undefined) =>
    result ? result.non2xx + result.errors : 0;
  const serviceAdded = added(service);
  const failures = failuresOf(viaService) + failuresOf(direct);
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
      label: `${label}: service p99 (${service.samples} responses; direct: ${upstream.samples})`,
      value: round(service.p99, 2),
      unit: 'ms',
      baseline: {
        label: 'the same request straight to the sandbox, p99',
        value: round(upstream.p99, 2),
      },
      ratio: ratioOf(service.p99, upstream.p99),
    },
    {
      label: `${label}: service p99.9`,
      value: round(service.p999, 2),
      unit: 'ms',
      baseline: {
        label: 'the same request straight to the sandbox, p99.9',
        value: round(upstream.p999, 2),
      },
      ratio: ratioOf(service.p999, upstream.p999),
    },
    {
      label: `${label}: added latency p50 / p99.9 (service − upstream)`,
      value: round(serviceAdded.p50, 2),
      unit: 'ms',
      breakdown: { p50: round(serviceAdded.p50, 2), 'p99.9': round(serviceAdded.p999, 2) },
    },
    {
      label: `${label}: added latency p99 (service p99 − upstream p99)`,
      value: round(serviceAdded.p99, 2),
      unit: 'ms',
      baseline: { label: 'goal', value: GOAL_P99_OVERHEAD_MS },
      ratio: ratioOf(serviceAdded.p99, GOAL_P99_OVERHEAD_MS),
    },
    {
      label: `${label}: service CPU per request (whole process)`,
      value: round((comparison.cpuMs.service ?? Number.NaN) / Math.max(1, viaService.sent), 2),
      unit: 'ms',
    },
    {
      label: `${label}: upstream requests per service request`,
      value: round(
        comparison.upstreamRequests / Math.max(1, viaService.latencies.length + viaService.non2xx),
        3,
      ),
      unit: 'requests',
    },
  );
  const reference = comparison.results.reference;
  let referenceAdded: { p50: number; p99: number; p999: number } | undefined;
  if (reference) {
    const percentiles = percentilesOf(reference);
    referenceAdded = added(percentiles);
    figures.push(
      {
        label: `${label}: reference proxy added latency p99 (its p99 − upstream p99; ${describe(percentiles)})`,
        value: round(referenceAdded.p99, 2),
        unit: 'ms',
        breakdown: {
          'added p50': round(referenceAdded.p50, 2),
          'added p99.9': round(referenceAdded.p999, 2),
        },
      },
      {
        label: `${label}: service added latency p99 against the reference proxy's`,
        value: round(serviceAdded.p99, 2),
        unit: 'ms',
        baseline: {
          label: 'the reference proxy, same blocks',
          value: round(referenceAdded.p99, 2),
        },
        ratio: ratioOf(serviceAdded.p99, referenceAdded.p99),
      },
      {
        label: `${label}: service added latency p50 against the reference proxy's`,
        value: round(serviceAdded.p50, 2),
        unit: 'ms',
        baseline: {
          label: 'the reference proxy, same blocks',
          value: round(referenceAdded.p50, 2),
        },
        ratio: ratioOf(serviceAdded.p50, referenceAdded.p50),
      },
      {
        label: `${label}: reference proxy CPU per request (whole process)`,
        value: round((comparison.cpuMs.reference ?? Number.NaN) / Math.max(1, reference.sent), 2),
        unit: 'ms',
      },
    );
  }
  const compact = comparison.results.compact;
  if (compact) {
    const percentiles = percentilesOf(compact);
    const compactAdded = added(percentiles);
    figures.push(
      {
        label: `${label} with fields=${COMPACT_FIELDS} (no goal): added latency p99 (${describe(percentiles)})`,
        value: round(compactAdded.p99, 2),
        unit: 'ms',
        baseline: { label: 'the full response, same blocks', value: round(serviceAdded.p99, 2) },
        ratio: ratioOf(compactAdded.p99, serviceAdded.p99),
        breakdown: {
          'added p50': round(compactAdded.p50, 2),
          'added p99.9': round(compactAdded.p999, 2),
        },
      },
      {
        label: `${label} with fields=${COMPACT_FIELDS}: service CPU per request`,
        value: round((comparison.cpuMs.compact ?? Number.NaN) / Math.max(1, compact.sent), 2),
        unit: 'ms',
        baseline: {
          label: 'the full response',
          value: round((comparison.cpuMs.service ?? Number.NaN) / Math.max(1, viaService.sent), 2),
        },
        ratio: ratioOf(
          (comparison.cpuMs.compact ?? Number.NaN) / Math.max(1, compact.sent),
          (comparison.cpuMs.service ?? Number.NaN) / Math.max(1, viaService.sent),
        ),
      },
    );
  }
  figures.push({
    label: `${label}: 2xx responses measured, service vs direct (${failures} non-2xx or errors)`,
    value: viaService.latencies.length,
    unit: 'responses',
    baseline: { label: 'direct responses measured', value: direct.latencies.length },
    ratio: ratioOf(viaService.latencies.length, direct.latencies.length),
  });
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
  const machine = comparison.machine;
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
  const enough = service.samples >= GOAL_SAMPLES && upstream.samples >= GOAL_SAMPLES;
  const sampleNote = enough
    ? ''
    : `; only ${service.samples} service and ${upstream.samples} direct responses (the goal needs ≥ ${GOAL_SAMPLES} each: a --quick run cannot meet it)`;
  goals.push({
    text: `${label}: added latency p99 ≤ ${GOAL_P99_OVERHEAD_MS} ms, on ≥ ${GOAL_SAMPLES.toLocaleString('en')} responses per side`,
    met: serviceAdded.p99 <= GOAL_P99_OVERHEAD_MS && failures === 0 && enough,
    detail: `service ${describe(service)}; direct ${describe(upstream)}: +${round(serviceAdded.p99, 2)} ms at p99 (p50 +${round(serviceAdded.p50, 2)}, p99.9 +${round(serviceAdded.p999, 2)})${serviceAdded.p99 > GOAL_P99_OVERHEAD_MS ? `, ${round(serviceAdded.p99 - GOAL_P99_OVERHEAD_MS, 2)} ms over the goal` : ''}${failures > 0 ? `; ${failures} failed requests` : ''}${sampleNote}`,
  });
  if (referenceAdded) {
    const ratio = ratioOf(serviceAdded.p99, referenceAdded.p99);
    goals.push({
      text: `${label}: added latency p99 ≤ ${GOAL_REFERENCE_RATIO}× the reference proxy's (node:http + fetch + JSON.parse + JSON.stringify), same run`,
      met: ratio <= GOAL_REFERENCE_RATIO && referenceAdded.p99 > 0 && enough,
      detail: `+${round(serviceAdded.p99, 2)} ms vs +${round(referenceAdded.p99, 2)} ms: ${ratio}× (p50: +${round(serviceAdded.p50, 2)} vs +${round(referenceAdded.p50, 2)} ms)${sampleNote}`,
    });
  }
}

/**
 * Bytes of the service's first page (full and projected) and of the upstream page, and where the
 * service's bytes go: the provider `extensions`, `null` values, and the rest of the canonical
 * fields.
 */
async function responseSizes(
  serviceFull: string,
  serviceCompact: string,
  upstream: string,
  serviceHeaders: Record<string, string>,
  sandboxHeaders: Record<string, string>,
): Promise<{
  service: number;
  compact: number;
  upstream: number;
  breakdown: Record<string, number>;
}> {
  const text = async (url: string, headers: Record<string, string>) => {
    const response = await fetch(url, { headers });
    if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
    return response.text();
  };
  const full = await text(serviceFull, serviceHeaders);
  const bytes = (value: string) => Buffer.byteLength(value);
  const page = JSON.parse(full) as { orders: Array<Record<string, unknown>> };
  const extensions = page.orders.reduce(
    (sum, order) => sum + bytes(`"extensions":${JSON.stringify(order.extensions)},`),
    0,
  );
  const withoutExtensions = page.orders.map(({ extensions: _, ...rest }) => rest);
  const nulls =
    bytes(JSON.stringify(withoutExtensions)) -
    bytes(JSON.stringify(withoutExtensions, (_key, value) => (value === null ? undefined : value)));
  const extensionNulls =
    bytes(JSON.stringify(page.orders.map((order) => order.extensions))) -
    bytes(
      JSON.stringify(
        page.orders.map((order) => order.extensions),
        (_key, value) => (value === null ? undefined : value),
      ),
    );
  return {
    service: bytes(full),
    compact: bytes(await text(serviceCompact, serviceHeaders)),
    upstream: bytes(await text(upstream, sandboxHeaders)),
    breakdown: {
      'provider extensions, non-null members': extensions - extensionNulls,
      'provider extensions, null members': extensionNulls,
      'null canonical fields': nulls,
      'the rest of the canonical fields and the envelope': bytes(full) - extensions - nulls,
    },
  };
}

/** The first line a child prints on stdout (the reference proxy's port). */
function firstLine(child: ReturnType<typeof spawn>): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const end = text.indexOf('\n');
      if (end >= 0) resolve(text.slice(0, end).trim());
    });
    child.once('exit', (code) => reject(new Error(`the reference proxy exited with ${code}`)));
  });
}

function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
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
