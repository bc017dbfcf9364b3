import ipaddr from 'ipaddr.js';

/** What a webhook URL may point at. */
export interface WebhookAddressPolicy {
  /**
   * Allow loopback addresses (127.0.0.0/8, ::1, `localhost`), over http too — for development
   * and tests only (the service's `ORDERBRIDGE_WEBHOOK_ALLOW_HTTP_LOOPBACK`). Default false.
   */
  allowLoopback?: boolean | undefined;
}

/** Longest accepted URL, in characters. */
export const MAX_WEBHOOK_URL_LENGTH = 2048;

/**
 * Whether an IP address may receive deliveries: only global unicast addresses (ipaddr.js's
 * `unicast` range), and loopback when allowed. Everything else is refused: private (RFC 1918),
 * carrier-grade NAT, link-local, unique-local, multicast, broadcast, unspecified, documentation
 * and other reserved ranges, and IPv6 forms that embed an IPv4 address (IPv4-mapped, 6to4,
 * Teredo, NAT64), which are judged by the IPv4 address they carry when it is mapped.
 */
export function isAllowedAddress(address: string, policy: WebhookAddressPolicy = {}): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  const range = parsed.range();
  if (range === 'unicast') return true;
  return range === 'loopback' && policy.allowLoopback === true;
}

/** A host that names the machine itself (resolved to loopback at delivery time). */
function isLocalhostName(hostname: string): boolean {
  return hostname === 'localhost' || hostname.endsWith('.localhost');
}

/**
 * Checks an endpoint URL at registration, without connecting anywhere: https (http only to a
 * loopback host, and only when loopback is allowed), no credentials, a host that is not a
 * refused IP literal. Host names are checked again at delivery time against every address they
 * resolve to (DNS rebinding), see `webhook-sender.ts`.
 * @returns the problems found (empty when the URL is acceptable).
 */
export function webhookUrlProblems(url: string, policy: WebhookAddressPolicy = {}): string[] {
  if (url.length > MAX_WEBHOOK_URL_LENGTH) {
    return [`must be at most ${MAX_WEBHOOK_URL_LENGTH} characters`];
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return ['must be an absolute URL (https://…)'];
  }
  const problems: string[] = [];
  const hostname = hostOf(parsed);
  const literal = ipaddr.isValid(hostname) ? hostname : undefined;
  const isLoopbackHost =
    isLocalhostName(hostname) ||
    (literal !== undefined &&
      isAllowedAddress(literal, { allowLoopback: true }) &&
      !isAllowedAddress(literal));
  if (parsed.protocol === 'http:') {
    if (!(policy.allowLoopback === true && isLoopbackHost)) {
      problems.push(
        'must use https (http is accepted only for a loopback host, when the service allows it for development)',
      );
    }
  } else if (parsed.protocol !== 'https:') {
    problems.push('must use https');
  }
  if (parsed.username !== '' || parsed.password !== '') {
    problems.push('must not carry credentials (user:password@): receivers verify the signature');
  }
  if (literal !== undefined && !isAllowedAddress(literal, policy)) {
    problems.push(
      `host ${hostname} is a private, loopback, link-local or otherwise non-public address`,
    );
  } else if (literal === undefined && isLocalhostName(hostname) && policy.allowLoopback !== true) {
    problems.push(`host ${hostname} is the local machine`);
  }
  return problems;
}

/** The URL's host without IPv6 brackets. */
export function hostOf(url: URL): string {
  const host = url.hostname;
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}
