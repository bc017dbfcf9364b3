import pg from 'pg';

/** Most connections the service's own pool opens (the store's pool is separate). */
export const SERVICE_POOL_MAX_CONNECTIONS = 4;

/** How long opening one connection may take before the pool gives up, in ms. */
const CONNECT_TIMEOUT_MS = 2_000;

/** How long one query may take before the client gives up on it, in ms. */
const QUERY_TIMEOUT_MS = 2_000;

/**
 * Opens the service's own small pool on the store's PostgreSQL database, for the shared rate
 * limits and the readiness check: every request's rate-limit decision is one short query, which
 * must not queue behind slow report queries in the store's pool, and an unreachable database must
 * fail it within seconds rather than hold a connection slot. Connections are opened on first use.
 */
export function openServicePool(connectionString: string): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max: SERVICE_POOL_MAX_CONNECTIONS,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    query_timeout: QUERY_TIMEOUT_MS,
    application_name: 'orderbridge-service',
  });
  // An idle connection the server closes (restart, failover) is reported here; without a
  // listener Node would end the process. The pool drops it and the next query opens another.
  pool.on('error', () => {});
  return pool;
}
