/**
 * One HTTP fallback connection on the server: to Hocuspocus it is a WebSocket (`readyState`,
 * `send`, `close`); to the client it is a Server-Sent Events stream that can break and resume.
 *
 * Every message sent is kept, numbered, until the client acknowledges it (in a POST, or by
 * resuming a stream with `Last-Event-ID`), so a stream cut by a proxy loses nothing and repeats
 * nothing. What a session may hold is bounded ({@link HttpSessionLimits}); a client that stops
 * acknowledging is closed rather than buffered for.
 */
import type { ServerResponse } from 'node:http'
import { SSE_CLOSE_EVENT, SSE_OPEN_EVENT, type SessionClose } from '../../shared/http-fallback.ts'
import type { AckTransport } from '../sync/durable-ack-socket.ts'

/** WebSocket ready states (the numbers Hocuspocus and `DurableAckSocket` compare against). */
const OPEN = 1
const CLOSED = 3

/** Close code for a client that lets unacknowledged events pile up past the limit (RFC 6455 "try again later"). */
export const SLOW_CONSUMER_CLOSE: SessionClose = { code: 1013, reason: 'slow-consumer: too many unacknowledged events' }

/** Bounds on one session. */
export interface HttpSessionLimits {
  /** Most bytes of sent-but-unacknowledged events kept for resuming; past it the session closes with 1013. */
  maxBufferedBytes: number
}

interface BufferedEvent {
  id: number
  /** The complete SSE text of the event. */
  text: string
}

/** An HTTP fallback session; see the module comment. */
export class HttpSession implements AckTransport {
  /** Unguessable id: whoever knows it speaks for this connection. */
  readonly id: string
  /** The client address, for the per-address session cap. */
  readonly address: string
  /** `1` (open) until closed by either side, then `3`. */
  readyState = OPEN
  /** Time of the client's last request (stream attach or POST), for idle expiry. */
  lastActivity = Date.now()
  /** The `seq` the next POST must carry. */
  nextSeq = 0
  /** How the session ended, once it has. */
  closedWith: SessionClose | null = null

  private readonly limits: HttpSessionLimits
  private readonly onClose: (close: SessionClose) => void
  private readonly events: BufferedEvent[] = []
  private bufferedBytes = 0
  private nextEventId = 1
  private stream: ServerResponse | null = null
  private opened = false
  private lastWrite = Date.now()

  /** `onClose` runs once, after whichever side closed the session (Hocuspocus's `handleClose` goes there). */
  constructor(id: string, address: string, limits: HttpSessionLimits, onClose: (close: SessionClose) => void) {
    this.id = id
    this.address = address
    this.limits = limits
    this.onClose = onClose
  }

  /** True while a client stream is attached. */
  get streaming(): boolean {
    return this.stream !== null
  }

  /** Sends one protocol message (Hocuspocus calls this). Ignored once closed, like `ws`. */
  send(data: Uint8Array): void {
    if (this.readyState !== OPEN) return
    const id = this.nextEventId++
    this.push({ id, text: `id: ${id}\ndata: ${Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64')}\n\n` })
    if (this.bufferedBytes > this.limits.maxBufferedBytes) this.close(SLOW_CONSUMER_CLOSE.code, SLOW_CONSUMER_CLOSE.reason)
  }

  /**
   * Closes the session from the server side (Hocuspocus, limits, shutdown): the client receives a
   * close event after every message sent before it, then the stream ends.
   */
  close(code = 1000, reason = ''): void {
    if (this.readyState !== OPEN) return
    const close = { code, reason }
    // Numbered like a message, so a client resuming after a cut still receives it, in order.
    const id = this.nextEventId++
    this.push({ id, text: `id: ${id}\nevent: ${SSE_CLOSE_EVENT}\ndata: ${JSON.stringify(close)}\n\n` })
    this.finish(close)
    this.stream?.end()
    this.stream = null
  }

  /** The client went away (DELETE, idle expiry, server stop): no close event can reach it. */
  drop(code: number, reason: string): void {
    if (this.readyState !== OPEN) return
    this.finish({ code, reason })
    this.detach()
  }

  /** Forgets every event up to and including `eventId`: the client has it. */
  acknowledge(eventId: number): void {
    while (this.events.length > 0 && this.events[0]!.id <= eventId) {
      this.bufferedBytes -= this.events.shift()!.text.length
    }
  }

  /**
   * Makes `response` the session's stream, replaying every event after `lastEventId` (0: all
   * kept). A stream already attached is ended: the client has given up on it. Returns false
   * (and attaches nothing) when `lastEventId` names an event never sent.
   */
  attach(response: ServerResponse, lastEventId: number): boolean {
    if (lastEventId >= this.nextEventId) return false
    this.detach()
    this.acknowledge(lastEventId)
    this.lastActivity = Date.now()
    this.stream = response
    if (!this.opened) {
      this.opened = true
      this.write(`event: ${SSE_OPEN_EVENT}\ndata: \n\n`)
    }
    for (const event of this.events) this.write(event.text)
    if (this.readyState !== OPEN) {
      response.end()
      this.stream = null
      return true
    }
    response.once('close', () => {
      if (this.stream === response) {
        this.stream = null
        this.lastActivity = Date.now()
      }
    })
    return true
  }

  /** True when events after `eventId` are still kept (a closed session's close event, for a late resume). */
  hasEventsAfter(eventId: number): boolean {
    return this.events.some((event) => event.id > eventId)
  }

  /** Writes an SSE comment to an attached stream quiet for `quietMs` (keeps proxies from timing it out). */
  heartbeat(quietMs: number): void {
    if (!this.stream || Date.now() - this.lastWrite < quietMs) return
    this.write(': keep-alive\n\n')
  }

  /** Ends the attached stream without closing the session. */
  detach(): void {
    const stream = this.stream
    this.stream = null
    stream?.end()
  }

  private push(event: BufferedEvent): void {
    this.events.push(event)
    this.bufferedBytes += event.text.length
    this.write(event.text)
  }

  private write(text: string): void {
    if (!this.stream) return
    this.stream.write(text)
    this.lastWrite = Date.now()
  }

  private finish(close: SessionClose): void {
    this.readyState = CLOSED
    this.closedWith = close
    // Later, as with `ws`: Hocuspocus may be closing us from inside its own bookkeeping.
    queueMicrotask(() => this.onClose(close))
  }
}
