import { setFlagsFromString } from 'node:v8';

/**
 * The V8 flags a streaming command line runs with: a young generation that stays at its initial
 * size (1 MB semi-spaces) and an old generation that grows by half of what is live after each full
 * collection, instead of V8's own up to 4×.
 *
 * Why: an export allocates fast (every page is body text, parsed JSON, validated and canonical
 * orders, output text) but keeps almost nothing. V8 sizes the young generation by allocation
 * rate, up to 2 × 64 MB on a machine with plenty of memory, and lets the old generation grow to
 * several times its live size between full collections; together that made a 1,000,000-order
 * export peak at ≈ 350 MB while its live heap stayed under 64 MB. Both flags are read by V8's
 * heap controller at each collection, so setting them once node runs takes effect — unlike
 * `--max-semi-space-size`, which only counts when node starts and would need a shebang with
 * `env -S`, which BusyBox (Alpine) and the BSDs do not have. Neither caps anything: an operation
 * that really needs more memory still gets it, at the price of more frequent collections (more
 * CPU per order; see the README's "Memory").
 */
export const STREAMING_HEAP_FLAGS: readonly string[] = [
  '--semi-space-growth-factor=1',
  '--heap-growing-percent=50',
];

/**
 * Flags (names, without values) with which the user sizes the heap themselves, on node's command
 * line or in `NODE_OPTIONS` (which takes `--max-semi-space-size` and `--max-old-space-size`). With
 * any of them, the CLI sets none of `STREAMING_HEAP_FLAGS` and V8 behaves as configured.
 */
export const USER_HEAP_FLAGS: readonly string[] = [
  '--max-semi-space-size',
  '--min-semi-space-size',
  '--max-old-space-size',
  '--max-old-space-size-percentage',
  '--max-heap-size',
  '--semi-space-growth-factor',
  '--heap-growing-percent',
];

/** Where `tuneStreamingHeap` looks for the user's own heap flags, and how it sets flags. */
export interface TuneStreamingHeapOptions {
  /** Node's command-line flags (`process.execArgv`). */
  execArgv: readonly string[];
  /** `process.env.NODE_OPTIONS`. */
  nodeOptions: string | undefined;
  /** Sets V8 flags (default `v8.setFlagsFromString`; a test seam). */
  setFlags?: ((flags: string) => void) | undefined;
}

/**
 * Sets `STREAMING_HEAP_FLAGS` in this process unless the user gave one of `USER_HEAP_FLAGS`, and
 * returns the flags it set (none in that case). Call it before the command's modules load, so the
 * young generation has not grown yet.
 */
export function tuneStreamingHeap(options: TuneStreamingHeapOptions): string[] {
  const given = [...options.execArgv, ...(options.nodeOptions ?? '').split(/\s+/)].map(flagName);
  if (given.some((name) => USER_HEAP_FLAGS.includes(name))) return [];
  const setFlags = options.setFlags ?? setFlagsFromString;
  for (const flag of STREAMING_HEAP_FLAGS) setFlags(flag);
  return [...STREAMING_HEAP_FLAGS];
}

/** `--max_semi_space_size=8` → `--max-semi-space-size` (V8 accepts both spellings). */
function flagName(argument: string): string {
  const name = argument.split('=', 1)[0]!;
  return name.startsWith('--') ? `--${name.slice(2).replaceAll('_', '-')}` : name;
}
