/**
 * The y-websocket endpoint: stock `y-websocket` `WebsocketProvider` clients (and anything else
 * speaking that protocol) join documents at `/yjs/<name>?token=<token>`.
 *
 * Rather than run a second sync server, each y-websocket socket is bridged into Hocuspocus as
 * one more connection: the bridge sends Hocuspocus the token as its authentication message,
 * prefixes every client message with the document name (Hocuspocus multiplexes documents over a
 * socket; y-websocket does not) and strips it again on the way out. So the same authentication,
 * roles (viewers' updates are dropped), limits, storage, change log and broadcasting apply, and
 * y-websocket and Hocuspocus clients co-edit one in-memory document.
 *
 * Only sync (0), awareness (1) and query-awareness (3) messages cross the bridge; a refused
 * authentication closes the socket with the close code of its reason.
 */
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import type { Hocuspocus, WebSocketLike } from '@hocuspocus/server'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { WebSocketServer, WebSocket } from 'ws'
import { CLOSE_CODES, type CloseCode } from '../../shared/close-codes.ts'
import { ChannelGuard, GuardedSocket } from '../limits/channel-guard.ts'
import type { ChannelProtection } from '../limits/channel-protection.ts'
import { requestTarget } from '../http/request-target.ts'
import type { Logger } from '../log.ts'
import { SharedFrameSocket } from '../sync/shared-frame-socket.ts'
import { upgradeRequest } from '../sync/upgrade-request.ts'

/** Path prefix of the y-websocket endpoint. */
export const YJS_PATH_PREFIX = '/yjs/'

// Message types shared by both protocols, and Hocuspocus's own.
const SYNC = 0
const AWARENESS = 1
const AUTH = 2
const QUERY_AWARENESS = 3
const CLOSE = 7
const AUTH_TOKEN = 0
const AUTH_PERMISSION_DENIED = 1

/** Options for {@link createYWebsocketEndpoint}. */
export interface YWebsocketEndpointOptions {
  hocuspocus: Hocuspocus
  log: Logger
  /** Largest accepted message; bigger ones close the socket with 1009. */
  maxMessageBytes: number
  /** The same rate limits, decoding and pre-authentication caps as `/collab` (on the prefixed frames). */
  protection: ChannelProtection
}

/** The endpoint. */
export interface YWebsocketEndpoint {
  /** True when `path` belongs to this endpoint. */
  matches(path: string): boolean
  /** Completes a WebSocket upgrade for `request`. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void
  /** Open sockets. */
  readonly sockets: ReadonlySet<WebSocket>
  /** Closes every socket with `code`/`reason`. */
  closeAll(code: number, reason: string): void
  /** Drops every socket at once. */
  terminateAll(): void
}

/** Creates the endpoint. */
export function createYWebsocketEndpoint(options: YWebsocketEndpointOptions): YWebsocketEndpoint {
  const { hocuspocus, log } = options
  const server = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes, perMessageDeflate: false })
  const sockets = new Set<WebSocket>()

  server.on('connection', (socket: WebSocket, request: IncomingMessage) => {
    sockets.add(socket)
    // The server answered targets that do not parse with 400 before the upgrade.
    const url = requestTarget(request) ?? new URL('http://localhost/')
    let documentName = ''
    try {
      documentName = decodeURIComponent(url.pathname.slice(YJS_PATH_PREFIX.length))
    } catch {
      // An undecodable name is refused by the authentication hook like any invalid name.
      documentName = url.pathname.slice(YJS_PATH_PREFIX.length)
    }
    const token = url.searchParams.get('token') ?? ''
    let connection: ReturnType<Hocuspocus['handleConnection']> | undefined
    const guard = new ChannelGuard(options.protection, request.socket.remoteAddress ?? 'unknown', {
      deliver: (frame) => connection?.handleMessage(frame),
      close: (code, reason) => socket.close(code, truncate(reason)),
      pause: () => socket.pause(),
      resume: () => socket.resume(),
    })
    const bridge = new BridgeSocket(socket, documentName)
    connection = hocuspocus.handleConnection(new GuardedSocket(bridge, guard), upgradeRequest(request))
    guard.receive(authMessage(documentName, token))

    socket.on('message', (data, isBinary) => {
      const buffer = data as Buffer
      const message = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
      if (!isBinary || !isForwardable(message)) {
        guard.refuse(CLOSE_CODES.malformedMessage, 'not a y-websocket sync or awareness message')
        return
      }
      guard.receive(withDocumentName(documentName, message))
    })
    socket.on('close', (code, reason) => {
      sockets.delete(socket)
      guard.dispose()
      connection.handleClose({ code, reason: reason.toString() })
    })
    socket.on('error', (error) => log.warn({ err: error.message }, 'y-websocket error'))
  })

  return {
    sockets,
    matches: (path) => path.startsWith(YJS_PATH_PREFIX) && path.length > YJS_PATH_PREFIX.length,
    handleUpgrade(request, socket, head) {
      server.handleUpgrade(request, socket, head, (ws) => server.emit('connection', ws, request))
    },
    closeAll(code, reason) {
      for (const socket of sockets) socket.close(code, reason)
    },
    terminateAll() {
      for (const socket of sockets) socket.terminate()
    },
  }
}

/** A message from Hocuspocus, its address read and stripped. */
interface Unaddressed {
  /** The addressed document (without a session id). */
  document: string
  type: number
  /** The message as y-websocket has it: without the address. */
  message: Uint8Array
}

/**
 * The last message read, by identity: a broadcast hands the same array to every reader in a row,
 * so its address is read once, and every reader gets the same stripped array, which
 * {@link SharedFrameSocket} then frames once for all of them (as on `/collab`).
 */
let lastSent: Uint8Array | null = null
let lastUnaddressed: Unaddressed | null = null

function unaddressed(data: Uint8Array): Unaddressed {
  if (data === lastSent) return lastUnaddressed!
  const decoder = decoding.createDecoder(data)
  // Hocuspocus may address "name\0session"; either way it is the socket's only document.
  const document = decoding.readVarString(decoder).split('\0', 1)[0]!
  const start = decoder.pos
  const read: Unaddressed = { document, type: decoding.readVarUint(decoder), message: data.subarray(start) }
  lastSent = data
  lastUnaddressed = read
  return read
}

/** What Hocuspocus writes to: strips the document name and passes on what y-websocket understands. */
class BridgeSocket implements WebSocketLike {
  private readonly socket: WebSocket
  private readonly frames: SharedFrameSocket
  private readonly documentName: string

  constructor(socket: WebSocket, documentName: string) {
    this.socket = socket
    this.frames = new SharedFrameSocket(socket)
    this.documentName = documentName
  }

  get readyState(): number {
    return this.socket.readyState
  }

  send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
    if (!(data instanceof Uint8Array) || this.socket.readyState !== WebSocket.OPEN) return
    const { document, type, message } = unaddressed(data)
    if (document !== this.documentName) return
    if (type === SYNC || type === AWARENESS || type === QUERY_AWARENESS) {
      this.frames.send(message)
      return
    }
    const decoder = decoding.createDecoder(message)
    decoding.readVarUint(decoder)
    if (type === AUTH && decoding.readVarUint(decoder) === AUTH_PERMISSION_DENIED) {
      const reason = decoding.readVarString(decoder)
      this.socket.close(closeCodeFor(reason).code, truncate(reason))
    } else if (type === CLOSE) {
      // A revoked user's document is closed with the table's code (4403), like a refusal.
      const reason = decoding.readVarString(decoder)
      const entry = Object.values(CLOSE_CODES).find((candidate) => reason.startsWith(`${candidate.reason}:`))
      this.socket.close(entry?.code ?? 1000, truncate(reason))
    }
  }

  close(code?: number, reason?: string): void {
    this.socket.close(code, reason === undefined ? undefined : truncate(reason))
  }
}

function closeCodeFor(reason: string): CloseCode {
  const entry = Object.values(CLOSE_CODES).find((candidate) => reason.startsWith(candidate.reason))
  return entry ?? CLOSE_CODES.forbidden
}

/** Close reasons are limited to 123 bytes by the WebSocket protocol. */
function truncate(reason: string): string {
  let text = reason
  while (Buffer.byteLength(text) > 123) text = text.slice(0, -1)
  return text
}

function isForwardable(message: Uint8Array): boolean {
  try {
    const type = decoding.readVarUint(decoding.createDecoder(message))
    return type === SYNC || type === AWARENESS || type === QUERY_AWARENESS
  } catch {
    return false
  }
}

function authMessage(documentName: string, token: string): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarString(encoder, documentName)
  encoding.writeVarUint(encoder, AUTH)
  encoding.writeVarUint(encoder, AUTH_TOKEN)
  encoding.writeVarString(encoder, token)
  return encoding.toUint8Array(encoder)
}

function withDocumentName(documentName: string, message: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarString(encoder, documentName)
  encoding.writeUint8Array(encoder, message)
  return encoding.toUint8Array(encoder)
}
