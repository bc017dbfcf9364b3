import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a loopback receiver got. */
export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  body: string;
}

/** How a loopback receiver answers: a status code, or `hang` (never answer). */
export type ReceiverAnswer = number | 'hang';

/** A webhook receiver on 127.0.0.1 for tests: records every request and answers as told. */
export interface LoopbackReceiver {
  url: string;
  received: ReceivedRequest[];
  /** Changes how the next requests are answered. */
  answer(next: (request: ReceivedRequest) => ReceiverAnswer): void;
  close(): Promise<void>;
}

/** Starts a receiver on a free loopback port (answers 204 until told otherwise). */
export async function startLoopbackReceiver(path = '/hooks'): Promise<LoopbackReceiver> {
  let answer: (request: ReceivedRequest) => ReceiverAnswer = () => 204;
  const received: ReceivedRequest[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry = { headers: request.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(entry);
      const status = answer(entry);
      if (status === 'hang') return;
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    received,
    answer(next) {
      answer = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
