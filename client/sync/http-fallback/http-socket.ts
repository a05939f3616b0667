/**
 * A WebSocket-shaped connection over plain HTTP: Server-Sent Events down, POST up (the wire format
 * is in `shared/http-fallback.ts`). The Hocuspocus provider takes it as its `WebSocketPolyfill`
 * and carries the very same protocol messages over it.
 *
 * It behaves like a browser WebSocket where the provider looks: `readyState` and its constants,
 * `binaryType`, `send`, `close`, `on*` handlers and `addEventListener` for `open`, `message`
 * (with an `ArrayBuffer`), `error` and `close` (with `code`, `reason`).
 *
 * What a WebSocket gets from TCP we do by hand: messages go up in order, one POST at a time,
 * numbered so a retried POST is not applied twice; a broken event stream is resumed with
 * `Last-Event-ID`, so nothing is lost or repeated; only when the session itself is gone (expired,
 * server restarted) does the socket close, and the provider reconnects and resyncs as usual.
 */
import { HTTP_FALLBACK_PATH, SSE_CLOSE_EVENT, SSE_OPEN_EVENT, encodeFrames, type SessionClose } from '../../../shared/http-fallback.ts'
import { readSse, type SseEvent } from './sse-reader.ts'

/** Tuning of {@link HttpFallbackSocket}; the defaults suit browsers. */
export interface HttpSocketOptions {
  /** Most bytes per POST when several messages are waiting. Default 256 KiB (the server may lower it). */
  batchBytes: number
  /** Attempts to resume a broken stream or resend a failed POST before closing. Default 6 (about 15 s). */
  maxRetries: number
  /** First retry delay, doubling. Default 250 ms. */
  retryDelayMs: number
  /** Acknowledge received events after this long when no POST carries the acknowledgement. Default 1 s. */
  ackDelayMs: number
}

/** Defaults of {@link HttpSocketOptions}. */
export const HTTP_SOCKET_DEFAULTS: HttpSocketOptions = { batchBytes: 256 * 1024, maxRetries: 6, retryDelayMs: 250, ackDelayMs: 1_000 }

/** Close code when the session is lost (expired, server gone): like a dropped WebSocket. */
const ABNORMAL_CLOSURE = 1006

/** The HTTP base of the fallback for a provider's WebSocket URL (`ws://h/collab` → `http://h/collab-http`). */
export function httpFallbackUrl(webSocketUrl: string): string {
  const url = new URL(webSocketUrl)
  url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:'
  url.pathname = HTTP_FALLBACK_PATH
  url.search = ''
  return url.toString().replace(/\/$/, '')
}

type Handler = ((event: Event) => void) | null

/** See the module comment. */
export class HttpFallbackSocket extends EventTarget {
  static readonly CONNECTING = 0
  static readonly OPEN = 1
  static readonly CLOSING = 2
  static readonly CLOSED = 3
  readonly CONNECTING = 0
  readonly OPEN = 1
  readonly CLOSING = 2
  readonly CLOSED = 3

  /** The WebSocket URL given (the provider's); requests go to {@link httpFallbackUrl} of it. */
  readonly url: string
  /** Always delivers `ArrayBuffer`s; kept for the WebSocket shape. */
  binaryType: BinaryType = 'arraybuffer'
  readyState = 0
  onopen: Handler = null
  onmessage: Handler = null
  onerror: Handler = null
  onclose: Handler = null
  /** The server's session id, once opened. */
  sessionId: string | null = null
  /** Times the event stream broke and was resumed without losing the session. */
  resumes = 0
  /** Messages delivered; equal to {@link lastEventId} while none was lost or repeated (ids count from 1). */
  received = 0

  private readonly base: string
  private readonly options: HttpSocketOptions
  private readonly aborter = new AbortController()
  private outbox: Uint8Array[] = []
  private posting = false
  private seq = 0
  /** Id of the last server event received (what a resumed stream sends as `Last-Event-ID`). */
  lastEventId = 0
  private ackedEventId = 0
  private ackTimer: ReturnType<typeof setTimeout> | null = null
  private maxBodyBytes = Infinity
  private deleteWhenFlushed = false

  constructor(url: string | URL, options: Partial<HttpSocketOptions> = {}) {
    super()
    this.url = String(url)
    this.base = httpFallbackUrl(this.url)
    this.options = { ...HTTP_SOCKET_DEFAULTS, ...options }
    // A closing page cannot wait for the server to notice the stream is gone: say so.
    globalThis.addEventListener?.('pagehide', this.onPageHide)
    void this.start()
  }

  private readonly onPageHide = (): void => {
    if (this.sessionId === null || this.readyState >= 2) return
    void fetch(`${this.base}/sessions/${this.sessionId}`, { method: 'DELETE', keepalive: true, cache: 'no-store' }).catch(() => {})
  }

  /** Bytes queued but not yet posted (WebSocket's `bufferedAmount`). */
  get bufferedAmount(): number {
    return this.outbox.reduce((sum, message) => sum + message.byteLength, 0)
  }

  /** Queues `data` for the server; dropped once closing, like a WebSocket after `close()`. */
  send(data: ArrayBufferLike | ArrayBufferView | string): void {
    if (this.readyState === 0) throw new DOMException('Still in CONNECTING state.', 'InvalidStateError')
    if (this.readyState !== 1) return
    const bytes =
      typeof data === 'string' ? new TextEncoder().encode(data) : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice() : new Uint8Array(data.slice(0))
    this.outbox.push(bytes)
    void this.flush()
  }

  /** Closes the session: sends what is queued, then tells the server; `close` fires at once. */
  close(code = 1000, reason = ''): void {
    if (this.readyState >= 2) return
    this.readyState = 2
    // Stops the event stream (or a session still being created); queued messages still go out.
    this.aborter.abort()
    if (this.sessionId !== null) {
      this.deleteWhenFlushed = true
      void this.flush()
    }
    setTimeout(() => this.finish({ code, reason }, true), 0)
  }

  private async start(): Promise<void> {
    let session: { id: string; maxBodyBytes?: number }
    try {
      const response = await fetch(`${this.base}/sessions`, { method: 'POST', signal: this.aborter.signal, cache: 'no-store' })
      if (!response.ok) throw new Error(`HTTP ${response.status}`)
      session = (await response.json()) as typeof session
    } catch {
      if (this.readyState >= 2) return
      return this.fail()
    }
    if (this.readyState >= 2) {
      void fetch(`${this.base}/sessions/${session.id}`, { method: 'DELETE', keepalive: true }).catch(() => {})
      return
    }
    this.sessionId = session.id
    this.maxBodyBytes = session.maxBodyBytes ?? Infinity
    void this.stream()
  }

  /** Keeps the event stream attached, resuming after cuts, until the session ends. */
  private async stream(): Promise<void> {
    let failures = 0
    while (this.readyState <= 1) {
      // A stream counts as working if it delivered an event or lasted a while (idle streams carry only comments).
      let progressed = false
      const started = Date.now()
      try {
        const headers: Record<string, string> = { accept: 'text/event-stream' }
        if (this.lastEventId > 0) headers['last-event-id'] = String(this.lastEventId)
        const response = await fetch(`${this.base}/sessions/${this.sessionId}/events`, { headers, signal: this.aborter.signal, cache: 'no-store' })
        // The session is gone (expired, server restarted): as a dropped WebSocket.
        if (response.status === 404 || response.status === 410 || response.status === 400) return this.lose('http session lost')
        if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`)
        await readSse(response.body, (event) => {
          progressed = true
          this.onSseEvent(event)
        })
      } catch {
        if (this.aborter.signal.aborted) return
      }
      if (this.readyState >= 2) return
      failures = progressed || Date.now() - started > 2_000 ? 0 : failures + 1
      if (failures > this.options.maxRetries) return this.lose('http event stream unreachable')
      if (this.readyState === 0 && failures > 0) return this.fail()
      this.resumes++
      await delay(failures === 0 ? 0 : this.options.retryDelayMs * 2 ** (failures - 1))
    }
  }

  private onSseEvent(event: SseEvent): void {
    if (event.event === SSE_OPEN_EVENT) {
      if (this.readyState !== 0) return
      this.readyState = 1
      this.dispatch(new Event('open'))
      return
    }
    const id = Number(event.id)
    // Already seen (a resumed stream never repeats, but be strict about order).
    if (!Number.isSafeInteger(id) || id <= this.lastEventId) return
    this.lastEventId = id
    if (event.event === SSE_CLOSE_EVENT) {
      const close = JSON.parse(event.data) as SessionClose
      this.aborter.abort()
      this.finish(close, true)
      return
    }
    if (this.readyState !== 1) return
    this.received++
    this.dispatch(new MessageEvent('message', { data: base64ToArrayBuffer(event.data) }))
    this.scheduleAck()
  }

  private scheduleAck(): void {
    if (this.ackTimer !== null) return
    this.ackTimer = setTimeout(() => {
      this.ackTimer = null
      if (this.lastEventId > this.ackedEventId) void this.flush(true)
    }, this.options.ackDelayMs)
  }

  /** Posts queued messages in order, one request at a time; `ackOnly` posts even with nothing queued. */
  private async flush(ackOnly = false): Promise<void> {
    if (this.posting || this.sessionId === null) return
    if (this.outbox.length === 0 && !ackOnly) {
      if (this.deleteWhenFlushed) this.deleteSession()
      return
    }
    this.posting = true
    const batch = this.takeBatch()
    const body = encodeFrames(batch)
    const ack = this.lastEventId
    let failures = 0
    for (;;) {
      try {
        const response = await fetch(`${this.base}/sessions/${this.sessionId}/messages?seq=${this.seq}&ack=${ack}`, {
          method: 'POST',
          headers: { 'content-type': 'application/octet-stream' },
          body,
          cache: 'no-store',
          // Lets the last messages of a closing page (the provider's "I left" awareness update) arrive;
          // browsers allow keepalive only for small bodies.
          keepalive: body.byteLength < 32 * 1024,
        })
        // The server closes the session itself on limits (413) and bad frames (400); its close event follows.
        if (response.ok || response.status === 413 || response.status === 400 || response.status === 410 || response.status === 404) {
          await response.body?.cancel()
          if (response.status === 404 || response.status === 410) this.lose('http session lost')
          break
        }
        throw new Error(`HTTP ${response.status}`)
      } catch {
        if (++failures > this.options.maxRetries || (this.readyState === 3 && !this.deleteWhenFlushed)) {
          this.outbox = []
          this.deleteWhenFlushed = false
          this.lose('http messages undeliverable')
          break
        }
        await delay(this.options.retryDelayMs * 2 ** (failures - 1))
      }
    }
    this.seq++
    this.ackedEventId = Math.max(this.ackedEventId, ack)
    this.posting = false
    if (this.readyState <= 1 || this.deleteWhenFlushed) void this.flush()
  }

  private takeBatch(): Uint8Array[] {
    const limit = Math.min(this.options.batchBytes, this.maxBodyBytes)
    const batch: Uint8Array[] = []
    let size = 0
    while (this.outbox.length > 0) {
      const next = this.outbox[0]!
      if (batch.length > 0 && size + next.byteLength + 5 > limit) break
      batch.push(next)
      size += next.byteLength + 5
      this.outbox.shift()
    }
    return batch
  }

  private deleteSession(): void {
    this.deleteWhenFlushed = false
    void fetch(`${this.base}/sessions/${this.sessionId}`, { method: 'DELETE', keepalive: true, cache: 'no-store' }).catch(() => {})
  }

  /** Connecting failed: `error` then `close`, as a WebSocket whose handshake failed. */
  private fail(): void {
    if (this.readyState === 3) return
    this.dispatch(new Event('error'))
    this.finish({ code: ABNORMAL_CLOSURE, reason: '' }, false)
  }

  /** The session is gone under us. */
  private lose(reason: string): void {
    this.aborter.abort()
    this.finish({ code: ABNORMAL_CLOSURE, reason }, false)
  }

  private finish(close: SessionClose, wasClean: boolean): void {
    if (this.readyState === 3) return
    this.readyState = 3
    globalThis.removeEventListener?.('pagehide', this.onPageHide)
    if (!this.deleteWhenFlushed) this.outbox = []
    if (this.ackTimer !== null) clearTimeout(this.ackTimer)
    this.aborter.abort()
    this.dispatch(new CloseEvent('close', { code: close.code, reason: close.reason, wasClean }))
  }

  private dispatch(event: Event): void {
    const handler = (this as unknown as Record<string, Handler>)[`on${event.type}`]
    handler?.call(this, event)
    this.dispatchEvent(event)
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

function base64ToArrayBuffer(text: string): ArrayBuffer {
  const binary = atob(text)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes.buffer
}
