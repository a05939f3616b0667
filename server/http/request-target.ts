/**
 * The request target of an HTTP request (`request.url` in node:http: path and query), parsed
 * once, safely. Clients choose every byte of it: `new URL(target, base)` throws on targets like
 * `//[` (read as an authority), and one throw in a request handler used to end the process.
 * Only origin-form targets (`/path?query`, what browsers and our clients send) are served; the
 * server answers anything else with 400 before any handler sees it.
 */
import type { IncomingMessage } from 'node:http'

/** The base that makes an origin-form target a URL; only path and query are ever read from it. */
const BASE = 'http://localhost'

/** The request's target as a URL, or null when it is not origin-form or does not parse. */
export function requestTarget(request: IncomingMessage): URL | null {
  const target = request.url ?? '/'
  if (!target.startsWith('/')) return null
  try {
    // Concatenated, not resolved against the base: "//x" is a path here, not a host.
    return new URL(BASE + target)
  } catch {
    return null
  }
}
