/**
 * Makes Hocuspocus's acknowledgement mean "on disk".
 *
 * Hocuspocus answers every document update with a sync-status message as soon as the update is in
 * memory; the provider counts those to decide that nothing is unsaved. This socket wrapper holds
 * each sync-status message back until every store write enqueued before it is durable, in order.
 * All other messages (remote edits, presence) pass straight through, so fan-out latency does not
 * pay for durability.
 */
import type { WebSocketLike } from '@hocuspocus/server'
import { WebSocket } from 'ws'
import { peekOutgoingType } from '../../shared/frame-inspection.ts'
import { MESSAGE_TYPE_SYNC_STATUS } from '../../shared/protocol.ts'
import type { DurableWriter } from '../storage/durable-writer.ts'

/**
 * The transport under a {@link DurableAckSocket}: a `ws` WebSocket, or anything shaped like one
 * (the HTTP fallback's session).
 */
export interface AckTransport {
  readonly readyState: number
  send(data: Uint8Array): void
  close(code?: number, reason?: string): void
}

/** A Hocuspocus-facing socket whose acknowledgements wait for durability. */
export class DurableAckSocket implements WebSocketLike {
  private acknowledgements: Promise<void> = Promise.resolve()

  private readonly socket: AckTransport
  private readonly writer: DurableWriter
  private readonly durable: boolean

  /**
   * `options.durable` (default true) set to false passes acknowledgements straight through, as
   * stock Hocuspocus does: only for measuring what durability costs (`DURABLE_ACK=false`).
   */
  constructor(socket: AckTransport, writer: DurableWriter, options: { durable?: boolean } = {}) {
    this.socket = socket
    this.writer = writer
    this.durable = options.durable ?? true
  }

  get readyState(): number {
    return this.socket.readyState
  }

  send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
    if (this.durable && data instanceof Uint8Array && isSyncStatus(data)) {
      // Capture the durability target now: later writes must not delay this acknowledgement.
      const durable = this.writer.whenDurable()
      this.acknowledgements = this.acknowledgements
        .then(() => durable)
        .then(() => {
          if (this.socket.readyState === WebSocket.OPEN) this.socket.send(data)
        })
      return
    }
    this.socket.send(data as Uint8Array)
  }

  close(code?: number, reason?: string): void {
    this.socket.close(code, reason)
  }
}

/** True when `message` is a Hocuspocus sync-status (acknowledgement) message. */
export function isSyncStatus(message: Uint8Array): boolean {
  return peekOutgoingType(message) === MESSAGE_TYPE_SYNC_STATUS
}
