import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

/**
 * The address of the peer that sent the request (the TCP peer: behind a proxy, the proxy), or
 * `unknown` when the request did not come over a socket (`app.request` in tests).
 */
export function clientAddress(context: Context): string {
  try {
    return getConnInfo(context).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
