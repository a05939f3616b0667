/**
 * Hocuspocus extension: a connection lives only as long as its token, and is refreshed in place.
 *
 * Tokens minted from a session are short-lived (`SESSION_TOKEN_TTL_S`). Shortly before the token
 * of an open connection expires, the server asks the client for a fresh one (Hocuspocus's
 * token-sync request); the provider answers with an authentication message on the same socket,
 * which Hocuspocus hands to `onTokenSync`. A valid fresh token for the same user extends the
 * connection without closing anything, so nothing is resent and no edit is lost. A connection
 * whose token expired (plus a grace period) without a fresh one is closed with
 * `unauthorized: token expired`; a fresh token that lost access closes it like a revocation.
 */
import type { Connection, Extension } from '@hocuspocus/server'
import { decodeJwt } from 'jose'
import { CLOSE_CODES, formatCloseReason } from '../../shared/close-codes.ts'
import { canEdit } from '../../shared/roles.ts'
import type { AccessPolicy } from '../access/access-policy.ts'
import type { ConnectionContext } from './authentication.ts'
import type { TokenVerifier } from './token-verifier.ts'
import { TokenError } from './tokens.ts'

/** Options for {@link tokenLifetime}. */
export interface TokenLifetimeOptions {
  verify: TokenVerifier
  policy: AccessPolicy
  /** Ask for a fresh token this long before expiry (at most a third of the remaining life). Default 30 s. */
  refreshLeadMs?: number
  /** Close this long after expiry when no fresh token came. Default 5 s. */
  graceMs?: number
}

/** What this extension adds to a connection's context. */
export interface TokenLifetimeContext extends ConnectionContext {
  /** Expiry of the connection's current token, epoch ms; `null` for tokens without one. */
  tokenExpiresAt?: number | null
}

// setTimeout fires at once for delays past 2^31-1 ms; long-lived tokens are re-checked daily.
const MAX_TIMER_MS = 24 * 3600 * 1000

/** Creates the extension. */
export function tokenLifetime(options: TokenLifetimeOptions): Extension {
  const refreshLeadMs = options.refreshLeadMs ?? 30_000
  const graceMs = options.graceMs ?? 5_000
  const timers = new WeakMap<Connection, NodeJS.Timeout[]>()

  const clear = (connection: Connection) => {
    for (const timer of timers.get(connection) ?? []) clearTimeout(timer)
    timers.delete(connection)
  }
  const later = (delay: number, run: () => void) => {
    const timer = setTimeout(run, Math.max(0, Math.min(delay, MAX_TIMER_MS)))
    timer.unref()
    return timer
  }
  const schedule = (connection: Connection<TokenLifetimeContext>, askForFresh = true) => {
    clear(connection)
    const expiresAt = connection.context.tokenExpiresAt
    if (expiresAt === null || expiresAt === undefined) return
    const now = Date.now()
    const requestAt = expiresAt - Math.min(refreshLeadMs, (expiresAt - now) / 3)
    const scheduled: NodeJS.Timeout[] = []
    if (askForFresh && requestAt > now) {
      scheduled.push(
        later(requestAt - now, () => {
          if (Date.now() < requestAt) return schedule(connection)
          connection.requestToken()
        }),
      )
    }
    scheduled.push(
      later(expiresAt + graceMs - now, () => {
        if (Date.now() < expiresAt + graceMs) return schedule(connection)
        close(connection, CLOSE_CODES.unauthorized, 'token expired')
      }),
    )
    timers.set(connection, scheduled)
  }
  const close = (connection: Connection, entry: (typeof CLOSE_CODES)[keyof typeof CLOSE_CODES], detail: string) => {
    clear(connection)
    connection.close({ code: entry.code, reason: formatCloseReason(entry, detail) })
  }

  return {
    extensionName: 'token-lifetime',
    // After `authentication` (priority 100 by default, in array order): the token is verified.
    async onAuthenticate({ token }) {
      return { tokenExpiresAt: expiryOf(token) }
    },
    async connected({ connection }) {
      schedule(connection as Connection<TokenLifetimeContext>)
      connection.onClose(() => clear(connection))
    },
    async onTokenSync({ token, connection, documentName }) {
      const context = (connection as Connection<TokenLifetimeContext>).context
      let claims
      try {
        claims = await options.verify(token)
      } catch (error) {
        if (error instanceof TokenError) return close(connection, CLOSE_CODES.unauthorized, error.message)
        throw error
      }
      if (claims.user.id !== context.user.id) return close(connection, CLOSE_CODES.unauthorized, 'a fresh token must be for the same user')
      const role = await options.policy.roleFor(claims, documentName)
      if (role === null) return close(connection, CLOSE_CODES.forbidden, 'access revoked')
      if (canEdit(role) !== canEdit(context.role)) return close(connection, CLOSE_CODES.accessChanged, `you are now ${role}`)
      context.role = role
      context.grants = claims.grants
      context.user.name = claims.user.name
      const previous = context.tokenExpiresAt ?? null
      context.tokenExpiresAt = expiryOf(token)
      // A "fresh" token that expires no later than the old one: do not ask again (the client has
      // nothing newer); the connection closes at expiry unless the client sends one on its own.
      const extended = previous === null || context.tokenExpiresAt === null || context.tokenExpiresAt > previous
      schedule(connection as Connection<TokenLifetimeContext>, extended)
    },
  }
}

function expiryOf(token: string): number | null {
  try {
    const { exp } = decodeJwt(token)
    return typeof exp === 'number' ? exp * 1000 : null
  } catch {
    return null
  }
}
