/**
 * A raw Hocuspocus-protocol client over a plain WebSocket, for attack tests: it sends exactly the
 * frames a test builds and records every frame the server sends, decoded enough to tell
 * document bytes (sync, awareness) from control messages (auth, close, sync status).
 */
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { WebSocket } from 'ws'
import * as Y from 'yjs'
import { waitFor } from '../helpers/clients.ts'
import { collabUrl } from '../helpers/server.ts'

/** Hocuspocus message types (see @hocuspocus/server `MessageType`). */
export const MSG = { sync: 0, awareness: 1, auth: 2, queryAwareness: 3, stateless: 5, broadcastStateless: 6, close: 7, syncStatus: 8 } as const

/** One decoded frame from the server. */
export interface ServerFrame {
  document: string
  type: number
  /** Auth: 0 token request, 1 permission denied, 2 authenticated. Sync: 0 step 1, 1 step 2, 2 update. */
  subtype: number | null
  /** Permission-denied / close reason or authenticated scope. */
  text: string | null
  /** Sync payload or awareness update. */
  payload: Uint8Array | null
  raw: Uint8Array
}

/** A raw client connected to a server. */
export class RawClient {
  readonly frames: ServerFrame[] = []
  closed: { code: number; reason: string } | null = null
  readonly socket: WebSocket
  private constructor(socket: WebSocket) {
    this.socket = socket
    socket.on('message', (data: Buffer) => this.frames.push(decodeFrame(new Uint8Array(data))))
    socket.on('close', (code, reason) => (this.closed = { code, reason: reason.toString() }))
  }

  /** Opens a socket to the server at `httpUrl`. */
  static async open(httpUrl: string): Promise<RawClient> {
    const socket = new WebSocket(collabUrl(httpUrl))
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve())
      socket.once('error', reject)
    })
    return new RawClient(socket)
  }

  /** Sends a message `type` for `document` with a body written by `write`. */
  send(document: string, type: number, write: (encoder: encoding.Encoder) => void = () => {}): void {
    const encoder = encoding.createEncoder()
    encoding.writeVarString(encoder, document)
    encoding.writeVarUint(encoder, type)
    write(encoder)
    this.socket.send(encoding.toUint8Array(encoder))
  }

  /** Sends an authentication message with `token`. */
  auth(document: string, token: string): void {
    this.send(document, MSG.auth, (encoder) => {
      encoding.writeVarUint(encoder, 0)
      encoding.writeVarString(encoder, token)
    })
  }

  /** Sends a sync message: 0 step 1 (state vector), 1 step 2 (update), 2 update. */
  sync(document: string, subtype: 0 | 1 | 2, payload: Uint8Array): void {
    this.send(document, MSG.sync, (encoder) => {
      encoding.writeVarUint(encoder, subtype)
      encoding.writeVarUint8Array(encoder, payload)
    })
  }

  /** Sends an awareness update (y-protocols encoding). */
  awareness(document: string, update: Uint8Array): void {
    this.send(document, MSG.awareness, (encoder) => encoding.writeVarUint8Array(encoder, update))
  }

  /** Frames of `type` (and `subtype`) for `document`. */
  framesOf(document: string, type: number, subtype?: number): ServerFrame[] {
    return this.frames.filter((frame) => frame.document === document && frame.type === type && (subtype === undefined || frame.subtype === subtype))
  }

  /** Frames that carry document content or presence (sync and awareness). */
  documentFrames(): ServerFrame[] {
    return this.frames.filter((frame) => frame.type === MSG.sync || frame.type === MSG.awareness)
  }

  close(): void {
    this.socket.close()
  }
}

function decodeFrame(raw: Uint8Array): ServerFrame {
  const decoder = decoding.createDecoder(raw)
  const frame: ServerFrame = { document: decoding.readVarString(decoder), type: decoding.readVarUint(decoder), subtype: null, text: null, payload: null, raw }
  if (frame.type === MSG.auth) {
    frame.subtype = decoding.readVarUint(decoder)
    if (decoding.hasContent(decoder)) frame.text = decoding.readVarString(decoder)
  } else if (frame.type === MSG.close || frame.type === MSG.stateless) {
    frame.text = decoding.readVarString(decoder)
  } else if (frame.type === MSG.sync) {
    frame.subtype = decoding.readVarUint(decoder)
    frame.payload = decoding.readVarUint8Array(decoder)
  } else if (frame.type === MSG.awareness) {
    frame.payload = decoding.readVarUint8Array(decoder)
  }
  return frame
}

/** Opens a raw connection to `document` with `token` and waits for the server's answer to the authentication. */
export async function connectAuthenticated(url: string, document: string, token: string): Promise<RawClient> {
  const client = await RawClient.open(url)
  client.auth(document, token)
  client.sync(document, 0, Y.encodeStateVector(new Y.Doc()))
  await waitFor(() => client.framesOf(document, MSG.auth).some((frame) => frame.subtype !== 0), 'authentication answered')
  return client
}

/** The authenticated scope (`read-write` / `readonly`), or `denied: reason`. */
export function authScope(client: RawClient, document: string): string | null {
  const answer = client.framesOf(document, MSG.auth).find((frame) => frame.subtype !== 0)!
  return answer.subtype === 2 ? answer.text : `denied: ${answer.text}`
}
