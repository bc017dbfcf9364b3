import type { IncomingMessage } from 'node:http';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import proxyaddr from 'proxy-addr';

/** Decides whether an address (a TCP peer or an `X-Forwarded-For` hop) is a trusted proxy. */
export type TrustedProxies = (address: string, hop: number) => boolean;

/**
 * Compiles `ORDERBRIDGE_TRUSTED_PROXIES`: addresses, CIDR ranges (`10.0.0.0/8`) and the names
 * `loopback`, `linklocal`, `uniquelocal` (proxy-addr's, as Express reads them).
 * @throws TypeError naming the entry that is not an address or a range.
 */
export function compileTrustedProxies(entries: readonly string[]): TrustedProxies {
  return proxyaddr.compile([...entries]);
}

/**
 * The address of the client that sent the request: the TCP peer, or — when the peer is a trusted
 * proxy (a load balancer) — the nearest `X-Forwarded-For` hop that is not itself trusted, so that
 * per-address throttles see clients rather than the balancer. `unknown` when the request did not
 * come over a socket (`app.request` in tests). Without trusted proxies the header is ignored: any
 * client could write it.
 */
export function clientAddress(context: Context, trusted?: TrustedProxies): string {
  let peer: string;
  try {
    peer = getConnInfo(context).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
  if (trusted === undefined || peer === 'unknown') return peer;
  const forwardedFor = context.req.header('x-forwarded-for');
  // proxy-addr reads only these fields of Node's request.
  const request = {
    headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
    connection: { remoteAddress: peer },
    socket: { remoteAddress: peer },
  } as unknown as IncomingMessage;
  return proxyaddr(request, trusted);
}
