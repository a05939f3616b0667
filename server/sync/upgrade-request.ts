/**
 * The fetch `Request` Hocuspocus's hooks see for a connection: the WebSocket upgrade request or,
 * for the HTTP fallback, the request that opened the session.
 *
 * Its `url` is the request target (path and query) as node:http gives it, not an absolute URL.
 * Hocuspocus derives `requestParameters` from `request.url` on every message it handles, three
 * times per document update; for an absolute URL that is a full WHATWG URL parse each time (3% of
 * the server's CPU replaying an editing trace), for a target a split of its query string.
 * The absolute URL the `Request` constructor needs is built on a fixed base, never on the
 * client's Host header: a Host that is no valid host made the constructor throw, and the server
 * with it.
 */
import type { IncomingMessage } from 'node:http'

/** A `Request` whose `url` is the request target. */
class UpgradeRequest extends Request {
  readonly #target: string

  constructor(target: string, headers: Headers) {
    super(`http://localhost${target.startsWith('/') ? target : '/'}`, { headers })
    this.#target = target
  }

  override get url(): string {
    return this.#target
  }
}

/** The `Request` Hocuspocus is handed for `request`. */
export function upgradeRequest(request: IncomingMessage): Request {
  const headers = new Headers()
  for (const [name, value] of Object.entries(request.headers)) {
    if (typeof value === 'string') headers.set(name, value)
    else if (Array.isArray(value)) for (const item of value) headers.append(name, item)
  }
  return new UpgradeRequest(request.url ?? '/', headers)
}
