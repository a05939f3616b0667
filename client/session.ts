/**
 * The signed-in (or guest) user of this tab and a cached source of their token, shared by every
 * page. Tokens come from `identity.ts`; a failed fetch is retried on the next call, so a page
 * opened offline gets its token once the network is back.
 */
import type { TokenSource } from './api/documents-api.ts'
import { localUser, obtainToken, SignInRequired, type LocalUser, type TokenOrigin } from './identity.ts'

/** Who is using this tab, and how to get their token. */
export interface Session {
  readonly user: LocalUser
  readonly token: TokenSource
  /** Where the last token came from (`account`: signed in), `null` before the first. */
  readonly origin: TokenOrigin | null
}

let session: Session | null = null

/**
 * The tab's session, created on first use. The user's id and name follow the token's `sub` and
 * `name` claims once it is known, so one person's tabs and browsers count as one presence.
 */
export function currentSession(): Session {
  if (session) return session
  const user = localUser()
  let pending: Promise<string> | null = null
  let expiresAt = Infinity
  let origin: TokenOrigin | null = null
  const token: TokenSource = () => {
    // A token about to expire would be refused on the next reconnect: fetch a fresh one.
    if (pending && Date.now() > expiresAt - TOKEN_REFRESH_MARGIN_MS) pending = null
    pending ??= obtainToken(user).then(
      ({ token: value, origin: from }) => {
        origin = from
        const claims = tokenClaims(value)
        if (claims.name) user.name = claims.name
        if (claims.id) user.id = claims.id
        expiresAt = claims.expiresAt ?? Infinity
        return value
      },
      (error: unknown) => {
        pending = null
        if (error instanceof SignInRequired) goToSignIn()
        throw error
      },
    )
    return pending
  }
  session = {
    user,
    token,
    get origin() {
      return origin
    },
  }
  return session
}

/** Forgets the cached session and token (after signing in or out, or opening a share link). */
export function resetSession(): void {
  session = null
}

/** Sends the visitor to the sign-in page, coming back here afterwards. */
export function goToSignIn(): void {
  if (location.pathname === SIGN_IN_PATH) return
  location.assign(`${SIGN_IN_PATH}?next=${encodeURIComponent(location.pathname + location.search)}`)
}

/** Path of the sign-in page. */
export const SIGN_IN_PATH = '/signin'

/** How long before its expiry a cached token is replaced. */
const TOKEN_REFRESH_MARGIN_MS = 60_000

/**
 * The `sub` (as `id`), `name` and `exp` (as `expiresAt`, epoch ms) claims of a JWT, read without
 * verifying (the server verifies).
 */
export function tokenClaims(token: string): { id: string | null; name: string | null; expiresAt: number | null } {
  try {
    const payload = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { sub?: unknown; name?: unknown; exp?: unknown }
    return {
      id: typeof payload.sub === 'string' && payload.sub !== '' ? payload.sub : null,
      name: typeof payload.name === 'string' ? payload.name : null,
      expiresAt: typeof payload.exp === 'number' ? payload.exp * 1000 : null,
    }
  } catch {
    return { id: null, name: null, expiresAt: null }
  }
}
