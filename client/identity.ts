/**
 * Who this browser is: a display name and colour kept in localStorage, and a token.
 *
 * Until accounts exist the token comes from `?token=` in the page URL or, failing that, from the
 * server's loopback-only development endpoint.
 */

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

/** Gets a token: `?token=` from the URL, else one minted by the development endpoint for `user`. */
export async function obtainToken(user: LocalUser): Promise<string> {
  const fromUrl = new URLSearchParams(location.search).get('token')
  if (fromUrl) return fromUrl
  const response = await fetch('/api/dev/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: user.id, name: user.name }),
  })
  if (!response.ok) throw new Error(`could not get a token (${response.status}): ${await response.text()}`)
  return ((await response.json()) as { token: string }).token
}
