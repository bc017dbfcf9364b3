import { createOrderClient } from '@orderbridge/core';
import { createFlexFactor } from '@orderbridge/flexfactor';
import { createFlexPortal } from '@orderbridge/flexportal';
import { describeRuns, isExactlyOnce, type WalkResult, walkOrders } from '../lib/order-walk.ts';
import { type CpuSplit, measureCpuSplit } from '../lib/process-cpu.ts';
import { RequestTrace } from '../lib/request-trace.ts';
import { startSandboxProcess } from '../lib/sandbox-process.ts';
import { type Figure, type Goal, ratioOf, type Scenario } from '../lib/scenario-result.ts';
import { pageNumberRounds, round, summarize } from '../lib/statistics.ts';

const LATENCY_MS = 50;
const PAGE_SIZE = 100;
const CONCURRENCY = 8;
const GOAL_FLOOR_RATIO = 1.1;

/**
 * Merged export: `createOrderClient({ providers }).iterate()` over both providers of one sandbox
 * process (50 ms latency), against the slower provider's floor.
 */
export const mergedExport: Scenario = async (context) => {
  const perProvider = context.quick ? 10_000 : 100_000;
  const runs = context.quick ? 1 : 2;
  const pages = Math.ceil(perProvider / PAGE_SIZE);
  const flexPortalFloorMs = pages * LATENCY_MS;
  const flexFactorFloorMs = (1 + pageNumberRounds(pages, CONCURRENCY)) * LATENCY_MS;
  const floorMs = Math.max(flexPortalFloorMs, flexFactorFloorMs);
  const slower = flexPortalFloorMs >= flexFactorFloorMs ? 'FlexPortal' : 'FlexFactor';
  context.log(
    `merged-export: sandbox with ${perProvider} orders per provider, ${LATENCY_MS} ms latency`,
  );
  const sandbox = await startSandboxProcess({
    flexportalOrders: perProvider,
    flexfactorOrders: perProvider,
    latencyMs: LATENCY_MS,
  });
  try {
    const { flexportal, flexfactor } = sandbox.settings;
    const walks: WalkResult[] = [];
    let cpu: CpuSplit<WalkResult> | undefined;
    let requests = { flexportal: 0, flexfactor: 0 };
    const flexPortalTrace = new RequestTrace();
    for (let run = 0; run < runs; run++) {
      await sandbox.control.resetStats();
      context.log(`merged-export: run ${run + 1}/${runs}`);
      flexPortalTrace.reset();
      const client = createOrderClient({
        providers: [
          createFlexPortal({
            apiKey: flexportal.apiKey,
            tenantId: flexportal.tenantId,
            baseUrl: flexportal.baseUrl,
            hooks: flexPortalTrace.hooks,
            env: {},
          }),
          createFlexFactor({
            appKey: flexfactor.appKey,
            appSecret: flexfactor.appSecret,
            baseUrl: flexfactor.baseUrl,
            pageSize: PAGE_SIZE,
            env: {},
          }),
        ],
      });
      cpu = await measureCpuSplit(sandbox.pid, () =>
        walkOrders(() => client.iterate({ limit: PAGE_SIZE }, { concurrency: CONCURRENCY })),
      );
      walks.push(cpu.result);
      const stats = await sandbox.control.stats();
      requests = {
        flexportal: stats.flexportal.routes.listOrders,
        flexfactor: stats.flexfactor.routes.listOrders,
      };
    }
    const total = perProvider * 2;
    const wall = summarize(walks.map((walk) => walk.wallMs));
    const floorRatio = ratioOf(wall.median, floorMs);
    const figures: Figure[] = [
      {
        label: `merged iterate() over ${total.toLocaleString('en')} orders (both providers): wall time`,
        value: round(wall.median, 0),
        unit: 'ms',
        baseline: { label: `the slower provider's floor (${slower})`, value: floorMs },
        ratio: floorRatio,
        spread: { min: round(wall.min, 0), max: round(wall.max, 0), runs: wall.runs },
      },
      {
        label: 'last run, FlexPortal stream: round trip per page, sent → response headers (median)',
        value: round(flexPortalTrace.roundTripMs().median, 2),
        unit: 'ms',
        baseline: { label: 'sandbox latency', value: LATENCY_MS },
        ratio: ratioOf(flexPortalTrace.roundTripMs().median, LATENCY_MS),
      },
      {
        label:
          'last run, FlexPortal stream: response headers → next FlexPortal request (median; the merge consumes while the next page loads)',
        value: round(flexPortalTrace.gapMs().median, 2),
        unit: 'ms',
        spread: {
          min: round(flexPortalTrace.gapMs().min, 2),
          max: round(flexPortalTrace.gapMs().max, 2),
          runs: flexPortalTrace.gapMs().runs,
        },
      },
      {
        label: `FlexFactor floor at concurrency ${CONCURRENCY}, for reference`,
        value: flexFactorFloorMs,
        unit: 'ms',
      },
      {
        label: 'last run: CPU of the client process (all threads)',
        value: round(cpu!.clientCpuMs, 0),
        unit: 'ms',
        baseline: { label: 'wall time', value: round(cpu!.result.wallMs, 0) },
        ratio: ratioOf(cpu!.clientCpuMs, cpu!.result.wallMs),
      },
      {
        label: 'last run: CPU of the sandbox process',
        value: round(cpu!.otherCpuMs ?? Number.NaN, 0),
        unit: 'ms',
        baseline: { label: 'wall time', value: round(cpu!.result.wallMs, 0) },
        ratio: ratioOf(cpu!.otherCpuMs ?? Number.NaN, cpu!.result.wallMs),
      },
      {
        label: 'last run: data requests FlexPortal + FlexFactor',
        value: requests.flexportal + requests.flexfactor,
        unit: 'requests',
        baseline: { label: `2 × ⌈${perProvider} / ${PAGE_SIZE}⌉`, value: 2 * pages },
        ratio: ratioOf(requests.flexportal + requests.flexfactor, 2 * pages),
      },
    ];
    const goals: Goal[] = [
      {
        text: `≤ ${Math.round(GOAL_FLOOR_RATIO * 100)}% of the slower provider's floor (derived: the issue sets no number for the merge; merging should add no round trip to the cursor walk)`,
        met: floorRatio <= GOAL_FLOOR_RATIO,
        detail: `${round(floorRatio * 100, 1)}% of the ${floorMs} ms ${slower} floor`,
      },
      {
        text: 'every order of both providers exactly once',
        met: walks.every((walk) => isExactlyOnce(walk, total)),
        detail: describeRuns(walks, total),
      },
    ];
    return {
      name: 'merged-export',
      title: 'Merged export of both providers at 50 ms latency',
      parameters: {
        ordersPerProvider: perProvider,
        pageSize: PAGE_SIZE,
        latencyMs: LATENCY_MS,
        concurrency: CONCURRENCY,
        runs,
      },
      figures,
      goals,
      notes: [
        `Floors: FlexPortal ${pages} pages × ${LATENCY_MS} ms = ${flexPortalFloorMs} ms (sequential cursor); FlexFactor (1 token + 1 first page + ${pageNumberRounds(pages, CONCURRENCY) - 1} rounds of ${CONCURRENCY}) × ${LATENCY_MS} ms = ${flexFactorFloorMs} ms. The merge runs both walks at once, so its floor is the slower one.`,
        'The merged stream is in the canonical order (createdAt desc, ties by key), a k-way merge of both page streams; each provider prefetches its next page(s) while the merge consumes the current ones, and the FlexPortal stream requests its next page as soon as the current response envelope is read (onNextCursor), before the page is mapped.',
      ],
    };
  } finally {
    await sandbox.stop();
  }
};
