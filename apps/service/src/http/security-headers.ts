/**
 * The reference page's policy: its script, styles and fonts come from this service (inline ones
 * included, which the page's configuration uses), it calls only this service (the OpenAPI
 * document), and no other site may frame it.
 */
const DOCS_POLICY = [
  "default-src 'none'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** Everything else is data: nothing to run, nothing to frame. */
const API_POLICY = "default-src 'none'; frame-ancestors 'none'";

/**
 * Sets the security headers every response carries: no MIME sniffing, no referrer, no framing,
 * and a content security policy (a permissive one for the `/docs` page, none at all for data).
 * Headers a route set itself are kept.
 */
export function securityHeaders(headers: Headers, path: string): void {
  const isDocs = path === '/docs' || path.startsWith('/docs/');
  const defaults: Record<string, string> = {
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'content-security-policy': isDocs ? DOCS_POLICY : API_POLICY,
  };
  for (const [name, value] of Object.entries(defaults)) {
    if (!headers.has(name)) headers.set(name, value);
  }
}

/** The headers of {@link securityHeaders} for a response written outside the app (raw socket). */
export function securityHeaderLines(): string[] {
  const headers = new Headers();
  securityHeaders(headers, '/');
  return [...headers].map(([name, value]) => `${name}: ${value}`);
}
