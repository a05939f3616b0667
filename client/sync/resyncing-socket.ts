/**
 * The provider's WebSocket, minus one habit: it does not keep document-sync frames queued while
 * the connection is down [OFF5].
 *
 * `HocuspocusProviderWebsocket.send` queues every frame it cannot send and sends the whole queue
 * when the next connection's first reply arrives. While offline the provider sends one Yjs update
 * frame per transaction, so an hour offline is thousands of queued frames, all sent at once on
 * reconnect. They are redundant: every (re)connection starts with the sync handshake (step 1 and
 * step 2 both ways), which carries every change the other side lacks, the offline ones included.
 * And they do harm: the server's per-connection rate limit holds them back (30 a second past a
 * burst of 300), the handshake's step 2 waits behind them, and the server's acknowledgement of the
 * first of them zeroes the provider's unsynced-changes counter (restarted at 1 by the handshake),
 * so "All changes saved" showed while the server still lacked part of the offline changes.
 *
 * Only sync frames are dropped. Authentication, presence (which the provider already de-duplicates
 * in its queue), stateless and close frames are queued as before.
 */
import { HocuspocusProviderWebsocket, MessageType } from '@hocuspocus/provider'
import * as decoding from 'lib0/decoding'

/** `WebSocket.OPEN`, the one ready state in which the provider sends instead of queueing. */
const OPEN = 1

/** A {@link HocuspocusProviderWebsocket} that drops, rather than queues, sync frames it cannot send now. */
export class ResyncingSocket extends HocuspocusProviderWebsocket {
  override send(message: unknown): void {
    if (this.webSocket?.readyState !== OPEN && isSyncFrame(message)) return
    super.send(message)
  }
}

/**
 * True when `message` is a Hocuspocus sync frame (`varString documentName`, `varUint type` with
 * type `Sync`): a y-protocols step 1, step 2 or update.
 */
export function isSyncFrame(message: unknown): boolean {
  if (!(message instanceof Uint8Array)) return false
  try {
    const decoder = decoding.createDecoder(message)
    decoding.readVarString(decoder)
    return decoding.readVarUint(decoder) === MessageType.Sync
  } catch {
    return false
  }
}
