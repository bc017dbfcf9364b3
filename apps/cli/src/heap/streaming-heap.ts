import { hasUserHeapFlags } from '@orderbridge/config/node-relaunch';

/**
 * The node flags a streaming command (`orders export`, `orders list --all`, `sync`) runs with: a young
 * generation capped at 2 MB semi-spaces and an old generation that grows by half of what is live
 * after each full collection, instead of V8's own up to 4×.
 *
 * Why: an export allocates fast (every page is body text, parsed JSON, validated and canonical
 * orders, output text) but keeps almost nothing. V8 sizes the young generation by allocation
 * rate, up to 2 × 64 MB on a machine with plenty of memory, and lets the old generation grow to
 * several times its live size between full collections; together that made a 1,000,000-order
 * export peak at ≈ 350 MB while its live heap stayed under 64 MB. Neither flag caps the heap: an
 * operation that really needs more memory still gets it, at the price of more frequent
 * collections (more CPU per order; see the README's "Memory").
 *
 * How: Node documents V8 flags as start-up options (`v8.setFlagsFromString` after start-up is
 * undefined behaviour), so for a streaming command the `orderbridge` bin starts node again with
 * these flags on its command line: in its own process (`process.execve`, same pid), or where that
 * is impossible (Windows) in a child (a shebang cannot carry the flags: `env -S` is missing from
 * BusyBox and the BSDs, and NODE_OPTIONS does not accept `--heap-growing-percent`). Other commands
 * run in the first process, with no extra start.
 */
export const STREAMING_NODE_FLAGS: readonly string[] = [
  // 2 MB rather than 1: at 1,000,000 orders, three interleaved pairs of exports peaked 2–4 MB
  // lower and used 6–10% less CPU (fewer short-lived objects promoted to the old generation).
  '--max-semi-space-size=2',
  '--heap-growing-percent=50',
];

/** Set in the environment of the started command: it is the command, and launches nothing. */
export const LAUNCHED_ENVIRONMENT_VARIABLE = 'ORDERBRIDGE_STREAMING_HEAP';

/**
 * glibc's allocator settings for a streaming command (variables glibc reads when the process
 * starts; other C libraries ignore them). Why: measured on a 100,000-order export, malloc'd memory
 * outside V8's heap grew by ≈ 35 MB, most of it free memory the allocator kept — V8's
 * background threads (compilers, garbage collector) each get an arena of their own (up to 8 per
 * core), and once a large block (a page body, the text of a write) has been freed, glibc raises its
 * mmap threshold and serves later large blocks from those arenas, where freed memory stays.
 * Two arenas, and a fixed mmap threshold at glibc's own default (128 KiB, which turns the raising
 * off: a large block is mapped and handed back to the kernel when freed), took ≈ 15 MB off the
 * peak at the same CPU.
 */
export const STREAMING_MALLOC_ENVIRONMENT: Readonly<Record<string, string>> = {
  MALLOC_ARENA_MAX: '2',
  MALLOC_MMAP_THRESHOLD_: '131072',
};

/** The glibc tunable (in `GLIBC_TUNABLES`) each variable of `STREAMING_MALLOC_ENVIRONMENT` sets. */
const MALLOC_TUNABLES: Readonly<Record<string, string>> = {
  MALLOC_ARENA_MAX: 'glibc.malloc.arena_max',
  MALLOC_MMAP_THRESHOLD_: 'glibc.malloc.mmap_threshold',
};

/**
 * The environment a streaming command starts with: `env`, the launched marker, and each
 * allocator setting the user did not make (by its variable or in `GLIBC_TUNABLES`).
 */
export function streamingEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const launched: NodeJS.ProcessEnv = { ...env, [LAUNCHED_ENVIRONMENT_VARIABLE]: '1' };
  const tunables = env.GLIBC_TUNABLES ?? '';
  for (const [name, value] of Object.entries(STREAMING_MALLOC_ENVIRONMENT)) {
    if (env[name] !== undefined || tunables.includes(`${MALLOC_TUNABLES[name]}=`)) continue;
    launched[name] = value;
  }
  return launched;
}

/** What `streamingLaunchFlags` decides from. */
export interface StreamingLaunchOptions {
  /** The CLI's arguments (`process.argv.slice(2)`). */
  args: readonly string[];
  /** Node's command-line flags (`process.execArgv`). */
  execArgv: readonly string[];
  /** `process.env.NODE_OPTIONS`. */
  nodeOptions: string | undefined;
  /** Whether this process is already the started command (execve'd or a child). */
  isLaunched: boolean;
}

/**
 * The node flags to start the command with (in this process replaced, or a child), or undefined
 * to run it here: it is not a streaming command, it only asks for help, this is the started
 * command already, or the user sized the heap.
 */
export function streamingLaunchFlags(options: StreamingLaunchOptions): string[] | undefined {
  if (options.isLaunched || !isStreamingCommand(options.args)) return undefined;
  if (hasUserHeapFlags(options.execArgv, options.nodeOptions)) return undefined;
  return [...STREAMING_NODE_FLAGS];
}

/**
 * `orders export …`, `orders list --all …`, `sync` (not `sync status`) or `worker`, not asking for
 * help.
 */
function isStreamingCommand(args: readonly string[]): boolean {
  if (args.includes('--help') || args.includes('-h')) return false;
  const orders = args.indexOf('orders');
  // A sync streams every page into the store: the same allocation pattern as an export (at
  // 300,000 orders: 487 MB peak with V8's own sizing, 264 MB with these flags).
  const sync = args.indexOf('sync');
  if (sync !== -1 && orders === -1) return args[sync + 1] !== 'status';
  // A worker runs one sync after another for as long as it is up.
  if (orders === -1) return args.includes('worker');
  const rest = args.slice(orders + 1);
  return rest.includes('export') || (rest.includes('list') && rest.includes('--all'));
}
