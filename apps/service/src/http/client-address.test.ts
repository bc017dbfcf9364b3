import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientAddress, compileTrustedProxies } from './client-address.js';

describe('clientAddress', () => {
  const trust = {
    none: undefined,
    loopback: compileTrustedProxies(['loopback']),
    chain: compileTrustedProxies(['loopback', '10.0.0.0/8']),
  };
  let server: ReturnType<typeof serve>;
  let url: string;

  beforeAll(async () => {
    const app = new Hono();
    app.get('/:trust', (context) =>
      context.text(clientAddress(context, trust[context.req.param('trust') as keyof typeof trust])),
    );
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  // The addresses in the header are documentation ranges; nothing connects to them.
  const ask = async (trusted: keyof typeof trust, forwardedFor?: string) =>
    (
      await fetch(`${url}/${trusted}`, {
        headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
      })
    ).text();

  it('is the TCP peer, whatever X-Forwarded-For says, when no proxy is trusted', async () => {
    expect(await ask('none', '203.0.113.7')).toBe('127.0.0.1');
  });

  it('is the forwarded client when the peer is a trusted proxy', async () => {
    expect(await ask('loopback', '203.0.113.7')).toBe('203.0.113.7');
    expect(await ask('loopback')).toBe('127.0.0.1');
  });

  it('skips trusted hops only: a client cannot pass itself off as another by adding hops', async () => {
    expect(await ask('chain', '198.51.100.1, 10.0.0.5')).toBe('198.51.100.1');
    // 10.0.0.5 is not trusted under `loopback` alone, so it is the client.
    expect(await ask('loopback', '198.51.100.1, 10.0.0.5')).toBe('10.0.0.5');
  });

  it('refuses a trusted-proxy entry that is not an address or a range', () => {
    expect(() => compileTrustedProxies(['not-an-address'])).toThrow(TypeError);
  });
});
