import { paginate } from '@orderbridge/core';
import { createFlexFactor } from '@orderbridge/flexfactor';
import type { SandboxConnectionSettings } from '@orderbridge/sandbox';
import {
  describeDelivery,
  describeRuns,
  isExactlyOnce,
  type WalkResult,
  walkOrders,
} from '../lib/order-walk.ts';
import { type CpuSplit, measureCpuSplit } from '../lib/process-cpu.ts';
import { RequestTrace } from '../lib/request-trace.ts';
import { startSandboxProcess } from '../lib/sandbox-process.ts';
import { type Figure, type Goal, ratioOf, type Scenario } from '../lib/scenario-result.ts';
import { pageNumberRounds, round, summarize } from '../lib/statistics.ts';

const LATENCY_MS = 50;
const PAGE_SIZE = 100;
const GOAL_FLOOR_RATIO = 1.2;
const GOAL_SPEEDUP = 5;
/**
 * The concurrency sweep: one walk at each, and the goals are scored at the one that is fastest in
 * wall time (what a user picking a concurrency would pick), not at one chosen for its ratio. The
 * hand-written loop needs (1 + pages) × latency = 50.05 s for 1,000 pages, so "5× faster" needs
 * ≤ 10 s, and 120% of the floor must fit in that: c ≥ 7; the sweep also shows where the walk stops
 * following its floor and becomes bound by the client's CPU per page.
 */
const SWEEP = [4, 6, 7, 8, 12, 16];
/** Rate-limit run: the limit, and orders so that the walk needs more requests than it allows. */
const RATE_LIMIT_PER_MINUTE = 30;
const RATE_LIMIT_ORDERS = 4_000;

type FlexFactorSettings = SandboxConnectionSettings['flexfactor'];

/**
 * Page-number export: a concurrency sweep of full FlexFactor walks with `paginate` against a
 * sandbox process with 50 ms latency, then repeated walks at the fastest concurrency of the sweep,
 * each next to a run of the sequential loop a user would write, against the floor at that
 * concurrency; then a walk under a sandbox rate limit with the provider's `rateLimit` set to it.
 */
export const pageNumberExport: Scenario = async (context) => {
  const orders = context.quick ? 10_000 : 100_000;
  const runs = context.quick ? 1 : 3;
  const pages = Math.ceil(orders / PAGE_SIZE);
  // The token request, then the first page alone (it tells the page count), then the rounds.
  const roundsAt = (concurrency: number) => 1 + pageNumberRounds(pages, concurrency);
  const handFloorMs = (1 + pages) * LATENCY_MS;
  const figures: Figure[] = [];
  const goals: Goal[] = [];
  const parameters: Record<string, string | number> = {
    orders,
    pageSize: PAGE_SIZE,
    latencyMs: LATENCY_MS,
    sweep: SWEEP.join(', '),
    runs,
    pages,
    rateLimitPerMinute: RATE_LIMIT_PER_MINUTE,
    rateLimitOrders: RATE_LIMIT_ORDERS,
  };
  const notes: string[] = [
    `Floor at concurrency c = (1 + 1 + ⌈(pages − 1) / c⌉) × latency: 1 token + 1 first page + the rounds, × ${LATENCY_MS} ms; the token comes first, the first page comes alone because it tells the page count, then at most c pages are in flight.`,
    `The concurrency scored is the one whose sweep walk was fastest in wall time (one walk at each of ${SWEEP.join(', ')}), not one chosen for its ratio to the floor: the floor falls as the concurrency rises, so a higher concurrency can be faster and still further from its own floor. The hand-written loop needs (1 + ${pages}) × ${LATENCY_MS} ms, so "5× faster" leaves ${Math.round(handFloorMs / GOAL_SPEEDUP)} ms (c ≥ 7 for 120% of the floor to fit in it). On a 2-core machine the client and the sandbox process share the cores: the sweep shows where the walk stops following its floor. Page size ${PAGE_SIZE}: the provider's default, and the page size of the cursor scenario, so both walks make comparable requests.`,
    'Each paginate run uses a new provider, so it pays for its own token like a fresh export. The hand-written loop: POST oauth2/token, then GET orders?pageNumber=n&pageSize=100 one after the other until hasNextPage is false, with JSON.parse and nothing else. It runs once after each paginate run (A B A B …), as many times.',
  ];

  context.log(
    `page-number-export: sandbox with ${orders} FlexFactor orders, ${LATENCY_MS} ms latency`,
  );
  const sandbox = await startSandboxProcess({
    flexportalOrders: 0,
    flexfactorOrders: orders,
    latencyMs: LATENCY_MS,
  });
  try {
    const settings = sandbox.settings.flexfactor;
    const sweep: Array<{ concurrency: number; walk: WalkResult; floorMs: number }> = [];
    for (const concurrency of SWEEP) {
      context.log(`page-number-export: sweep walk at concurrency ${concurrency}`);
      const provider = createFlexFactor({
        appKey: settings.appKey,
        appSecret: settings.appSecret,
        baseUrl: settings.baseUrl,
        pageSize: PAGE_SIZE,
        env: {},
      });
      const walk = await walkOrders(() =>
        paginate(provider, { limit: PAGE_SIZE }, { concurrency }),
      );
      sweep.push({ concurrency, walk, floorMs: roundsAt(concurrency) * LATENCY_MS });
    }
    const fastest = sweep.reduce((best, entry) =>
      entry.walk.wallMs < best.walk.wallMs ? entry : best,
    );
    const scoredConcurrency = fastest.concurrency;
    const rounds = roundsAt(scoredConcurrency);
    const floorMs = rounds * LATENCY_MS;
    const walks: WalkResult[] = [];
    const handLoops: WalkResult[] = [];
    const requestCounts: number[] = [];
    let cpu: CpuSplit<WalkResult> | undefined;
    const trace = new RequestTrace();
    for (let run = 0; run < runs; run++) {
      await sandbox.control.resetStats();
      context.log(`page-number-export: paginate run ${run + 1}/${runs}`);
      const provider = createFlexFactor({
        appKey: settings.appKey,
        appSecret: settings.appSecret,
        baseUrl: settings.baseUrl,
        pageSize: PAGE_SIZE,
        hooks: trace.hooks,
        env: {},
      });
      trace.reset();
      cpu = await measureCpuSplit(sandbox.pid, () =>
        walkOrders(() =>
          paginate(provider, { limit: PAGE_SIZE }, { concurrency: scoredConcurrency }),
        ),
      );
      walks.push(cpu.result);
      requestCounts.push((await sandbox.control.stats()).flexfactor.routes.listOrders);
      context.log(`page-number-export: hand-written sequential loop ${run + 1}/${runs} (baseline)`);
      handLoops.push(await handWrittenLoop(settings));
    }
    const wall = summarize(walks.map((walk) => walk.wallMs));
    const handWall = summarize(handLoops.map((walk) => walk.wallMs));
    const floorRatio = ratioOf(wall.median, floorMs);
    const speedup = ratioOf(handWall.median, wall.median);
    const roundTrip = trace.roundTripMs();
    const reachableFloorMs = rounds * roundTrip.median;
    figures.push(
      {
        label: `paginate(FlexFactor, concurrency ${scoredConcurrency}, the fastest of the sweep) over ${orders.toLocaleString('en')} orders: wall time`,
        value: round(wall.median, 0),
        unit: 'ms',
        baseline: {
          label: `floor at concurrency ${scoredConcurrency}: ${rounds} × ${LATENCY_MS} ms`,
          value: floorMs,
        },
        ratio: floorRatio,
        spread: { min: round(wall.min, 0), max: round(wall.max, 0), runs: wall.runs },
      },
      {
        label: `the same walks against the floor with the sandbox's own round trip: ${rounds} × the median round trip (${round(roundTrip.median, 2)} ms, of which ${round(roundTrip.median - LATENCY_MS, 2)} ms is the sandbox and loopback, which no client can close)`,
        value: round(wall.median, 0),
        unit: 'ms',
        baseline: {
          label: `${rounds} × ${round(roundTrip.median, 2)} ms`,
          value: round(reachableFloorMs, 0),
        },
        ratio: ratioOf(wall.median, reachableFloorMs),
      },
      {
        label:
          'hand-written sequential loop: wall time (ratio = how many times faster paginate is)',
        value: round(handWall.median, 0),
        unit: 'ms',
        baseline: {
          label: `paginate at concurrency ${scoredConcurrency} (median)`,
          value: round(wall.median, 0),
        },
        ratio: speedup,
        spread: { min: round(handWall.min, 0), max: round(handWall.max, 0), runs: handWall.runs },
      },
      {
        label: 'hand-written loop against its own floor',
        value: round(handWall.median, 0),
        unit: 'ms',
        baseline: { label: `(1 token + ${pages} pages) × ${LATENCY_MS} ms`, value: handFloorMs },
        ratio: ratioOf(handWall.median, handFloorMs),
      },
      {
        label: 'last run: requests in flight on average (Σ round trips / wall time)',
        value: round(trace.meanInFlight(cpu!.result.wallMs), 2),
        unit: 'requests',
        baseline: { label: 'the concurrency', value: scoredConcurrency },
        ratio: ratioOf(trace.meanInFlight(cpu!.result.wallMs), scoredConcurrency),
      },
      {
        label:
          'last run: round trip per request, sent → response headers (median; above the latency: the sandbox and loopback)',
        value: round(roundTrip.median, 2),
        unit: 'ms',
        baseline: { label: 'sandbox latency', value: LATENCY_MS },
        ratio: ratioOf(roundTrip.median, LATENCY_MS),
      },
      {
        label: 'last run: CPU per page of the client process (all threads)',
        value: round(cpu!.clientCpuMs / pages, 2),
        unit: 'ms',
        baseline: { label: 'wall time per page', value: round(cpu!.result.wallMs / pages, 2) },
        ratio: ratioOf(cpu!.clientCpuMs, cpu!.result.wallMs),
      },
      {
        label: 'last run: CPU per page of the sandbox process',
        value: round((cpu!.otherCpuMs ?? Number.NaN) / pages, 2),
        unit: 'ms',
        baseline: { label: 'wall time per page', value: round(cpu!.result.wallMs / pages, 2) },
        ratio: ratioOf(cpu!.otherCpuMs ?? Number.NaN, cpu!.result.wallMs),
      },
      ...sweep.map(
        ({ concurrency, walk, floorMs: sweepFloorMs }): Figure => ({
          label: `sweep: one walk at concurrency ${concurrency}${concurrency === scoredConcurrency ? ' (fastest: scored)' : ''} (ratio against its own floor)`,
          value: round(walk.wallMs, 0),
          unit: 'ms',
          baseline: { label: `floor at concurrency ${concurrency}`, value: sweepFloorMs },
          ratio: ratioOf(walk.wallMs, sweepFloorMs),
        }),
      ),
      {
        label: 'data requests (GET orders) per paginate walk',
        value: Math.max(...requestCounts),
        unit: 'requests',
        baseline: { label: `⌈${orders} / ${PAGE_SIZE}⌉`, value: pages },
        ratio: ratioOf(Math.max(...requestCounts), pages),
      },
    );
    goals.push(
      {
        text: `≤ ${Math.round(GOAL_FLOOR_RATIO * 100)}% of the floor, at the concurrency fastest in wall time (${scoredConcurrency})`,
        met: floorRatio <= GOAL_FLOOR_RATIO,
        detail:
          floorRatio <= GOAL_FLOOR_RATIO
            ? `${round(floorRatio * 100, 1)}% of the ${floorMs} ms floor (${round((wall.median / reachableFloorMs) * 100, 1)}% of ${rounds} × the sandbox's median round trip)`
            : `${round(floorRatio * 100, 1)}% of the ${floorMs} ms floor: ${round((floorRatio - GOAL_FLOOR_RATIO) * 100, 1)} points over (${round((wall.median / reachableFloorMs) * 100, 1)}% of ${rounds} × the sandbox's median round trip of ${round(roundTrip.median, 2)} ms)`,
      },
      {
        text: `≥ ${GOAL_SPEEDUP}× faster than the hand-written sequential loop`,
        met: speedup >= GOAL_SPEEDUP,
        detail: `${speedup}× (medians of ${handWall.runs} runs each, interleaved: ${round(handWall.median, 0)} ms vs ${round(wall.median, 0)} ms)`,
      },
      {
        text: 'every order exactly once',
        met: [...walks, ...sweep.map((entry) => entry.walk)].every((walk) =>
          isExactlyOnce(walk, orders),
        ),
        detail: `${describeRuns(walks, orders)}; sweep walks: ${describeRuns(
          sweep.map((entry) => entry.walk),
          orders,
        )}`,
      },
    );
    parameters.concurrency = scoredConcurrency;
  } finally {
    await sandbox.stop();
  }

  if (context.quick) {
    notes.push(
      'The rate-limit run is skipped in --quick: a per-minute limit can only be crossed by a run longer than a minute.',
    );
  } else {
    await rateLimitRun(context.log, Number(parameters.concurrency), figures, goals, notes);
  }

  return {
    name: 'page-number-export',
    title: 'Page-number export: 100,000 FlexFactor orders at 50 ms latency',
    parameters,
    figures,
    goals,
    notes,
  };
};

/**
 * A walk that needs more requests than the limit allows in a minute, with the sandbox enforcing
 * `RATE_LIMIT_PER_MINUTE` and the provider configured with the same limit: the sandbox must send
 * no 429 at all.
 */
async function rateLimitRun(
  log: (line: string) => void,
  concurrency: number,
  figures: Figure[],
  goals: Goal[],
  notes: string[],
): Promise<void> {
  const pages = Math.ceil(RATE_LIMIT_ORDERS / PAGE_SIZE);
  const requests = 1 + pages;
  log(
    `page-number-export: rate-limit run (${requests} requests at ${RATE_LIMIT_PER_MINUTE}/min: about a minute)`,
  );
  const sandbox = await startSandboxProcess({
    flexportalOrders: 0,
    flexfactorOrders: RATE_LIMIT_ORDERS,
  });
  try {
    await sandbox.control.faults.set('flexfactor', {
      latencyMs: LATENCY_MS,
      rateLimit: { requestsPerMinute: RATE_LIMIT_PER_MINUTE },
    });
    await sandbox.control.resetStats();
    const settings = sandbox.settings.flexfactor;
    const retries = new Map<string, number>();
    const provider = createFlexFactor({
      appKey: settings.appKey,
      appSecret: settings.appSecret,
      baseUrl: settings.baseUrl,
      pageSize: PAGE_SIZE,
      rateLimit: { requestsPerMinute: RATE_LIMIT_PER_MINUTE },
      hooks: {
        onRetry: (event) => {
          retries.set(event.reason, (retries.get(event.reason) ?? 0) + 1);
        },
      },
      env: {},
    });
    const walk = await walkOrders(() => paginate(provider, { limit: PAGE_SIZE }, { concurrency }));
    const stats = (await sandbox.control.stats()).flexfactor;
    const retryCount = [...retries.values()].reduce((sum, count) => sum + count, 0);
    const retryReasons =
      retryCount === 0
        ? 'none'
        : [...retries].map(([reason, count]) => `${count} × ${reason}`).join(', ');
    figures.push(
      {
        label: `rate limit ${RATE_LIMIT_PER_MINUTE}/min on both sides: 429 responses from the sandbox`,
        value: stats.rateLimited,
        unit: 'responses',
      },
      {
        label: `rate-limited walk: client retries (transport onRetry; ${retryReasons})`,
        value: retryCount,
        unit: 'retries',
      },
      {
        label: 'rate-limited walk: requests the sandbox received (token + pages)',
        value: stats.requests,
        unit: 'requests',
        baseline: { label: `the limit per minute`, value: RATE_LIMIT_PER_MINUTE },
        ratio: ratioOf(stats.requests, RATE_LIMIT_PER_MINUTE),
      },
      {
        label: 'rate-limited walk: wall time',
        value: round(walk.wallMs, 0),
        unit: 'ms',
        baseline: {
          label:
            'earliest possible: the request after the limit waits one window (60 s + the client limiter’s 2% margin)',
          value: 61_200 + LATENCY_MS,
        },
        ratio: ratioOf(walk.wallMs, 61_200 + LATENCY_MS),
      },
    );
    goals.push(
      {
        text: `with a configured rate limit (${RATE_LIMIT_PER_MINUTE}/min, crossed by a ${requests}-request walk): no 429 at all`,
        met: stats.rateLimited === 0,
        detail: `${stats.rateLimited} responses with 429 out of ${stats.requests} requests`,
      },
      {
        text: 'rate-limited walk: waiting for the client-side limit causes no retry (derived: a wait is not a failure)',
        met: retryCount === 0,
        detail:
          retryCount === 0
            ? 'no retries'
            : `${retryCount} retries (${retryReasons}) although the sandbox received only ${stats.requests} requests: the attempts were abandoned while waiting for a rate-limit slot, before reaching the network`,
      },
      {
        text: 'rate-limited walk: every order exactly once',
        met: isExactlyOnce(walk, RATE_LIMIT_ORDERS),
        detail: describeDelivery(walk, RATE_LIMIT_ORDERS),
      },
    );
    notes.push(
      `Rate limit: ${RATE_LIMIT_PER_MINUTE} requests/minute on the sandbox (its rateLimit fault, a sliding one-minute window counting every FlexFactor request, token included) and the same number as the provider's rateLimit setting; ${RATE_LIMIT_ORDERS.toLocaleString('en')} orders = ${pages} pages + 1 token = ${requests} requests, the smallest walk that crosses the limit by a clear margin. Any per-minute limit makes such a run last just over a minute.`,
    );
  } finally {
    await sandbox.stop();
  }
}

/** What a user would write: a token, then page after page with fetch until hasNextPage is false. */
async function handWrittenLoop(settings: FlexFactorSettings): Promise<WalkResult> {
  const keys = new Set<string>();
  let orders = 0;
  const started = performance.now();
  const tokenResponse = await fetch(`${settings.baseUrl}oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ AppKey: settings.appKey, AppSecret: settings.appSecret }),
  });
  const { accessToken } = (await tokenResponse.json()) as { accessToken: string };
  for (let pageNumber = 1; ; pageNumber++) {
    const response = await fetch(
      `${settings.baseUrl}orders?pageNumber=${pageNumber}&pageSize=${PAGE_SIZE}`,
      { headers: { authorization: `Bearer ${accessToken}` } },
    );
    if (!response.ok) throw new Error(`hand-written loop: HTTP ${response.status}`);
    const body = (await response.json()) as {
      orders: { rows: { id: string }[]; hasNextPage: boolean };
    };
    for (const row of body.orders.rows) {
      orders += 1;
      keys.add(row.id);
    }
    if (!body.orders.hasNextPage) break;
  }
  return { wallMs: performance.now() - started, orders, uniqueOrders: keys.size };
}
