/**
 * Which client connection a Yjs transaction on a Hocuspocus document came from. Hocuspocus 4
 * applies a connection's updates with the origin `{ source: 'connection', connection }`; the store,
 * another instance and the server itself use other origins.
 */
import type { Connection } from '@hocuspocus/server'

/** The connection a transaction came from, or `null` (store, another instance, the server itself). */
export function connectionOfOrigin(origin: unknown): Connection | null {
  if (typeof origin !== 'object' || origin === null) return null
  const { source, connection } = origin as { source?: unknown; connection?: Connection }
  return source === 'connection' && connection ? connection : null
}
