import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a loopback receiver got. */
export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  body: string;
  /** How it was answered. */
  answer: ReceiverAnswer;
}

/** How a loopback receiver answers: a status code, or `hang` (never answer). */
export type ReceiverAnswer = number | 'hang';

/** A webhook receiver on 127.0.0.1 for tests: records every request and answers as told. */
export interface LoopbackReceiver {
  url: string;
  port: number;
  received: ReceivedRequest[];
  /** Changes how the next requests are answered. */
  answer(next: (request: Omit<ReceivedRequest, 'answer'>) => ReceiverAnswer): void;
  close(): Promise<void>;
}

/**
 * Starts a webhook receiver on a free port of 127.0.0.1 (answers 204 until told otherwise), for
 * tests of outgoing webhooks. With `port`, listens on that port (to bring a receiver that was
 * closed back at the same URL).
 */
export async function startLoopbackReceiver(
  options: { path?: string; port?: number } = {},
): Promise<LoopbackReceiver> {
  const path = options.path ?? '/hooks';
  let answer: (request: Omit<ReceivedRequest, 'answer'>) => ReceiverAnswer = () => 204;
  const received: ReceivedRequest[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry: ReceivedRequest = {
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        answer: 'hang',
      };
      const status = answer(entry);
      entry.answer = status;
      received.push(entry);
      if (status === 'hang') return;
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    port,
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
