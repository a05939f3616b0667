/**
 * Frames a broadcast once for all its readers.
 *
 * Hocuspocus broadcasts an update by handing the same encoded `Uint8Array` to every connection of
 * the document. `ws` would then, per reader, build a header, cork the TCP socket, queue header and
 * payload as two writes and uncork them into a `writev`. This transport instead keeps the last
 * message it framed (header and payload in one buffer, built with `ws`'s own `Sender.frame`) and
 * writes that same buffer to every reader's TCP socket: one buffer, one write per reader.
 *
 * A reader's first message in a tick is written when the tick's work is done (`process.nextTick`),
 * or, for a broadcast, as soon as every reader has been handed it (broadcast-writes.ts), together
 * with every other reader's: a broadcast to many readers is then split with the fan-out
 * thread (fanout-thread.ts), which writes part of the sockets on another core while the main thread
 * writes the rest. Several messages to one reader within one tick (a fast typist's burst, the
 * acknowledgements of a commit) are corked into one `writev`: the first is written as soon as the
 * second arrives, and the ones after it are buffered until the end of the tick, instead of one
 * system call each. Loopback writes were 13% of the server's CPU replaying a trace.
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
import { FANOUT_CAPACITY, NOT_WRITTEN, WRITING } from './fanout-thread-layout.ts'
import { notePhase } from './fanout-phases.ts'
import type { FanoutThread } from './fanout-thread.ts'

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

/** How many messages were framed, how many sends reused a frame, how many went to the fan-out thread (for tests and profiling). */
export const sharedFrameStats = { framed: 0, reused: 0, fallback: 0, threaded: 0, threadUnfinished: 0 }

/** The fan-out thread, once {@link useFanoutThread} set one, and the least readers of one frame worth handing it. */
let fanout: { thread: FanoutThread; minReaders: number } | null = null

/**
 * Shares every broadcast to at least `minReaders` sockets with `thread` (`null`: the main thread
 * writes everything). Below that, waking the thread costs about what it would save.
 */
export function useFanoutThread(thread: FanoutThread | null, minReaders = 32): () => void {
  const chosen = thread ? { thread, minReaders: Math.max(2, minReaders) } : null
  fanout = chosen
  // Another server in this process may have chosen its own since.
  return () => {
    if (fanout === chosen) fanout = null
  }
}

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
  notePhase('writes-start', sockets.length)
  writeWaitingFrames(sockets)
  notePhase('writes-end', sockets.length)
  for (const socket of sockets) socket.endTick()
}

/**
 * Writes now every frame waiting for the end of the tick: a broadcast's, once every connection has
 * been handed it (broadcast-writes.ts). The sockets stay in their tick: a later message to one of
 * them in this tick is corked behind it until the tick ends, as before.
 */
export function writeTickFramesNow(): void {
  if (writtenThisTick.length === 0) return
  notePhase('writes-start', writtenThisTick.length)
  writeWaitingFrames(writtenThisTick)
  notePhase('writes-end', writtenThisTick.length)
}

/** Writes every socket's waiting first frame of the tick; a frame bound for many sockets, on two threads. */
function writeWaitingFrames(sockets: readonly SharedFrameSocket[]): void {
  const byFrame = new Map<Buffer, Socket[]>()
  for (const socket of sockets) {
    const waiting = socket.takeWaitingFrame()
    if (waiting === null) continue
    const readers = byFrame.get(waiting.frame)
    if (readers) readers.push(waiting.tcp)
    else byFrame.set(waiting.frame, [waiting.tcp])
  }
  for (const [frame, readers] of byFrame) {
    if (fanout !== null && readers.length >= fanout.minReaders && fanout.thread.canTake(frame.length)) writeOnTwoThreads(fanout.thread, frame, readers)
    else for (const tcp of readers) tcp.write(frame)
  }
}

/**
 * Lends `thread` the readers with nothing queued in their streams or in libuv (so the frame goes
 * first) and takes them back from the far end until the two meet; the others it writes itself.
 */
function writeOnTwoThreads(thread: FanoutThread, frame: Buffer, readers: readonly Socket[]): void {
  const lent: { tcp: Socket; fd: number }[] = []
  const kept: Socket[] = []
  for (const tcp of readers) {
    const handle = (tcp as unknown as { _handle?: { fd?: number; writeQueueSize?: number } | null })._handle
    const fd = handle?.fd
    if (lent.length === FANOUT_CAPACITY || typeof fd !== 'number' || fd < 0 || handle!.writeQueueSize !== 0 || tcp.writableLength !== 0) kept.push(tcp)
    else lent.push({ tcp, fd })
  }
  if (lent.length > 0) {
    thread.start(
      frame,
      lent.map(({ fd }) => fd),
    )
  }
  for (const tcp of kept) tcp.write(frame)
  if (lent.length === 0) return
  for (let i = thread.take(); i !== -1; i = thread.take()) lent[i]!.tcp.write(frame)
  const written = thread.finish()
  for (const [i, { tcp }] of lent.entries()) {
    if (written[i] === NOT_WRITTEN) continue
    sharedFrameStats.threaded++
    finishLentWrite(tcp, frame, written[i]!)
  }
}

/** Completes what the thread did for one socket: the rest of a partial write, or all of a failed one, through the stream. */
function finishLentWrite(tcp: Socket, frame: Buffer, written: number): void {
  if (written === frame.length) return
  sharedFrameStats.threadUnfinished++
  // The thread stalled mid-write (never seen): the socket's stream may hold part of a frame.
  if (written === WRITING) return void tcp.destroy()
  // Short write, EAGAIN, or an error the stream reports for itself (EPIPE, ECONNRESET).
  tcp.write(written > 0 ? frame.subarray(written) : frame)
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
  /** The tick's first frame, until the end of the tick or a second message writes it. */
  private waitingFrame: Buffer | null = null

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
      this.writeWaitingFrame()
      this.socket.send(data)
      return
    }
    const frame = frameOnce(data)
    if (this.tickSocket === null) {
      // The first message of the tick waits for the end of the tick, with every other reader's.
      this.tickSocket = tcp
      this.waitingFrame = frame
      endOfTick(this)
      return
    }
    this.writeWaitingFrame()
    if (!this.corked) {
      // A second message in this tick: buffer it and whatever follows into one write.
      tcp.cork()
      this.corked = true
    }
    tcp.write(frame)
  }

  /** The first frame of the tick, if it still waits (for {@link writeWaitingFrames}), with its TCP socket. */
  takeWaitingFrame(): { tcp: Socket; frame: Buffer } | null {
    const frame = this.waitingFrame
    const tcp = this.tickSocket
    this.waitingFrame = null
    // A socket that closed meanwhile gets nothing, as `ws.send` would not send on it.
    if (frame === null || tcp === null || tcp.destroyed || !tcp.writable || this.socket.readyState !== WebSocket.OPEN) return null
    return { tcp, frame }
  }

  /** Runs once the tick's work is done: writes what was corked. */
  endTick(): void {
    if (this.corked) this.tickSocket?.uncork()
    this.corked = false
    this.tickSocket = null
  }

  close(code?: number, reason?: string): void {
    this.writeWaitingFrame()
    this.socket.close(code, reason)
  }

  /** Writes the tick's first frame now: something else must follow it. */
  private writeWaitingFrame(): void {
    const waiting = this.takeWaitingFrame()
    if (waiting) waiting.tcp.write(waiting.frame)
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
