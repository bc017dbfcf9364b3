/**
 * A fencing token: the lease generation a worker holds on one (scope, provider) sync job. A store
 * opened with a fence checks, inside the transaction of every sync write (`beginRun`,
 * `applyBatch`, `finishRun`, `failRun`), that the job's lease generation is still this one, and
 * refuses the write with `LeaseLostError` otherwise.
 */
export interface StoreFence {
  scope: string;
  provider: string;
  generation: number;
}
