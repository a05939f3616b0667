/**
 * Security headers on every HTTP response.
 *
 * The CSP allows scripts only from our own origin (no inline script, no eval), so an injected
 * `<script>` or `onerror=` attribute does nothing even if some rendering path let one through.
 * Styles may be inline: ProseMirror and y-prosemirror's remote carets set `style` attributes.
 * `frame-ancestors 'none'` (and X-Frame-Options for old browsers) stop click-jacking.
 */
import type { ServerResponse } from 'node:http'

/** The Content-Security-Policy sent with every response. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  // 'self' covers ws:/wss: to the same host in current browsers.
  "connect-src 'self'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ')

const HEADERS: Record<string, string> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
}

/** Sets the security headers on `response` (before any `writeHead`, which merges them). */
export function applySecurityHeaders(response: ServerResponse): void {
  for (const [name, value] of Object.entries(HEADERS)) response.setHeader(name, value)
}
