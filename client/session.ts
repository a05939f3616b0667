/**
 * The signed-in (or guest) user of this tab and a cached source of their token, shared by every
 * page. Tokens come from `identity.ts`; a failed fetch is retried on the next call, so a page
 * opened offline gets its token once the network is back.
 */
import type { TokenSource } from './api/documents-api.ts'
import { localUser, obtainToken, type LocalUser } from './identity.ts'

/** Who is using this tab, and how to get their token. */
export interface Session {
  readonly user: LocalUser
  readonly token: TokenSource
}

let session: Session | null = null

/** The tab's session, created on first use. The user's name follows the token's `name` claim. */
export function currentSession(): Session {
  if (session) return session
  const user = localUser()
  let pending: Promise<string> | null = null
  const token: TokenSource = () => {
    pending ??= obtainToken(user).then(
      (value) => {
        const name = tokenName(value)
        if (name) user.name = name
        return value
      },
      (error: unknown) => {
        pending = null
        throw error
      },
    )
    return pending
  }
  session = { user, token }
  return session
}

/** The `name` claim of a JWT, read without verifying (the server verifies). */
export function tokenName(token: string): string | null {
  try {
    const payload = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { name?: unknown }
    return typeof payload.name === 'string' ? payload.name : null
  } catch {
    return null
  }
}
