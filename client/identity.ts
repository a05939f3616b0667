/**
 * Who this browser is: a display name and colour kept in localStorage, and a token.
 *
 * The token comes, in this order, from `?token=` in the page URL, from the signed-in session
 * (`POST /api/auth/token`, short-lived), or from the server's loopback-only development endpoint
 * (local use, `DEV_TOKENS`). With none of these the visitor has to sign in.
 */
import { sessionToken } from './api/auth-api.ts'

/** The local user as shown to collaborators. */
export interface LocalUser {
  id: string
  name: string
  color: string
}

const STORAGE_KEY = 'collab.user'
const COLORS = ['#d1495b', '#00798c', '#edae49', '#30638e', '#6a4c93', '#2a9d8f', '#e76f51', '#8ac926']

/** Returns the stored local user, creating a "Guest NNNN" with a colour on first visit. */
export function localUser(): LocalUser {
  const stored = localStorage.getItem(STORAGE_KEY)
  if (stored) {
    try {
      const parsed = JSON.parse(stored) as Partial<LocalUser>
      if (parsed.id && parsed.name && parsed.color) return parsed as LocalUser
    } catch {
      // Corrupt entry: fall through and make a new user.
    }
  }
  const id = crypto.randomUUID()
  const user = { id, name: `Guest ${id.slice(0, 4)}`, color: COLORS[Math.floor(Math.random() * COLORS.length)]! }
  localStorage.setItem(STORAGE_KEY, JSON.stringify(user))
  return user
}

/** Where a token came from. */
export type TokenOrigin = 'url' | 'account' | 'dev'

/** Thrown when there is no way to get a token but signing in. */
export class SignInRequired extends Error {
  override name = 'SignInRequired'
}

/** Gets a token and says where it came from (see the module comment for the order). */
export async function obtainToken(user: LocalUser): Promise<{ token: string; origin: TokenOrigin }> {
  const fromUrl = new URLSearchParams(location.search).get('token')
  if (fromUrl) return { token: fromUrl, origin: 'url' }
  const fromSession = await sessionToken()
  if (fromSession) return { token: fromSession, origin: 'account' }
  const response = await fetch('/api/dev/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: user.id, name: user.name }),
  })
  // Development tokens are off, or this is not a loopback caller: only signing in helps.
  if (response.status === 404 || response.status === 403) throw new SignInRequired('sign in to open documents')
  if (!response.ok) throw new Error(`could not get a token (${response.status}): ${await response.text()}`)
  return { token: ((await response.json()) as { token: string }).token, origin: 'dev' }
}
