import { availableParallelism } from 'node:os';
import { hasUserHeapFlags, type NodeLaunch } from '@orderbridge/config/node-relaunch';

/**
 * The V8 flags the service runs with: a young generation of 64 MB semi-spaces from the start, no
 * allocation-site pretenuring, incremental marking started by how close the old generation is to
 * its limit rather than by V8's own rule, and no full collections to shrink the heap when idle.
 *
 * Why: a service request allocates ~0.4 MB of short-lived objects in the young generation (the
 * provider's page parsed, its canonical orders, the answer) and keeps almost none of it. With
 * V8's default semi-spaces (16 MB on 64-bit, grown only when much survives) the young generation
 * filled every ~40 requests, and each scavenge paused the process for 3–7 ms while requests were
 * waiting on it: the pauses set the p99. Four times the space means a quarter of the scavenges
 * (each costs what survives, not the space's size) for ~100 MB more resident memory. Pretenuring:
 * when a scavenge happens while a page of canonical orders is live, V8 learns that the mapper's
 * allocation sites survive and allocates every later page's orders straight into the old
 * generation, which then fills with garbage until a full mark-compact (7–14 ms pauses, ~1 per
 * second at 40 requests/s); without it those objects die young. Marking: V8 starts it soon once
 * the old generation's headroom is smaller than the young generation's capacity, which with 64 MB
 * semi-spaces it often is (≈ 70 MB of headroom over a 25 MB old generation). After the service
 * had been idle between bursts, every burst then ran a mark-compact every 0.4–1 s, each ≈ 25–40
 * ms of marking on the main thread and a 2–5 ms pause, each freeing at most ≈ 2 MB of old
 * generation (8–9 per 5 s burst, 36 in a 150 s run); with marking started at 90% of the headroom
 * (98%: at once), 2 in a 130 s run of the same load. Those triggers left marking too little room
 * to finish incrementally, though: over a store (`source=store`), whose old generation grows at
 * start-up, the first full collection (≈ 15 s after start) ended in a 48–50 ms pause, the slowest
 * answer of thousands (two runs). Started at 80% (90%: at once), marking finishes in steps and
 * that collection paused 2.6–4.4 ms (two runs), while the list load above still ran one full
 * collection in 2.5 minutes (during warm-up) with either setting. Memory reducer: when the process
 * goes idle V8 runs full collections to shrink its heap (≈ 60 MB less resident memory on an idle
 * service). With no request in flight every per-request object is dead, so those collections also
 * clear the object shapes (maps) that optimised code depends on: one of them deoptimised ≈ 120
 * compiled functions (Node's HTTP server and streams, Hono, undici, zod, our list path: "embedded
 * weak objects cleared"), and the next several hundred requests ran while V8 compiled them again:
 * in the benchmark's load (5 s blocks with 10 s idle between) 0.4–0.6 ms more CPU per cursor
 * follow-up and a 0.6–2.0 ms higher p99 over 2,000 of them, and in one run 18 of the 20 slowest
 * first pages in the four blocks after such a collection. Without the reducer a full collection
 * runs only when the old generation fills, under load, and the service keeps its loaded size while
 * idle (its peak is unchanged).
 *
 * How: V8 reads these at start-up only (`v8.setFlagsFromString` later is undefined behaviour, and
 * NODE_OPTIONS takes neither), so the bin replaces its own process with a node started with them
 * (`process.execve`, same pid) before it serves. Where that is impossible (Windows, Node before
 * 22.15) the service runs with V8's defaults.
 */
export const SERVICE_NODE_FLAGS: readonly string[] = [
  '--min-semi-space-size=64',
  '--max-semi-space-size=64',
  '--no-allocation-site-pretenuring',
  '--incremental-marking-soft-trigger=80',
  '--incremental-marking-hard-trigger=90',
  '--no-memory-reducer',
];

/**
 * Added on a machine with at most this many cores: V8's parallel collector then has no idle core
 * to run its helper threads on (the service shares its cores with its neighbours, here the
 * upstream and the load), and a pause waits for helpers that cannot run. Measured on 2 cores, 45 s
 * at 40 requests/s each: p99 59.4 ms and 2.95 ms of CPU per request with `--single-threaded-gc`,
 * against 61.2–61.3 ms and 3.21–3.29 ms without.
 */
const SINGLE_THREADED_GC_MAX_CORES = 2;

/** Set in the relaunched service's environment, so it does not relaunch again. */
export const SERVICE_HEAP_ENVIRONMENT_VARIABLE = 'ORDERBRIDGE_SERVICE_HEAP';

/** What {@link serviceLaunch} decides from. */
export interface ServiceLaunchOptions {
  /** Cores this process may use (default `os.availableParallelism()`). */
  cores?: number;
  /** The bin's path. */
  script: string;
  /** The bin's arguments (`process.argv.slice(2)`). */
  args: readonly string[];
  /** `process.execArgv`. */
  execArgv: readonly string[];
  /** `process.env`. */
  env: NodeJS.ProcessEnv;
}

/**
 * The node to start the service in, or undefined to serve from this process: it is that node
 * already, the user sized the heap (node flags or `NODE_OPTIONS`), or set
 * `ORDERBRIDGE_SERVICE_HEAP=off`.
 */
export function serviceLaunch(options: ServiceLaunchOptions): NodeLaunch | undefined {
  const marker = options.env[SERVICE_HEAP_ENVIRONMENT_VARIABLE];
  if (marker === '1' || marker === 'off') return undefined;
  if (hasUserHeapFlags(options.execArgv, options.env.NODE_OPTIONS)) return undefined;
  const cores = options.cores ?? availableParallelism();
  return {
    nodeFlags:
      cores <= SINGLE_THREADED_GC_MAX_CORES
        ? [...SERVICE_NODE_FLAGS, '--single-threaded-gc']
        : SERVICE_NODE_FLAGS,
    script: options.script,
    args: options.args,
    env: { ...options.env, [SERVICE_HEAP_ENVIRONMENT_VARIABLE]: '1' },
  };
}
