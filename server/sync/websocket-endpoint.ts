/**
 * The Hocuspocus WebSocket endpoint on our own HTTP server, at {@link COLLAB_PATH}.
 *
 * We drive `ws` ourselves (instead of Hocuspocus's bundled server) to own the HTTP port, cap the
 * message size, and hand Hocuspocus a {@link DurableAckSocket} over a {@link SharedFrameSocket}
 * (a broadcast is framed once for all readers).
 */
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import type { Hocuspocus } from '@hocuspocus/server'
import { WebSocketServer, type WebSocket } from 'ws'
import { CLOSE_CODES } from '../../shared/close-codes.ts'
import { ChannelGuard, GuardedSocket } from '../limits/channel-guard.ts'
import type { ChannelProtection } from '../limits/channel-protection.ts'
import type { Logger } from '../log.ts'
import type { DurableWriter } from '../storage/durable-writer.ts'
import { DurableAckSocket } from './durable-ack-socket.ts'
import { notePhase } from './fanout-phases.ts'
import { SharedFrameSocket } from './shared-frame-socket.ts'
import { upgradeRequest } from './upgrade-request.ts'

/** Options for {@link createWebSocketEndpoint}. */
export interface WebSocketEndpointOptions {
  hocuspocus: Hocuspocus
  writer: DurableWriter
  log: Logger
  /** Largest accepted message; bigger ones close the socket with 1009. */
  maxMessageBytes: number
  /** Acknowledge only durable changes (default true; `false` is a benchmarking switch, see `DURABLE_ACK`). */
  durableAck?: boolean
  /** Rate limits, frame decoding and pre-authentication caps (see `server/limits/`). */
  protection: ChannelProtection
}

/** Accepts upgrades and feeds their messages to Hocuspocus. */
export interface WebSocketEndpoint {
  /** Completes a WebSocket upgrade for `request`. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void
  /** Open sockets. */
  readonly sockets: ReadonlySet<WebSocket>
  /** Closes every socket with `code`/`reason` (a close handshake). */
  closeAll(code: number, reason: string): void
  /** Drops every socket at once, without a handshake. */
  terminateAll(): void
}

/** Creates the endpoint. */
export function createWebSocketEndpoint(options: WebSocketEndpointOptions): WebSocketEndpoint {
  const { hocuspocus, writer, log } = options
  const server = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes, perMessageDeflate: false })
  const sockets = new Set<WebSocket>()

  server.on('connection', (socket: WebSocket, request: IncomingMessage) => {
    sockets.add(socket)
    let connection: ReturnType<Hocuspocus['handleConnection']> | undefined
    const guard = new ChannelGuard(options.protection, request.socket.remoteAddress ?? 'unknown', {
      deliver: (frame) => connection?.handleMessage(frame),
      close: (code, reason) => socket.close(code, reason),
      pause: () => socket.pause(),
      resume: () => socket.resume(),
    })
    connection = hocuspocus.handleConnection(new GuardedSocket(new DurableAckSocket(new SharedFrameSocket(socket), writer, { durable: options.durableAck ?? true }), guard), upgradeRequest(request))
    socket.on('message', (data, isBinary) => {
      if (!isBinary) {
        guard.refuse(CLOSE_CODES.malformedMessage, 'text frames are not part of the protocol')
        return
      }
      notePhase('frame-received')
      const buffer = data as Buffer
      guard.receive(new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength))
    })
    socket.on('close', (code, reason) => {
      sockets.delete(socket)
      guard.dispose()
      connection.handleClose({ code, reason: reason.toString() })
    })
    socket.on('error', (error) => {
      // ws reports oversized frames here and then closes with 1009.
      log.warn({ err: error.message }, 'websocket error')
    })
  })

  return {
    sockets,
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
