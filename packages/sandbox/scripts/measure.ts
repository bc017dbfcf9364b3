// Measures start-up time and page latency of the sandbox at a large order count. Not a test (no
// timing assertions anywhere): run it by hand and copy the numbers into the README.
//
//   pnpm --filter @orderbridge/sandbox build
//   node packages/sandbox/scripts/measure.ts [orders=1000000] [repeats=40]
//
// Every latency is a full HTTP round trip over loopback (fetch + JSON.parse of the body), measured
// from this process against a sandbox in the same process.
import { startSandbox } from '../dist/index.js';

const orders = Number(process.argv[2] ?? 1_000_000);
const repeats = Number(process.argv[3] ?? 40);

function percentile(sorted: number[], share: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))] as number;
}

const heapBefore = process.memoryUsage().rss;
const started = performance.now();
const sandbox = await startSandbox({ orders });
const startMs = performance.now() - started;
const rssMb = (process.memoryUsage().rss - heapBefore) / 1e6;

const fpHeaders = {
  authorization: `Bearer ${sandbox.flexportal.apiKey}`,
  'tenant-id': sandbox.flexportal.tenantId,
};
const tokenResponse = await fetch(`${sandbox.flexfactor.baseUrl}oauth2/token`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({
    AppKey: sandbox.flexfactor.appKey,
    AppSecret: sandbox.flexfactor.appSecret,
  }),
});
const { accessToken } = (await tokenResponse.json()) as { accessToken: string };
const ffHeaders = { authorization: `Bearer ${accessToken}` };

interface Row {
  name: string;
  coldMs: number;
  medianMs: number;
  p95Ms: number;
  bytes: number;
}
const rows: Row[] = [];

async function measure(
  name: string,
  url: string,
  headers: Record<string, string>,
): Promise<unknown> {
  const once = async (): Promise<{ ms: number; body: unknown; bytes: number }> => {
    const begin = performance.now();
    const response = await fetch(url, { headers });
    const text = await response.text();
    const body: unknown = JSON.parse(text);
    const ms = performance.now() - begin;
    if (response.status !== 200) throw new Error(`${name}: ${response.status} ${text}`);
    return { ms, body, bytes: text.length };
  };
  const cold = await once();
  const times: number[] = [];
  for (let attempt = 0; attempt < repeats; attempt++) times.push((await once()).ms);
  times.sort((a, b) => a - b);
  rows.push({
    name,
    coldMs: cold.ms,
    medianMs: percentile(times, 0.5),
    p95Ms: percentile(times, 0.95),
    bytes: cold.bytes,
  });
  return cold.body;
}

const fp = (query: string) => `${sandbox.flexportal.baseUrl}/v1/orders${query}`;
const ff = (query: string) => `${sandbox.flexfactor.baseUrl}orders${query}`;

const first = (await measure('FlexPortal first page (limit 50)', fp(''), fpHeaders)) as {
  nextCursor: string;
  orders: { customer: { customerId: string } }[];
};
await measure('FlexPortal first page (limit 100)', fp('?limit=100'), fpHeaders);
// A cursor half-way through the year: the keyset position is data, so move it (same query, same
// fingerprint) to show that depth does not matter.
const cursor = JSON.parse(Buffer.from(first.nextCursor, 'base64url').toString('utf8')) as {
  k: number;
  i: string;
};
cursor.k = Date.UTC(2025, 11, 1);
cursor.i = 'ord_zzzzzzzzzz';
const deepCursor = Buffer.from(JSON.stringify(cursor)).toString('base64url');
await measure(
  'FlexPortal deep cursor page (~500k in, limit 50)',
  fp(`?startAfter=${deepCursor}`),
  fpHeaders,
);
await measure('FlexPortal status=partial (limit 50)', fp('?status=partial'), fpHeaders);
await measure(
  'FlexPortal customerId filter',
  fp(`?customerId=${first.orders[0]?.customer.customerId}`),
  fpHeaders,
);
await measure(
  'FlexPortal sortBy=totals.total asc (limit 50)',
  fp('?sortBy=totals.total&sortDir=asc'),
  fpHeaders,
);
await measure('FlexFactor first page (pageSize 10)', ff(''), ffHeaders);
await measure('FlexFactor first page (pageSize 100)', ff('?pageSize=100'), ffHeaders);
await measure(
  'FlexFactor pageNumber=5000 (pageSize 100, ~500k in)',
  ff('?pageSize=100&pageNumber=5000'),
  ffHeaders,
);
await measure(
  'FlexFactor status=5&status=6, page 20',
  ff('?status=5&status=6&pageNumber=20'),
  ffHeaders,
);
await measure('FlexFactor orderBy=amount&status=7', ff('?orderBy=amount&status=7'), ffHeaders);
await measure(
  'FlexFactor from/to one month',
  ff('?from=2025-09-01&to=2025-09-30T23:59:59Z'),
  ffHeaders,
);
await measure('FlexFactor query=appleseed', ff('?query=appleseed'), ffHeaders);

const insertStarted = performance.now();
for (let index = 0; index < 100; index++) sandbox.flexfactor.store.insert();
const insertMs = (performance.now() - insertStarted) / 100;
await measure('FlexFactor status=5&status=6 after inserts', ff('?status=5&status=6'), ffHeaders);

await sandbox.close();

const format = (value: number) => value.toFixed(1).padStart(7);
console.log(`orders per provider: ${orders.toLocaleString('en-US')}`);
console.log(`startSandbox: ${startMs.toFixed(0)} ms, +${rssMb.toFixed(0)} MB RSS`);
console.log(`store.insert with built indexes: ${insertMs.toFixed(2)} ms each`);
console.log(`node ${process.version}, ${repeats} warm requests per row`);
console.log('');
console.log('| request | cold ms | median ms | p95 ms | body KB |');
console.log('|---|---:|---:|---:|---:|');
for (const row of rows) {
  console.log(
    `| ${row.name} | ${format(row.coldMs)} | ${format(row.medianMs)} | ${format(row.p95Ms)} | ${(row.bytes / 1024).toFixed(0)} |`,
  );
}
