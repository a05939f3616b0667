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
  // Held acknowledgements, in order, each with the writer's mark when it was sent. One wait on the
  // writer at a time releases every one that became durable: a burst of keystrokes costs one
  // promise per store commit, not per keystroke.
  private held: { mark: number; data: Uint8Array }[] = []
  private waiting = false

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
      // Take the mark now: later writes must not delay this acknowledgement.
      const mark = this.writer.mark
      if (this.held.length === 0 && this.writer.isDurable(mark)) {
        this.socket.send(data)
        return
      }
      this.held.push({ mark, data })
      this.waitForDurable()
      return
    }
    this.socket.send(data as Uint8Array)
  }

  private waitForDurable(): void {
    if (this.waiting || this.held.length === 0) return
    this.waiting = true
    void this.writer.whenDurable(this.held[0]!.mark).then(() => {
      this.waiting = false
      let released = 0
      while (released < this.held.length && this.writer.isDurable(this.held[released]!.mark)) released++
      const durable = this.held.splice(0, released)
      if (this.socket.readyState === WebSocket.OPEN) for (const { data } of durable) this.socket.send(data)
      this.waitForDurable()
    })
  }

  close(code?: number, reason?: string): void {
    this.socket.close(code, reason)
  }
}

/** True when `message` is a Hocuspocus sync-status (acknowledgement) message. */
export function isSyncStatus(message: Uint8Array): boolean {
  return peekOutgoingType(message) === MESSAGE_TYPE_SYNC_STATUS
}
