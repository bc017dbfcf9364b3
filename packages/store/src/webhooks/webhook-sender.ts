import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import {
  hostOf,
  isAllowedAddress,
  type WebhookAddressPolicy,
  webhookUrlProblems,
} from './webhook-url.js';

/** Why an attempt failed, as the attempt log records it. */
export type WebhookErrorClass =
  | 'http_status'
  | 'timeout'
  | 'connection'
  | 'dns'
  | 'refused_address'
  | 'invalid_url';

/** The outcome of one POST. */
export type SendResult =
  | { ok: true; statusCode: number }
  | { ok: false; statusCode: number | null; errorClass: WebhookErrorClass; message: string };

/** Most response bytes read (and discarded): a receiver's answer is not kept. */
const MAX_RESPONSE_BYTES = 64 * 1024;

class RefusedAddressError extends Error {
  readonly code = 'EWEBHOOKREFUSED';
}

/**
 * POSTs a signed delivery. Host names are resolved here, and every resolved address is checked
 * against the policy inside the connection's own lookup, so the address that is checked is the
 * address that is connected to (no window for DNS rebinding). Redirects are not followed (a 3xx
 * is a failed attempt). Never throws: failures are results, with a message free of headers and
 * secrets.
 */
export function sendWebhook(options: {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  policy: WebhookAddressPolicy;
}): Promise<SendResult> {
  const problems = webhookUrlProblems(options.url, options.policy);
  if (problems.length > 0) {
    return Promise.resolve({
      ok: false,
      statusCode: null,
      errorClass: problems.some((problem) => problem.startsWith('host'))
        ? 'refused_address'
        : 'invalid_url',
      message: `The endpoint URL ${problems.join('; ')}`,
    });
  }
  const url = new URL(options.url);
  const host = hostOf(url);
  const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
    dnsLookup(hostname, { ...lookupOptions, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) {
        callback(error, '', 4);
        return;
      }
      const refused = addresses.find((entry) => !isAllowedAddress(entry.address, options.policy));
      if (refused !== undefined || addresses.length === 0) {
        callback(
          new RefusedAddressError(
            `${hostname} resolves to ${refused?.address ?? 'no address'}, which deliveries may not reach`,
          ),
          '',
          4,
        );
        return;
      }
      if (lookupOptions.all === true) {
        (callback as unknown as (error: null, addresses: LookupAddress[]) => void)(null, addresses);
      } else {
        const [first] = addresses as [LookupAddress];
        callback(null, first.address, first.family);
      }
    });
  };
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise<SendResult>((resolve) => {
    const signal = AbortSignal.timeout(options.timeoutMs);
    const request = transport.request(
      url,
      {
        method: 'POST',
        signal,
        // A literal IP never goes through a lookup; it was checked by webhookUrlProblems.
        ...(ipaddr.isValid(host) ? {} : { lookup }),
        headers: {
          ...options.headers,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(options.body)),
          'user-agent': 'OrderBridge-Webhooks/1',
        },
      },
      (response) => {
        let received = 0;
        response.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > MAX_RESPONSE_BYTES) response.destroy();
        });
        response.on('error', () => {});
        response.on('close', () => {
          const statusCode = response.statusCode ?? 0;
          resolve(
            statusCode >= 200 && statusCode < 300
              ? { ok: true, statusCode }
              : {
                  ok: false,
                  statusCode,
                  errorClass: 'http_status',
                  message: `The endpoint answered ${statusCode}`,
                },
          );
        });
        response.resume();
      },
    );
    request.on('error', (error: NodeJS.ErrnoException) => {
      resolve(failureOf(error, signal.aborted, options.timeoutMs));
    });
    request.end(options.body);
  });
}

function failureOf(error: NodeJS.ErrnoException, timedOut: boolean, timeoutMs: number): SendResult {
  if (timedOut) {
    return {
      ok: false,
      statusCode: null,
      errorClass: 'timeout',
      message: `No complete answer within ${timeoutMs} ms`,
    };
  }
  if (error instanceof RefusedAddressError) {
    return { ok: false, statusCode: null, errorClass: 'refused_address', message: error.message };
  }
  if (error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') {
    return {
      ok: false,
      statusCode: null,
      errorClass: 'dns',
      message: `The host name could not be resolved (${error.code})`,
    };
  }
  return {
    ok: false,
    statusCode: null,
    errorClass: 'connection',
    message: `The connection failed (${error.code ?? error.message})`,
  };
}
