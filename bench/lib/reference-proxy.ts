/**
 * The reference proxy of the service scenario, run as its own process (`node
 * bench/lib/reference-proxy.ts <upstream origin>`): what the least a JSON proxy can do costs. For
 * every request it sends the same path and headers to the upstream with `fetch`, reads the body,
 * `JSON.parse`s it, `JSON.stringify`s it again and answers it on `node:http`. It prints its port
 * on stdout when it listens. No validation, mapping, authentication, logging or metrics: the
 * service's added latency is compared with this one's, measured in the same run.
 */
import { createServer } from 'node:http';

const upstream = process.argv[2];
if (!upstream) {
  process.stderr.write('usage: node reference-proxy.ts <upstream origin>\n');
  process.exit(2);
}
/** Headers the client's request forwards upstream (the provider's credentials). */
const FORWARDED = ['authorization', 'tenant-id', 'accept'];

const server = createServer(async (request, response) => {
  try {
    const headers: Record<string, string> = {};
    for (const name of FORWARDED) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const answer = await fetch(`${upstream}${request.url ?? '/'}`, { headers });
    const body = JSON.stringify(JSON.parse(await answer.text()));
    response.writeHead(answer.status, { 'content-type': 'application/json' });
    response.end(body);
  } catch (error) {
    response.writeHead(502, { 'content-type': 'text/plain' });
    response.end(error instanceof Error ? error.message : String(error));
  }
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${typeof address === 'object' && address ? address.port : 0}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
