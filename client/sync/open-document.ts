/**
 * Opens a document: a Y.Doc loaded from the device first (IndexedDB), then synced over one
 * WebSocket by the Hocuspocus provider. The document is editable at once, online or not.
 *
 * The provider is built here and only here (transports plug in through its options). The
 * connection follows the browser's network state: it is dropped when the browser goes offline
 * and retried when it comes back, with exponential backoff and jitter in between [STAT4].
 */
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider'
import * as Y from 'yjs'
import { closeCodeByReason } from '../../shared/close-codes.ts'
import { COLLAB_PATH } from '../../shared/protocol.ts'
import { openLocalStore, type LocalStore } from '../offline/local-store.ts'
import { clientSettings } from '../settings.ts'
import { createTransportSelector, type TransportSelector, type TransportSelectorOptions } from './http-fallback/transport-selector.ts'
import { ResyncingSocket } from './resyncing-socket.ts'

/** A fatal refusal by the server: retrying cannot help. */
export interface Refusal {
  kind: 'denied' | 'not-found'
  /** The server's reason, e.g. `forbidden: no access to document "x"`. */
  reason: string
}

/** An open document, its device copy and its connection. */
export interface OpenDocument {
  name: string
  ydoc: Y.Doc
  provider: HocuspocusProvider
  socket: HocuspocusProviderWebsocket
  local: LocalStore
  /** Which transport carries the connection (WebSocket, or the HTTP fallback where WebSockets are blocked). */
  transport: TransportSelector
  /** Connection attempts that failed in a row (0 once connected). */
  readonly failedAttempts: number
  /** The server's fatal refusal, once received. */
  readonly refusal: Refusal | null
  /** Reconnects now instead of waiting for the next backoff step ("Retry now"); also starts a deferred connection. */
  retryNow(): void
  /** Marks the document as refused by something other than the socket (e.g. the REST API said 404). */
  refuse(refusal: Refusal): void
  /** Subscribes to connection-level changes not covered by provider events; returns an unsubscribe. */
  onConnectionChange(listener: () => void): () => void
  /** True when `origin` (a Y.Doc transaction origin) is a change made in this tab. */
  isLocalOrigin(origin: unknown): boolean
  /** Stops syncing and releases the document. */
  close(): void
}

/** Options for {@link openDocument}. */
export interface OpenDocumentOptions {
  name: string
  /** The token, or a function fetching it when (re)connecting (so opening never waits on it). */
  token: string | (() => Promise<string>)
  /** Called when the server refuses the connection for good (bad token, no access, deleted). */
  onRefused?: (refusal: Refusal) => void
  /** Do not connect until {@link OpenDocument.retryNow} is called (e.g. after an existence check). */
  deferConnect?: boolean
  /** Transport selection; default automatic (WebSocket, falling back to HTTP), tuned by `clientSettings().transport`. */
  transport?: Partial<TransportSelectorOptions>
}

/** Reconnect backoff: first retry after ~1 s, doubling, at most 30 s apart, randomised (jitter). */
export const RECONNECT = { delay: 1_000, minDelay: 500, maxDelay: 30_000, factor: 2, jitter: true } as const

/** WebSocket URL of the collaboration endpoint on the page's own origin. */
export function collabUrl(): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:'
  return `${scheme}//${location.host}${COLLAB_PATH}`
}

/** Classifies a permission-denied reason: fatal refusals, or `null` for retryable ones. */
export function classifyRefusal(reason: string): Refusal | null {
  const entry = closeCodeByReason(reason)
  // No entry: e.g. the token could not be fetched (offline): retryable.
  if (!entry || entry.retryable) return null
  return { kind: /deleted|not found/i.test(reason) ? 'not-found' : 'denied', reason }
}

/** Opens `name`: IndexedDB first, then the server. */
export function openDocument(options: OpenDocumentOptions): OpenDocument {
  const ydoc = new Y.Doc()
  const listeners = new Set<() => void>()
  const notify = () => listeners.forEach((listener) => listener())
  let failedAttempts = 0
  let refusal: Refusal | null = null

  const transport = createTransportSelector({ ...clientSettings().transport, ...options.transport })
  // Offline edits reach the server through the sync handshake of the next connection, not as a
  // queue of one frame per keystroke [OFF5].
  const socket = new ResyncingSocket({
    url: collabUrl(),
    // WebSocket-shaped: a real WebSocket, or SSE + POST where WebSockets are blocked.
    WebSocketPolyfill: transport.WebSocket,
    ...RECONNECT,
    // Opened offline: wait for the browser's `online` event instead of failing attempts.
    autoConnect: navigator.onLine && !options.deferConnect,
  })
  const provider = new HocuspocusProvider({
    websocketProvider: socket,
    name: options.name,
    document: ydoc,
    token: options.token,
    onAuthenticationFailed: ({ reason }) => {
      const fatal = classifyRefusal(reason)
      if (fatal) refuse(fatal)
    },
  })
  provider.attach()
  const refuse = (fatal: Refusal) => {
    refusal = fatal
    // Fatal: no reconnect loop.
    socket.disconnect()
    notify()
    options.onRefused?.(fatal)
  }
  transport.onChange(notify)
  // The server can close one document while the socket stays open (a reset, or the document was
  // deleted): the provider would then sit unsynced forever. Reconnecting authenticates again, and
  // a deleted document is refused, which the status shows as "not found".
  provider.on('close', () => {
    if (refusal || socket.status !== 'connected') return
    // connect() ignores a socket that still counts as connected: wait for the close to land.
    const reconnect = () => {
      socket.off('disconnect', reconnect)
      if (!refusal && navigator.onLine) void socket.connect()
    }
    socket.on('disconnect', reconnect)
    socket.disconnect()
  })
  const local = openLocalStore(options.name, ydoc, (origin) => origin !== provider)
  const isLocalOrigin = (origin: unknown) => origin !== provider && origin !== local.persistence

  socket.on('connect', () => {
    failedAttempts = 0
    notify()
  })
  socket.on('disconnect', () => {
    failedAttempts += 1
    notify()
  })
  const goOffline = () => {
    socket.disconnect()
    notify()
  }
  const goOnline = () => {
    if (refusal) return
    failedAttempts = 0
    void socket.connect()
    notify()
  }
  window.addEventListener('offline', goOffline)
  window.addEventListener('online', goOnline)

  return {
    name: options.name,
    ydoc,
    provider,
    socket,
    local,
    transport,
    get failedAttempts() {
      return failedAttempts
    },
    get refusal() {
      return refusal
    },
    retryNow() {
      if (refusal || !navigator.onLine) return
      void socket.connect()
    },
    refuse,
    onConnectionChange(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    isLocalOrigin,
    close() {
      window.removeEventListener('offline', goOffline)
      window.removeEventListener('online', goOnline)
      listeners.clear()
      provider.destroy()
      socket.destroy()
      transport.destroy()
      local.destroy()
      ydoc.destroy()
    },
  }
}
