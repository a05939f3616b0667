/**
 * The bench clients' keep-alive: a state request (sync step 1) every {@link KEEPALIVE_MS}, each
 * client at its own random phase.
 *
 * Hocuspocus closes a connection that has sent nothing for 60 s; a reader without presence sends
 * nothing after connecting, so without a keep-alive it was dropped mid-run and its reconnection
 * (about a second) showed up as a latency. Every client, whatever its server, sends the same
 * request at the same rate.
 *
 * Each client has its own phase. The providers' own timers (`forceSyncInterval`,
 * `resyncInterval`) start at connection, and a room's readers connect within a second of each
 * other: every 30 s all 100 or 500 of them asked the server at once, a burst no real document
 * sees. Real clients' periodic messages (presence renewals) are spread over time, as people open a
 * document at different moments; so are these.
 *
 * The request is written straight to the socket, not through HocuspocusProvider's `forceSync()`:
 * that also resets the provider's count of unacknowledged changes, and a typist's reset in the
 * middle of a keystroke's round trip would have marked it saved early.
 */
import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import type * as Y from 'yjs'

/** The sync message type, the same in both protocols. */
const MESSAGE_SYNC = 0

/** How often each client asks for the server's state. */
export const KEEPALIVE_MS = 30_000

/** Calls `request` every {@link KEEPALIVE_MS}, first after a random part of it; returns the stop. */
export function staggeredKeepAlive(request: () => void, periodMs = KEEPALIVE_MS): () => void {
  let interval: NodeJS.Timeout | undefined
  const first = setTimeout(() => {
    request()
    interval = setInterval(request, periodMs)
  }, Math.random() * periodMs)
  return () => {
    clearTimeout(first)
    clearInterval(interval)
  }
}

/** A sync step 1 carrying `ydoc`'s state vector, prefixed with `documentName` for Hocuspocus. */
export function stateRequest(ydoc: Y.Doc, documentName: string | null): Uint8Array<ArrayBuffer> {
  const encoder = encoding.createEncoder()
  if (documentName !== null) encoding.writeVarString(encoder, documentName)
  encoding.writeVarUint(encoder, MESSAGE_SYNC)
  syncProtocol.writeSyncStep1(encoder, ydoc)
  return encoding.toUint8Array(encoder)
}
