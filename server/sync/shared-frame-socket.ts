/**
 * Frames a broadcast once for all its readers.
 *
 * Hocuspocus broadcasts an update by handing the same encoded `Uint8Array` to every connection of
 * the document. `ws` would then, per reader, build a header, cork the TCP socket, queue header and
 * payload as two writes and uncork them into a `writev`. This transport instead keeps the last
 * message it framed (header and payload in one buffer, built with `ws`'s own `Sender.frame`) and
 * writes that same buffer to every reader's TCP socket: one buffer, one write per reader.
 *
 * Several messages to one reader within one tick (a fast typist's burst, the acknowledgements of a
 * commit) are corked into one `writev`: the first is written at once, as before, and the ones
 * after it are buffered until the tick's work is done (`process.nextTick`), instead of one system
 * call each. Loopback writes were 13% of the server's CPU replaying a trace.
 *
 * The frame bytes are exactly what `ws` would send (unmasked, binary, FIN, no compression), and
 * they go to the same TCP socket `ws` writes its control frames to, in call order. Whenever the
 * shortcut's preconditions do not hold (socket not open, compression negotiated, `ws` holding
 * queued sends, a payload big enough that copying it would cost more than it saves, or a `ws`
 * version whose internals differ), the message goes through `ws.send` unchanged.
 */
import type { Socket } from 'node:net'
import * as wsModule from 'ws'
import { WebSocket } from 'ws'
import type { AckTransport } from './durable-ack-socket.ts'

/** `ws`'s public frame builder, `Sender.frame` (exported by ws 8; @types/ws does not declare it). */
const Sender = (wsModule as unknown as { Sender: { frame(data: Buffer, options: FrameOptions): Buffer[] } }).Sender

interface FrameOptions {
  fin: boolean
  opcode: number
  mask: boolean
  readOnly: boolean
  rsv1: boolean
}

/** Payloads up to this size are framed into one shared buffer; bigger ones go through `ws.send` (no copy). */
export const SHARED_FRAME_MAX_BYTES = 64 * 1024

/** The parts of a `ws` WebSocket's internals the shortcut relies on (present in ws 8). */
interface WsInternals {
  _socket?: Socket | null
  _sender?: { _state?: number; _queue?: unknown[] } | null
  _extensions?: Record<string, unknown>
}

// `ws`'s Sender state when it is not compressing or reading a Blob, i.e. not queueing sends.
const SENDER_IDLE = 0

/**
 * The last message framed, by identity: a broadcast hands the same array to every reader in a row.
 * So a message must not change after it was sent (as with `ws`, which does not copy it either).
 */
let lastMessage: Uint8Array | null = null
let lastFrame: Buffer | null = null

/** How many messages were framed and how many sends reused a frame (for tests and profiling). */
export const sharedFrameStats = { framed: 0, reused: 0, fallback: 0 }

/** `message` as one complete WebSocket frame, built once per distinct message. */
export function frameOnce(message: Uint8Array): Buffer {
  if (message === lastMessage && lastFrame !== null) {
    sharedFrameStats.reused++
    return lastFrame
  }
  const payload = Buffer.from(message.buffer, message.byteOffset, message.byteLength)
  const [header, body] = Sender.frame(payload, { fin: true, opcode: 2, mask: false, readOnly: false, rsv1: false })
  const frame = body === undefined ? header! : Buffer.concat([header!, body], header!.length + body.length)
  lastMessage = message
  lastFrame = frame
  sharedFrameStats.framed++
  return frame
}

/**
 * The sockets written to in this tick, ended together by one `process.nextTick`: a broadcast to
 * 500 readers schedules one callback, not 500 (they were 1% of the server's CPU at human rate).
 */
const writtenThisTick: SharedFrameSocket[] = []

function endOfTick(socket: SharedFrameSocket): void {
  if (writtenThisTick.push(socket) === 1) process.nextTick(endAllTicks)
}

function endAllTicks(): void {
  // A socket ended here may be written to again by later work in this same flush: it then
  // schedules a new round, so take the list first.
  const sockets = writtenThisTick.splice(0)
  for (const socket of sockets) socket.endTick()
}

/** An {@link AckTransport} over a `ws` server-side WebSocket that shares frames between readers. */
export class SharedFrameSocket implements AckTransport {
  private readonly socket: WebSocket
  private readonly internals: WsInternals
  /** No compression negotiated (extensions are settled by the handshake) and `ws`'s internals as expected. */
  private readonly shareable: boolean
  /** The socket written to in this tick ('idle': none yet), and whether it is corked. */
  private tickSocket: Socket | null = null
  private corked = false

  /** `socket` must be open (a server-side socket as `ws` hands it to `connection`). */
  constructor(socket: WebSocket) {
    this.socket = socket
    this.internals = socket as unknown as WsInternals
    const { _extensions: extensions, _sender: sender } = this.internals
    this.shareable = extensions !== undefined && Object.keys(extensions).length === 0 && typeof sender?._state === 'number' && Array.isArray(sender._queue)
  }

  get readyState(): number {
    return this.socket.readyState
  }

  send(data: Uint8Array): void {
    const tcp = this.directSocket(data)
    if (tcp === null) {
      sharedFrameStats.fallback++
      this.socket.send(data)
      return
    }
    if (this.tickSocket === null) {
      this.tickSocket = tcp
      endOfTick(this)
    } else if (!this.corked) {
      // A second message in this tick: buffer it and whatever follows into one write.
      tcp.cork()
      this.corked = true
    }
    tcp.write(frameOnce(data))
  }

  /** Runs once the tick's work is done: writes what was corked. */
  endTick(): void {
    if (this.corked) this.tickSocket?.uncork()
    this.corked = false
    this.tickSocket = null
  }

  close(code?: number, reason?: string): void {
    this.socket.close(code, reason)
  }

  /** The TCP socket to write a pre-framed `data` to, or null to let `ws` send it. */
  private directSocket(data: Uint8Array): Socket | null {
    if (!this.shareable || this.socket.readyState !== WebSocket.OPEN || data.byteLength > SHARED_FRAME_MAX_BYTES) return null
    const { _socket: tcp, _sender: sender } = this.internals
    if (!tcp || tcp.destroyed || !tcp.writable) return null
    // A busy sender (compressing, reading a Blob) has sends queued that must go out first.
    if (!sender || sender._state !== SENDER_IDLE || sender._queue!.length > 0) return null
    return tcp
  }
}
