import {
  AuthenticationError,
  createOrderClient,
  type OrderBridgeError,
  paginate,
} from '@orderbridge/core';
import type { Sandbox } from '@orderbridge/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startSandboxProcess, temporaryDirectory } from '../support/cli-process.js';
import { CANARIES, Evidence, evidence } from '../support/evidence.js';
import { drain, flexFactorOn, flexPortalOn, startSuiteSandbox } from '../support/suite-sandbox.js';

/** Wrong credentials that are canaries too: a provider rejecting them must not echo them. */
const WRONG = {
  flexPortalApiKey: `${CANARIES.flexPortalApiKey}-wrong`,
  flexFactorAppSecret: `${CANARIES.flexFactorAppSecret}-wrong`,
};

/** A bearer credential that was not masked (16+ token characters after `Bearer`). */
const UNMASKED_BEARER = /Bearer\s+(?!\[REDACTED\])[A-Za-z0-9._~+/=-]{16,}/i;
/** A JWT, as FlexFactor's access tokens are (header and payload start with `{"` → `eyJ`). */
const JWT = /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/;

async function failure(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error('the call was expected to fail');
}

/**
 * Canary secrets: every scenario of the suite ran with this run's canary credentials and recorded
 * what the code under test said (errors as message, JSON and `util.inspect`; every transport hook
 * payload; CLI stdout and stderr with `--debug`; output and checkpoint files). This section adds
 * the paths where a secret is most at risk (rejected credentials, `providers check`), then the
 * last test searches everything for the canaries and for the access tokens the sandbox issued.
 * Must be registered last.
 */
export function describeCanarySweep(): void {
  describe('canary secrets in every log and output of the suite', () => {
    let sandbox: Sandbox;

    beforeAll(async () => {
      sandbox = await startSuiteSandbox({ flexportal: 10, flexfactor: 10, seed: 91 });
    });
    afterAll(() => sandbox.close());

    it('rejected credentials fail with AuthenticationError without echoing them', async () => {
      const portal = flexPortalOn(sandbox, {
        label: 'canary/wrong key',
        apiKey: WRONG.flexPortalApiKey,
      });
      const factor = flexFactorOn(sandbox, {
        label: 'canary/wrong secret',
        appSecret: WRONG.flexFactorAppSecret,
      });
      for (const [name, provider] of [
        ['flexportal', portal],
        ['flexfactor', factor],
      ] as const) {
        const error = await failure(() => drain(paginate(provider, { limit: 5 })));
        evidence.addError(`canary/wrong ${name}`, error);
        expect(AuthenticationError.isInstance(error)).toBe(true);
        expect((error as OrderBridgeError).provider).toBe(name);
      }
      const client = createOrderClient({ providers: [portal, factor], onProviderError: 'partial' });
      const iteration = client.iterate({ limit: 5 });
      await drain(iteration);
      for (const entry of iteration.errors) evidence.addError('canary/wrong partial', entry.error);
      expect(iteration.errors).toHaveLength(2);
    });

    it('the CLI with --debug: providers, providers check, and a rejected secret (exit 1)', async () => {
      const process = await startSandboxProcess({ flexportal: 10, flexfactor: 10, seed: 92 });
      try {
        const cwd = await temporaryDirectory();
        const list = await runCli(['providers'], {
          env: process.env,
          cwd,
          label: 'canary/cli providers',
        });
        expect(list.code, list.stderr).toBe(0);
        expect(list.stdout).toContain('flexfactor');
        const check = await runCli(['providers', 'check'], {
          env: process.env,
          cwd,
          label: 'canary/cli providers check',
        });
        expect(check.code, check.stderr).toBe(0);
        const rejected = await runCli(['orders', 'list', '--limit', '3'], {
          env: { ...process.env, FLEXFACTOR_APP_SECRET: WRONG.flexFactorAppSecret },
          cwd,
          label: 'canary/cli wrong secret',
        });
        expect(rejected.code, rejected.stderr).toBe(1);
        expect(rejected.stderr).toMatch(/flexfactor/);
      } finally {
        await process.stop();
      }
    });

    it('the sweep finds a planted canary (the search itself works)', () => {
      const planted = new Evidence();
      planted.add('planted/text', `{"headers":{"authorization":"Bearer ${'x'.repeat(20)}"}}`);
      planted.add('planted/text', `oops ${CANARIES.flexPortalApiKey} leaked`);
      const leaks = planted.findLeaks([CANARIES.flexPortalApiKey], [UNMASKED_BEARER, JWT]);
      expect(leaks.map((leak) => leak.secret)).toEqual([
        `pattern ${UNMASKED_BEARER.source}`,
        CANARIES.flexPortalApiKey,
      ]);
    });

    it('no canary secret, access token or unmasked bearer credential appears anywhere', () => {
      const channels = evidence.channelCounts();
      // The sweep is not vacuous: every kind of output was collected.
      for (const channel of ['hook', 'error', 'stdout', 'stderr', 'file']) {
        expect(channels[channel] ?? 0, `${channel} items collected`).toBeGreaterThan(0);
      }
      const tokens = evidence.issuedTokens();
      // Tokens were issued and renewed during the suite (the token-expiry scenarios ran).
      expect(tokens.length).toBeGreaterThan(2);
      const secrets = [
        CANARIES.flexPortalApiKey,
        CANARIES.flexFactorAppSecret,
        WRONG.flexPortalApiKey,
        WRONG.flexFactorAppSecret,
        ...tokens,
      ];
      const leaks = evidence.findLeaks(secrets, [UNMASKED_BEARER, JWT]);
      expect(leaks.slice(0, 20)).toEqual([]);
    });
  });
}
