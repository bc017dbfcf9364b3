/**
 * The exit codes of `orderbridge`, documented in the README. Scripts can rely on them: 2 means
 * "fix the command or the configuration", 1 "something outside failed", 3 "look at what is missing",
 * 4 "the ledger and the store differ".
 */
export const ExitCode = {
  /** Everything worked. */
  ok: 0,
  /** A provider, network or runtime error. */
  failure: 1,
  /** A usage or configuration error: bad flag, bad value, bad config file. */
  usage: 2,
  /** Partial result (`--allow-partial`): at least one provider failed, the others' orders were output. */
  partial: 3,
  /** `report reconcile`: the ledger and the store differ (the report lists how). */
  differences: 4,
  /** Interrupted by Ctrl-C or SIGTERM (128 + SIGINT). */
  interrupted: 130,
} as const;

/** One of the documented exit codes. */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
