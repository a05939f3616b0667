/**
 * Raw WebSocket clients for attack tests: they speak the Hocuspocus wire format frame by frame
 * (lib0 encoding, y-protocols payloads) and record every frame the server sends, decoded, so a
 * test can assert on exactly what reached the client.
 */
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { WebSocket } from 'ws'
import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness'
import * as Y from 'yjs'
import { AUTH_TYPES, MESSAGE_TYPES, SYNC_TYPES } from '../../shared/frame-inspection.ts'
import { collabUrl } from './server.ts'
import { waitFor } from './clients.ts'

/** A server-to-client frame, decoded as far as tests need. */
export interface ReceivedFrame {
  raw: Uint8Array
  address: string
  type: number
  /** Auth sub-type, for auth frames. */
  authType?: number
  /** Permission-denied reason. */
  reason?: string
  /** Sync sub-type, for sync frames. */
  syncType?: number
  /** Yjs update of a sync step 2 / update. */
  update?: Uint8Array
}

/** A raw client. */
export interface RawClient {
  ws: WebSocket
  frames: ReceivedFrame[]
  /** Set once the server closed the socket. */
  closed: { code: number; reason: string } | null
  send(frame: Uint8Array): void
  /** Sends `frames` in one TCP write, so the server reads them together. */
  sendTogether(frames: readonly Uint8Array[]): void
  /** Resolves when open. */
  opened: Promise<void>
  /** Waits until the socket is closed (throws after `timeoutMs`). */
  waitClosed(timeoutMs?: number): Promise<{ code: number; reason: string }>
  close(): void
}

/** Opens a raw socket to `url` (default: the server's `/collab`). */
export function rawClient(httpUrl: string, options: { url?: string; headers?: Record<string, string> } = {}): RawClient {
  const ws = new WebSocket(options.url ?? collabUrl(httpUrl), { headers: options.headers })
  ws.binaryType = 'nodebuffer'
  const client: RawClient = {
    ws,
    frames: [],
    closed: null,
    send: (frame) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(frame)
    },
    sendTogether: (frames) => {
      if (ws.readyState !== WebSocket.OPEN) return
      const socket = (ws as unknown as { _socket: import('node:net').Socket })._socket
      socket.cork()
      for (const frame of frames) ws.send(frame)
      socket.uncork()
    },
    opened: new Promise((resolve, reject) => {
      ws.once('open', () => resolve())
      ws.once('error', reject)
    }),
    async waitClosed(timeoutMs = 10_000) {
      await waitFor(() => client.closed !== null, 'the server to close the socket', timeoutMs)
      return client.closed!
    },
    close: () => ws.terminate(),
  }
  ws.on('message', (data: Buffer) => client.frames.push(decodeServerFrame(new Uint8Array(data))))
  ws.on('close', (code, reason) => (client.closed = { code, reason: reason.toString() }))
  ws.on('error', () => {})
  return client
}

/** Decodes a frame the server sent. */
export function decodeServerFrame(raw: Uint8Array): ReceivedFrame {
  const decoder = decoding.createDecoder(raw)
  const address = decoding.readVarString(decoder)
  const type = decoding.readVarUint(decoder)
  const frame: ReceivedFrame = { raw, address, type }
  if (type === MESSAGE_TYPES.auth) {
    frame.authType = decoding.readVarUint(decoder)
    if (frame.authType === AUTH_TYPES.permissionDenied) frame.reason = decoding.readVarString(decoder)
  } else if (type === MESSAGE_TYPES.sync || type === MESSAGE_TYPES.syncReply) {
    frame.syncType = decoding.readVarUint(decoder)
    if (frame.syncType !== SYNC_TYPES.step1) frame.update = decoding.readVarUint8Array(decoder)
  }
  return frame
}

function frame(address: string, type: number, write: (encoder: encoding.Encoder) => void = () => {}): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarString(encoder, address)
  encoding.writeVarUint(encoder, type)
  write(encoder)
  return encoding.toUint8Array(encoder)
}

/** The provider's authentication frame. */
export const authFrame = (document: string, token: string) =>
  frame(document, MESSAGE_TYPES.auth, (e) => {
    encoding.writeVarUint(e, AUTH_TYPES.token)
    encoding.writeVarString(e, token)
    encoding.writeVarString(e, '4.8.0')
  })

/** Sync step 1 with `ydoc`'s state vector (an empty document by default). */
export const syncStep1Frame = (document: string, ydoc = new Y.Doc()) =>
  frame(document, MESSAGE_TYPES.sync, (e) => {
    encoding.writeVarUint(e, SYNC_TYPES.step1)
    encoding.writeVarUint8Array(e, Y.encodeStateVector(ydoc))
  })

/** Sync step 2 carrying `update`. */
export const syncStep2Frame = (document: string, update: Uint8Array) =>
  frame(document, MESSAGE_TYPES.sync, (e) => {
    encoding.writeVarUint(e, SYNC_TYPES.step2)
    encoding.writeVarUint8Array(e, update)
  })

/** A sync update message carrying `update`. */
export const updateFrame = (document: string, update: Uint8Array) =>
  frame(document, MESSAGE_TYPES.sync, (e) => {
    encoding.writeVarUint(e, SYNC_TYPES.update)
    encoding.writeVarUint8Array(e, update)
  })

/** An awareness update with one client's `state`. */
export function awarenessFrame(document: string, state: Record<string, unknown>, clientID = 424242): Uint8Array {
  const doc = new Y.Doc()
  doc.clientID = clientID
  const awareness = new Awareness(doc)
  awareness.setLocalState(state)
  const update = encodeAwarenessUpdate(awareness, [clientID])
  awareness.destroy()
  return frame(document, MESSAGE_TYPES.awareness, (e) => encoding.writeVarUint8Array(e, update))
}

/** Asks for everyone's awareness. */
export const queryAwarenessFrame = (document: string) => frame(document, MESSAGE_TYPES.queryAwareness)

/** A stateless message. */
export const statelessFrame = (document: string, payload: string) => frame(document, MESSAGE_TYPES.stateless, (e) => encoding.writeVarString(e, payload))

/** The server-internal broadcast-stateless opcode, which clients must not send. */
export const broadcastStatelessFrame = (document: string, payload: string) =>
  frame(document, MESSAGE_TYPES.broadcastStateless, (e) => encoding.writeVarString(e, payload))

/** What the provider sends on connecting: auth, sync step 1, its awareness, a query for others'. */
export const providerOpening = (document: string, token: string) => [
  authFrame(document, token),
  syncStep1Frame(document),
  awarenessFrame(document, { user: { name: 'Raw' } }),
  queryAwarenessFrame(document),
]

/** A Yjs update from a fresh client writing one paragraph with `text` into the body. */
export function paragraphUpdate(text: string, clientID?: number): Uint8Array {
  const doc = new Y.Doc()
  if (clientID !== undefined) doc.clientID = clientID
  const paragraph = new Y.XmlElement('paragraph')
  paragraph.insert(0, [new Y.XmlText(text)])
  doc.getXmlFragment('default').insert(0, [paragraph])
  return Y.encodeStateAsUpdate(doc)
}

/** A y-websocket sync update message, as `/yjs` clients send it (no document name prefix). */
export function yWebsocketUpdateFrame(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MESSAGE_TYPES.sync)
  encoding.writeVarUint(encoder, SYNC_TYPES.update)
  encoding.writeVarUint8Array(encoder, update)
  return encoding.toUint8Array(encoder)
}
