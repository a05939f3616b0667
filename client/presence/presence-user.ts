/**
 * What each client publishes about its user in awareness (`state.user`), and reading it back
 * defensively: awareness comes from the network and any client can put anything there.
 */

/** The `user` awareness field. */
export interface PresenceUser {
  /** Stable user id: several tabs of one user share it. */
  id: string
  name: string
  /** CSS colour, `#rrggbb`. */
  color: string
  /** True when the user has been idle or the tab hidden for a while. */
  away: boolean
}

const FALLBACK_COLOR = '#888888'

/** Reads a remote `user` field; `null` when it is missing or not an object. */
export function readPresenceUser(value: unknown, clientId: number): PresenceUser | null {
  if (typeof value !== 'object' || value === null) return null
  const raw = value as Record<string, unknown>
  const name = typeof raw.name === 'string' && raw.name.trim() !== '' ? raw.name.trim().slice(0, 64) : 'Anonymous'
  return {
    id: typeof raw.id === 'string' && raw.id !== '' ? raw.id : `client-${clientId}`,
    name,
    // Only plain hex colours reach a style attribute.
    color: typeof raw.color === 'string' && /^#[0-9a-f]{6}$/i.test(raw.color) ? raw.color : FALLBACK_COLOR,
    away: raw.away === true,
  }
}

/** Initials of `name` for avatars: first and last word's first letters, or one letter. */
export function initials(name: string): string {
  const words = name.split(/\s+/).filter(Boolean)
  const letters = words.length > 1 ? [words[0]![0], words[words.length - 1]![0]] : [...(words[0] ?? '?')].slice(0, 1)
  return letters.join('').toUpperCase()
}
