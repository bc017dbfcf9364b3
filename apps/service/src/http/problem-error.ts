import type { ProblemInit, ProblemName } from './problem.js';

/**
 * Thrown by a handler to answer with a problem; the app's error handler renders it. Lets typed
 * OpenAPI handlers return only their documented success bodies.
 */
export class ProblemError extends Error {
  /** The problem name. */
  readonly problem: ProblemName;
  /** The problem's fields. */
  readonly init: ProblemInit;
  /** Extra response headers. */
  readonly headers: Record<string, string>;

  constructor(problem: ProblemName, init: ProblemInit, headers: Record<string, string> = {}) {
    super(init.detail);
    this.name = 'ProblemError';
    this.problem = problem;
    this.init = init;
    this.headers = headers;
  }
}
