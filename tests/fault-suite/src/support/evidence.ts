import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import type { TransportHooks } from '@orderbridge/core';

/**
 * Credentials every scenario of the suite uses. Each run draws a fresh random suffix, so a canary
 * found in a log can only have come from this run's credentials, never from a fixture or a default.
 */
export interface CanaryCredentials {
  /** FlexPortal API key: a secret. */
  flexPortalApiKey: string;
  /** FlexPortal tenant (Business Unit) id: not a secret (it is sent as a plain header). */
  flexPortalTenantId: string;
  /** FlexFactor app key: the public client id (FF-TOKEN), not treated as a secret. */
  flexFactorAppKey: string;
  /** FlexFactor app secret: a secret. */
  flexFactorAppSecret: string;
}

function createCanaries(): CanaryCredentials {
  const suffix = () => randomBytes(8).toString('hex');
  return {
    flexPortalApiKey: `canary-fp-key-${suffix()}`,
    flexPortalTenantId: `bu_canary_${suffix()}`,
    flexFactorAppKey: `canary-ff-app-${suffix()}`,
    flexFactorAppSecret: `canary-ff-secret-${suffix()}`,
  };
}

/** This run's canary credentials (one set for the whole suite). */
export const CANARIES: CanaryCredentials = createCanaries();

/** The kinds of output collected (the segment of a source after its last matching `/`). */
const CHANNEL = /\/(hook|error|stdout|stderr|file|warning)\b/g;

/** One piece of collected text and where it came from. */
export interface EvidenceItem {
  /** Scenario and channel, e.g. `transport-faults/hook flexportal`. */
  source: string;
  /** The text as something could have shown it to a person or a log pipeline. */
  text: string;
}

/** A secret found in collected text. */
export interface Leak {
  source: string;
  secret: string;
  excerpt: string;
}

/**
 * Everything the suite's code under test said: error messages and their JSON and `util.inspect`
 * renderings, every transport hook payload, CLI stdout/stderr, output and checkpoint files. The
 * last test of the suite searches it for the canary credentials and the access tokens issued.
 */
export class Evidence {
  private readonly items: EvidenceItem[] = [];
  private readonly tokens = new Set<string>();
  private readonly counts = new Map<string, number>();

  /** Records a text. */
  add(source: string, text: string): void {
    this.items.push({ source, text });
    const channel = [...source.matchAll(CHANNEL)].at(-1)?.[1] ?? 'other';
    this.counts.set(channel, (this.counts.get(channel) ?? 0) + 1);
  }

  /** Records an error the way a program could log it: message, JSON and `util.inspect`. */
  addError(source: string, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.add(`${source}/error message`, message);
    this.add(`${source}/error json`, safeJson(error));
    this.add(`${source}/error inspect`, inspect(error, { depth: Number.POSITIVE_INFINITY }));
    if (error instanceof Error && error.stack) this.add(`${source}/error stack`, error.stack);
  }

  /** Records a file's current content (read now: the test may delete the file later). */
  addFile(source: string, path: string): void {
    this.add(`${source}/file ${path}`, readFileSync(path, 'utf8'));
  }

  /**
   * Transport hooks that record every payload (as JSON, and errors also through `util.inspect`),
   * then call `extra`'s hooks.
   */
  hooks(source: string, extra: TransportHooks = {}): TransportHooks {
    const record = (kind: string, event: object) =>
      this.add(`${source}/hook ${kind}`, safeJson(event));
    return {
      onRequest: (event) => {
        record('request', event);
        extra.onRequest?.(event);
      },
      onResponse: (event) => {
        record('response', event);
        extra.onResponse?.(event);
      },
      onRetry: (event) => {
        record('retry', event);
        extra.onRetry?.(event);
      },
      onError: (event) => {
        record('error', event);
        this.add(
          `${source}/hook error-inspect`,
          inspect(event, { depth: Number.POSITIVE_INFINITY }),
        );
        extra.onError?.(event);
      },
    };
  }

  /**
   * A `fetch` that remembers every FlexFactor access and refresh token the sandbox issues (read
   * from token responses), so the sweep can look for the real tokens, not just a pattern.
   */
  recordingFetch(): typeof globalThis.fetch {
    return async (input, init) => {
      const response = await globalThis.fetch(input, init);
      const url = input instanceof Request ? input.url : String(input);
      if (url.includes('oauth2/token') && response.ok) {
        try {
          const body = (await response.clone().json()) as Record<string, unknown>;
          for (const field of ['accessToken', 'refreshToken']) {
            const value = body[field];
            if (typeof value === 'string' && value !== '') this.tokens.add(value);
          }
        } catch {
          // A truncated or malformed token body (an injected fault) carries no usable token.
        }
      }
      return response;
    };
  }

  /** Access and refresh tokens seen in token responses so far. */
  issuedTokens(): string[] {
    return [...this.tokens];
  }

  /** How many items each channel (`hook`, `error`, `stdout`, `file`, ...) holds. */
  channelCounts(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  /** Every place one of `secrets` occurs, with a short excerpt (the secret itself masked). */
  findLeaks(secrets: readonly string[], patterns: readonly RegExp[] = []): Leak[] {
    const leaks: Leak[] = [];
    for (const item of this.items) {
      for (const secret of secrets) {
        const at = item.text.indexOf(secret);
        if (at !== -1)
          leaks.push({ source: item.source, secret, excerpt: excerpt(item.text, at, secret) });
      }
      for (const pattern of patterns) {
        for (const match of item.text.matchAll(
          new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`),
        )) {
          leaks.push({
            source: item.source,
            secret: `pattern ${pattern.source}`,
            excerpt: excerpt(item.text, match.index, match[0]),
          });
        }
      }
    }
    return leaks;
  }
}

function excerpt(text: string, at: number, found: string): string {
  const before = text.slice(Math.max(0, at - 60), at);
  const after = text.slice(at + found.length, at + found.length + 60);
  return `${before}<<${found.slice(0, 14)}…>>${after}`;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch (error) {
    return `unserialisable: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** The suite's one evidence collector. */
export const evidence = new Evidence();
