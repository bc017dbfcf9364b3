import type { Sandbox } from '@orderbridge/sandbox';
import type { ProviderEntry } from './provider-entry.js';

/** Provider entries that point both built-in providers at a running sandbox (its default tenant). */
export function sandboxProviderEntries(sandbox: Sandbox): ProviderEntry[] {
  return [
    {
      type: 'flexportal',
      apiKey: sandbox.flexportal.apiKey,
      tenantId: sandbox.flexportal.tenantId,
      baseUrl: sandbox.flexportal.baseUrl,
    },
    {
      type: 'flexfactor',
      appKey: sandbox.flexfactor.appKey,
      appSecret: sandbox.flexfactor.appSecret,
      baseUrl: sandbox.flexfactor.baseUrl,
    },
  ];
}
