/**
 * Hocuspocus extension: nobody can pose as somebody else in presence.
 *
 * Every inbound awareness update is decoded by Hocuspocus into per-client states before it is
 * applied or broadcast (`beforeHandleAwareness`); this extension rewrites that map:
 *
 * - a state for a Yjs clientID that another user's connection already holds is dropped (no
 *   hijacking of someone else's caret or entry); one connection may hold one clientID (a
 *   provider has exactly one), further ones are dropped;
 * - the `user` field's `id` and `name` are overwritten with the authenticated user's, so a
 *   client cannot claim another user's name; `color` must be a short string;
 * - a viewer's state keeps only `user` (`id`, `name`, `color`, `away`) and `cursor` (its
 *   selection): viewers take part in presence, nothing more.
 *
 * Limits: states arriving from other server instances (Redis scale-out) were checked where they
 * came in; this extension sees only this instance's connections.
 */
import type { Connection, Extension } from '@hocuspocus/server'
import type { ConnectionContext } from '../auth/authentication.ts'

/** Awareness fields a viewer may publish. */
export const VIEWER_AWARENESS_FIELDS = ['user', 'cursor'] as const

/** How many Yjs clientIDs one connection may publish presence for. */
export const CLIENT_IDS_PER_CONNECTION = 1

const MAX_COLOR_LENGTH = 32

/** Creates the extension. */
export function awarenessGuard(): Extension {
  return {
    extensionName: 'awareness-guard',
    async beforeHandleAwareness({ states, document, connection, context }) {
      const self = connection as Connection<ConnectionContext> | undefined
      const user = (context as ConnectionContext | undefined)?.user
      // Server-side writes (direct connections) are trusted.
      if (!self || !user) return
      const role = (context as ConnectionContext).role
      dropScratchState(states)
      let held = document.getClients(self).size
      for (const [clientId, state] of [...states]) {
        if (heldByAnotherUser(document.getConnections() as Connection<ConnectionContext | undefined>[], self, clientId, user.id, document)) {
          states.delete(clientId)
          continue
        }
        if (!document.getClients(self).has(clientId)) {
          if (held >= CLIENT_IDS_PER_CONNECTION) {
            states.delete(clientId)
            continue
          }
          held += 1
        }
        states.set(clientId, sanitize(state, user, role === 'viewer'))
      }
    },
  }
}

/**
 * Hocuspocus (4.7) decodes the update into a scratch `Awareness`, whose constructor gives the
 * scratch document's own random clientID an empty local state: the first entry of the map, never
 * sent by the client. Left in, it would count as this connection's clientID (and be broadcast as
 * a ghost peer), so it goes. An empty state carries nothing, so nothing real is lost.
 */
function dropScratchState(states: Map<number, Record<string, unknown>>): void {
  const first = states.entries().next().value
  if (first && Object.keys(first[1]).length === 0) states.delete(first[0])
}

function heldByAnotherUser(
  connections: Connection<ConnectionContext | undefined>[],
  self: Connection,
  clientId: number,
  userId: string,
  document: { getClients(connection: Connection): Set<unknown> },
): boolean {
  for (const other of connections) {
    if (other === self || !document.getClients(other).has(clientId)) continue
    // The same user's other connection (a reconnect racing the old socket's close) may take it over.
    if (other.context?.user?.id !== userId) return true
  }
  return false
}

function sanitize(state: Record<string, unknown>, user: { id: string; name: string }, viewer: boolean): Record<string, unknown> {
  const kept: Record<string, unknown> = viewer ? {} : { ...state }
  if (viewer && 'cursor' in state) kept.cursor = state.cursor
  // States without a `user` field stay without one (not every client publishes who it is).
  if (!('user' in state)) return kept
  const claimed = typeof state.user === 'object' && state.user !== null && !Array.isArray(state.user) ? (state.user as Record<string, unknown>) : {}
  const rewritten: Record<string, unknown> = viewer ? {} : { ...claimed }
  rewritten.id = user.id
  rewritten.name = user.name
  if (typeof claimed.color === 'string' && claimed.color.length <= MAX_COLOR_LENGTH) rewritten.color = claimed.color
  else delete rewritten.color
  if (typeof claimed.away === 'boolean') rewritten.away = claimed.away
  kept.user = rewritten
  return kept
}
