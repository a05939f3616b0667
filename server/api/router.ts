/**
 * A small router for `/api/*`: matches method and path pattern (`/api/documents/:name`),
 * authenticates the caller, and turns thrown {@link ApiError}s into JSON problems.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AccessClaims } from '../auth/tokens.ts'
import type { Logger } from '../log.ts'
import { sendProblem } from '../http/respond.ts'
import { requestTarget } from '../http/request-target.ts'
import { ApiError } from './api-error.ts'

/** HTTP methods the API uses. */
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

/** What a route handler receives. */
export interface RouteContext {
  request: IncomingMessage
  response: ServerResponse
  /** Decoded path parameters. */
  params: Record<string, string>
  query: URLSearchParams
  /** The authenticated caller. */
  claims: AccessClaims
}

/** One route. Handlers write the response or throw {@link ApiError}. */
export interface Route {
  method: Method
  /** Path pattern; `:name` segments match one non-empty segment. */
  pattern: string
  handler: (context: RouteContext) => Promise<void>
}

/** Authenticates a request: its claims, or `null` when not signed in. */
export type Authenticator = (request: IncomingMessage) => Promise<AccessClaims | null>

/** Handles a request; returns false when no route's pattern matches its path. */
export type ApiHandler = (request: IncomingMessage, response: ServerResponse) => boolean

/** Creates the router for `routes`. Routes with `public: true` semantics go in `publicRoutes`. */
export function createRouter(routes: readonly Route[], authenticate: Authenticator, log: Logger, publicRoutes: readonly Route[] = []): ApiHandler {
  const compiled = [...publicRoutes.map((route) => ({ route, open: true })), ...routes.map((route) => ({ route, open: false }))].map(
    ({ route, open }) => ({ route, open, regex: compile(route.pattern), keys: keysOf(route.pattern) }),
  )
  return (request, response) => {
    // The server answered targets that do not parse with 400 before the router.
    const url = requestTarget(request) ?? new URL('http://localhost/')
    const matches = compiled
      .map((entry) => ({ entry, match: entry.regex.exec(url.pathname) }))
      .filter((candidate) => candidate.match !== null)
    if (matches.length === 0) return false
    const chosen = matches.find((candidate) => candidate.entry.route.method === request.method)
    if (!chosen) {
      const allowed = [...new Set(matches.map((candidate) => candidate.entry.route.method))].join(', ')
      response.setHeader('allow', allowed)
      sendProblem(response, 405, 'method-not-allowed', `${request.method} is not allowed on ${url.pathname}; use ${allowed}`)
      return true
    }
    const params: Record<string, string> = {}
    let badParam = false
    chosen.entry.keys.forEach((key, index) => {
      try {
        params[key] = decodeURIComponent(chosen.match![index + 1]!)
      } catch {
        badParam = true
      }
    })
    if (badParam) {
      sendProblem(response, 400, 'bad-request', 'path is not valid percent-encoding')
      return true
    }
    if (chosen.entry.route.method !== 'GET' && isCrossSite(request)) {
      // Session cookies ride along on cross-site requests; changes must come from our own pages
      // (or from clients that send no Origin at all, like curl with a bearer token).
      sendProblem(response, 403, 'forbidden', 'cross-site requests may not change anything')
      return true
    }
    void (async () => {
      const claims = chosen.entry.open ? { user: { id: '', name: '' }, grants: {} } : await authenticate(request)
      if (!claims) throw new ApiError('unauthorized', 'sign in, or send "Authorization: Bearer <token>"')
      await chosen.entry.route.handler({ request, response, params, query: url.searchParams, claims })
    })().catch((error: unknown) => {
      if (response.headersSent) {
        log.error({ err: error, path: url.pathname }, 'api handler failed after responding')
        response.destroy()
        return
      }
      if (error instanceof ApiError) return sendProblem(response, error.status, error.code, error.message)
      log.error({ err: error, path: url.pathname }, 'api handler failed')
      sendProblem(response, 500, 'internal', 'the server failed to handle this request')
    })
    return true
  }
}

/** True when a browser says the request comes from another site. */
function isCrossSite(request: IncomingMessage): boolean {
  if (request.headers['sec-fetch-site'] === 'cross-site') return true
  const origin = request.headers.origin
  if (origin === undefined) return false
  try {
    return new URL(origin).host !== request.headers.host
  } catch {
    return true
  }
}

function compile(pattern: string): RegExp {
  const source = pattern
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '([^/]+)' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/')
  return new RegExp(`^${source}/?$`)
}

function keysOf(pattern: string): string[] {
  return pattern
    .split('/')
    .filter((segment) => segment.startsWith(':'))
    .map((segment) => segment.slice(1))
}
