// Measures churn at a large order count: the time of a 1% churn, listings right after it, and a full
// NDJSON export. Not a test (no timing assertions anywhere): run it by hand and copy the numbers
// into the README.
//
//   pnpm --filter @orderbridge/sandbox build
//   node packages/sandbox/scripts/measure-churn.ts [orders=1000000] [rounds=3]
import { startSandbox } from '../dist/index.js';

const orders = Number(process.argv[2] ?? 1_000_000);
const rounds = Number(process.argv[3] ?? 3);

const sandbox = await startSandbox({ orders });
const headers = {
  authorization: `Bearer ${sandbox.flexportal.apiKey}`,
  'tenant-id': sandbox.flexportal.tenantId,
};

/** One FlexPortal list request, full round trip with JSON.parse, in ms. */
async function list(query: string): Promise<string> {
  const started = performance.now();
  const response = await fetch(`${sandbox.flexportal.baseUrl}/v1/orders?${query}`, { headers });
  await response.json();
  return (performance.now() - started).toFixed(1);
}

/** Runs `work` and returns its duration in ms, with its result. */
function timed<T>(work: () => T): [string, T] {
  const started = performance.now();
  const result = work();
  return [(performance.now() - started).toFixed(0), result];
}

console.log(`orders per provider: ${orders.toLocaleString('en-US')}`);
console.log(
  `first sortBy=updatedAt page (builds the index): ${await list('sortBy=updatedAt&limit=100')} ms`,
);
console.log(`status=pending page before churn: ${await list('status=pending&limit=100')} ms`);
for (let round = 1; round <= rounds; round++) {
  const [churnMs, result] = timed(() =>
    sandbox.flexportal.churn({ fraction: 0.01, newOrders: Math.round(orders / 1000) }),
  );
  console.log(
    `round ${round}: FlexPortal churn 1% (${result.changed.length} changed, ${result.created.length} new): ${churnMs} ms;` +
      ` then updatedAt page ${await list('sortBy=updatedAt&sortDir=desc&limit=100')} ms,` +
      ` createdAt page ${await list('limit=100')} ms, status=pending page ${await list('status=pending&limit=100')} ms`,
  );
}
const [flexFactorMs, flexFactor] = timed(() => sandbox.flexfactor.churn({ fraction: 0.01 }));
console.log(`FlexFactor churn 1% (${flexFactor.changed.length} changed): ${flexFactorMs} ms`);

const exportStarted = performance.now();
const response = await fetch(`${sandbox.url}/_sandbox/flexportal/export`);
let bytes = 0;
let peakRss = 0;
for await (const chunk of response.body as ReadableStream<Uint8Array>) {
  bytes += chunk.length;
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}
console.log(
  `FlexPortal export: ${(bytes / 1e6).toFixed(0)} MB in ${(performance.now() - exportStarted).toFixed(0)} ms,` +
    ` peak RSS ${(peakRss / 1e6).toFixed(0)} MB (sandbox and client in one process)`,
);
await sandbox.close();
