/**
 * Chooses between a WebSocket and the HTTP fallback for each connection attempt, and says which
 * one is in use.
 *
 * The provider gets {@link TransportSelector.WebSocket}, a WebSocket-shaped class. Each instance
 * (one per connection attempt) starts with the preferred transport and, when it cannot open,
 * tries the other before reporting failure, so a blocked WebSocket costs one failed handshake,
 * not a reconnect backoff. HTTP becomes preferred when a WebSocket fails but HTTP opens, or when
 * WebSockets keep dropping right after they open (a proxy that accepts the upgrade and then cuts
 * it). While on HTTP a probe WebSocket is tried in the background, backing off; once one opens
 * and stays open, the HTTP connection is closed and the provider reconnects over WebSocket.
 */
import { HttpFallbackSocket, type HttpSocketOptions } from './http-socket.ts'

/** The two transports. */
export type TransportKind = 'websocket' | 'http'

/** Why HTTP is in use. */
export type FallbackReason = 'websocket-failed' | 'websocket-dropping' | 'forced'

/** Options of {@link createTransportSelector}. */
export interface TransportSelectorOptions {
  /** `auto` (default) selects as described above; `websocket` or `http` forces one. */
  mode: 'auto' | TransportKind
  /** A connection (either transport) not open after this long counts as failed. Default 5 s. */
  openTimeoutMs: number
  /** A WebSocket cut (code 1005/1006) sooner than this after opening counts as dropped right after open. Default 5 s. */
  earlyDropMs: number
  /** Drops right after open in a row that switch to HTTP. Default 2. */
  earlyDropLimit: number
  /** First background probe after settling on HTTP, doubling after each failed probe. Default 15 s. */
  probeDelayMs: number
  /** Longest time between probes. Default 5 min. */
  probeMaxDelayMs: number
  /** How long a probe WebSocket must stay open to count as working. Default 3 s. */
  probeHoldMs: number
  /** Options of the HTTP sockets. */
  http: Partial<HttpSocketOptions>
  /** The WebSocket class (default: the global one). */
  WebSocket: typeof WebSocket
}

/** Defaults of {@link TransportSelectorOptions} (except `WebSocket`). */
export const TRANSPORT_DEFAULTS = {
  mode: 'auto',
  openTimeoutMs: 5_000,
  earlyDropMs: 5_000,
  earlyDropLimit: 2,
  probeDelayMs: 15_000,
  probeMaxDelayMs: 300_000,
  probeHoldMs: 3_000,
  http: {},
} as const satisfies Omit<TransportSelectorOptions, 'WebSocket'>

/** A WebSocket-shaped class the provider can construct: `new Socket(url)`. */
export type SocketClass = new (url: string) => EventTarget

/** The selector's state and its socket class. */
export interface TransportSelector {
  /** Pass as the provider's `WebSocketPolyfill`. */
  readonly WebSocket: SocketClass
  /** The transport of the open connection, or of the next attempt when none is open. */
  readonly current: TransportKind
  /** Why HTTP is in use; null on WebSocket. */
  readonly reason: FallbackReason | null
  /** Calls `listener` whenever {@link current} or {@link reason} may have changed; returns an unsubscribe. */
  onChange(listener: () => void): () => void
  /** Stops probing and forgets listeners (open sockets stay with the provider). */
  destroy(): void
}

/** Close code with which an HTTP connection is ended to move back to WebSocket. */
export const SWITCH_TO_WEBSOCKET_CLOSE = { code: 4000, reason: 'switching to WebSocket' } as const

type Inner = WebSocket | HttpFallbackSocket

/** Creates a selector; see the module comment. */
export function createTransportSelector(options: Partial<TransportSelectorOptions> = {}): TransportSelector {
  const config: TransportSelectorOptions = { ...TRANSPORT_DEFAULTS, WebSocket: globalThis.WebSocket, ...options }
  const NativeWebSocket = config.WebSocket
  const listeners = new Set<() => void>()
  const open = new Set<AdaptiveSocket>()
  let preferred: TransportKind = config.mode === 'http' ? 'http' : 'websocket'
  let current: TransportKind = preferred
  let reason: FallbackReason | null = config.mode === 'http' ? 'forced' : null
  let earlyDrops = 0
  let lastUrl = ''
  let probeDelay = config.probeDelayMs
  let probeTimer: ReturnType<typeof setTimeout> | null = null
  let probe: WebSocket | null = null
  let destroyed = false

  const notify = () => listeners.forEach((listener) => listener())
  const other = (kind: TransportKind): TransportKind => (kind === 'http' ? 'websocket' : 'http')

  const stopProbing = () => {
    if (probeTimer !== null) clearTimeout(probeTimer)
    probeTimer = null
    if (probe) {
      const socket = probe
      probe = null
      socket.onopen = socket.onclose = socket.onerror = null
      socket.close()
    }
  }

  const scheduleProbe = () => {
    if (config.mode !== 'auto' || destroyed || probeTimer !== null || probe !== null) return
    probeTimer = setTimeout(runProbe, probeDelay)
  }

  const runProbe = () => {
    probeTimer = null
    if (destroyed || preferred !== 'http') return
    const socket = new NativeWebSocket(lastUrl)
    probe = socket
    let hold: ReturnType<typeof setTimeout> | null = null
    const giveUp = setTimeout(() => failed(), config.openTimeoutMs)
    const failed = () => {
      clearTimeout(giveUp)
      if (hold !== null) clearTimeout(hold)
      if (probe !== socket) return
      socket.onopen = socket.onclose = socket.onerror = null
      socket.close()
      probe = null
      probeDelay = Math.min(probeDelay * 2, config.probeMaxDelayMs)
      scheduleProbe()
    }
    socket.onopen = () => {
      clearTimeout(giveUp)
      hold = setTimeout(() => {
        if (probe !== socket) return
        socket.onopen = socket.onclose = socket.onerror = null
        socket.close(1000)
        probe = null
        probeDelay = config.probeDelayMs
        preferred = 'websocket'
        earlyDrops = 0
        // The provider reconnects (over WebSocket now) when its HTTP connection closes.
        for (const adaptive of [...open]) if (adaptive.kind === 'http') adaptive.switchToWebSocket()
        notify()
      }, config.probeHoldMs)
    }
    socket.onclose = failed
  }

  const selector = {
    connected(kind: TransportKind, viaFallback: boolean) {
      current = kind
      if (kind === 'http' && config.mode === 'auto') {
        if (viaFallback) reason = 'websocket-failed'
        preferred = 'http'
        scheduleProbe()
      } else if (kind === 'websocket') {
        reason = null
        preferred = 'websocket'
        stopProbing()
      }
      notify()
    },
    closedAfterOpen(kind: TransportKind, lifetimeMs: number, code: number) {
      if (kind !== 'websocket' || config.mode !== 'auto') return
      if (lifetimeMs < config.earlyDropMs && (code === 1005 || code === 1006)) {
        earlyDrops++
        if (earlyDrops >= config.earlyDropLimit) {
          preferred = 'http'
          current = 'http'
          reason = 'websocket-dropping'
          notify()
        }
      } else {
        earlyDrops = 0
      }
    },
  }

  /** One connection attempt's socket: the preferred transport, then the other if it cannot open. */
  class AdaptiveSocket extends EventTarget {
    static readonly CONNECTING = 0
    static readonly OPEN = 1
    static readonly CLOSING = 2
    static readonly CLOSED = 3
    readonly CONNECTING = 0
    readonly OPEN = 1
    readonly CLOSING = 2
    readonly CLOSED = 3
    readonly url: string
    binaryType: BinaryType = 'arraybuffer'
    onopen: ((event: Event) => void) | null = null
    onmessage: ((event: MessageEvent) => void) | null = null
    onerror: ((event: Event) => void) | null = null
    onclose: ((event: CloseEvent) => void) | null = null
    /** The transport of this attempt (changes when it falls back). */
    kind: TransportKind = preferred
    private inner: Inner | null = null
    private finished = false
    private fellBack = false
    private openedAt = 0
    private detachInner: () => void = () => {}

    constructor(url: string | URL) {
      super()
      this.url = String(url)
      lastUrl = this.url
      this.connect(preferred)
    }

    get readyState(): number {
      if (this.finished) return 3
      return this.inner?.readyState ?? 0
    }

    get bufferedAmount(): number {
      return this.inner?.bufferedAmount ?? 0
    }

    send(data: ArrayBufferLike | ArrayBufferView | string): void {
      this.inner?.send(data as ArrayBuffer)
    }

    close(code?: number, reason?: string): void {
      if (this.finished) return
      const inner = this.inner
      this.detachInner()
      inner?.close(code, reason)
      this.finished = true
      open.delete(this)
      // Later, like a browser WebSocket: the provider does not expect `close` from inside `close()`.
      setTimeout(() => this.dispatch(new CloseEvent('close', { code: code ?? 1000, reason: reason ?? '', wasClean: true })), 0)
    }

    /** Ends an HTTP connection so the provider reconnects (over WebSocket, now preferred). */
    switchToWebSocket(): void {
      this.close(SWITCH_TO_WEBSOCKET_CLOSE.code, SWITCH_TO_WEBSOCKET_CLOSE.reason)
    }

    private mayFallBack(): boolean {
      return config.mode === 'auto' && !this.fellBack && !this.finished
    }

    private fallBack(): void {
      this.fellBack = true
      this.connect(other(this.kind))
    }

    private connect(kind: TransportKind): void {
      this.kind = kind
      let socket: Inner
      try {
        socket = kind === 'http' ? new HttpFallbackSocket(this.url, config.http) : new NativeWebSocket(this.url)
      } catch (error) {
        // E.g. a page or extension that forbids constructing WebSockets.
        if (!this.mayFallBack()) throw error
        return this.fallBack()
      }
      socket.binaryType = 'arraybuffer'
      this.inner = socket
      let opened = false
      // Either transport can hang instead of failing (a proxy that holds the upgrade, or buffers the event stream).
      const timer = setTimeout(() => {
        // Handle the failure first: closing may dispatch `close` synchronously.
        onClose(new CloseEvent('close', { code: 1006, reason: `${kind} did not open in time` }))
        socket.close()
      }, config.openTimeoutMs)
      const onOpen = () => {
        clearTimeout(timer)
        opened = true
        this.openedAt = Date.now()
        open.add(this)
        selector.connected(kind, this.fellBack)
        this.dispatch(new Event('open'))
      }
      const onMessage = (event: Event) => this.dispatch(new MessageEvent('message', { data: (event as MessageEvent).data }))
      const onError = () => {
        // Before open, an error is followed by close, where we may still fall back.
        if (opened || !this.mayFallBack()) this.dispatch(new Event('error'))
      }
      let closed = false
      const onClose = (event: Event) => {
        if (closed) return
        closed = true
        const close = event as CloseEvent
        clearTimeout(timer)
        this.detachInner()
        if (!opened && this.mayFallBack()) {
          socket.close()
          return this.fallBack()
        }
        if (opened) selector.closedAfterOpen(kind, Date.now() - this.openedAt, close.code)
        this.end(new CloseEvent('close', { code: close.code, reason: close.reason, wasClean: close.wasClean }))
      }
      socket.addEventListener('open', onOpen)
      socket.addEventListener('message', onMessage)
      socket.addEventListener('error', onError)
      socket.addEventListener('close', onClose)
      this.detachInner = () => {
        clearTimeout(timer)
        socket.removeEventListener('open', onOpen)
        socket.removeEventListener('message', onMessage)
        socket.removeEventListener('error', onError)
        socket.removeEventListener('close', onClose)
      }
    }

    private end(event: CloseEvent): void {
      this.finished = true
      open.delete(this)
      this.dispatch(event)
    }

    private dispatch(event: Event): void {
      const handler = (this as unknown as Record<string, ((event: Event) => void) | null>)[`on${event.type}`]
      handler?.call(this, event)
      this.dispatchEvent(event)
    }
  }

  return {
    WebSocket: AdaptiveSocket,
    get current() {
      return current
    },
    get reason() {
      return reason
    },
    onChange(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    destroy() {
      destroyed = true
      stopProbing()
      listeners.clear()
    },
  }
}
