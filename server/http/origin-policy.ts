/**
 * Which browser origins may open a collaboration connection (WebSocket upgrade, HTTP fallback
 * session). Browsers attach cookies to cross-site WebSocket upgrades and no CORS check applies to
 * them, so the server must look at `Origin` itself (cross-site WebSocket hijacking).
 *
 * Allowed: requests without `Origin` (non-browser clients; a browser always sends it on an
 * upgrade), the server's own host, the configured `ALLOWED_ORIGINS`, and — unless switched off
 * with `ALLOW_LOOPBACK_ORIGINS=false` — any loopback origin (the Vite dev server on :5173).
 */
import type { IncomingMessage } from 'node:http'

/** The allow-list. */
export interface OriginPolicy {
  /** Exact origins (`https://app.example.com`) allowed besides the server's own host. */
  allowedOrigins: readonly string[]
  /** Whether `http(s)://localhost|127.0.0.1|[::1]:<any port>` is allowed. */
  allowLoopback: boolean
}

const LOOPBACK_HOSTNAMES = new Set(['localhost', '127.0.0.1', '[::1]'])

/** True when `request` may proceed under `policy`. */
export function isAllowedOrigin(request: IncomingMessage, policy: OriginPolicy): boolean {
  const origin = request.headers.origin
  if (origin === undefined) return request.headers['sec-fetch-site'] !== 'cross-site'
  let url: URL
  try {
    url = new URL(origin)
  } catch {
    return false // includes the literal "null" of sandboxed frames and file: pages
  }
  if (url.host === request.headers.host) return true
  if (policy.allowedOrigins.includes(url.origin)) return true
  return policy.allowLoopback && LOOPBACK_HOSTNAMES.has(url.hostname)
}

/** Parses `ALLOWED_ORIGINS` (comma-separated origins); throws RangeError naming a bad entry. */
export function parseAllowedOrigins(raw: string | undefined): string[] {
  if (!raw) return []
  return raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      let url: URL
      try {
        url = new URL(entry)
      } catch {
        throw new RangeError(`"${entry}" is not an origin like https://app.example.com`)
      }
      if (url.origin !== entry.replace(/\/$/, '')) throw new RangeError(`"${entry}" is not an origin like https://app.example.com`)
      return url.origin
    })
}
