/**
 * A thin reader: a raw WebSocket that speaks just enough of the Hocuspocus or y-websocket protocol
 * to join a document, and notes when each update arrives, without a Y.Doc or a provider.
 *
 * Fan-out latency on one machine is mostly the readers' own work: every reader decodes and applies
 * every keystroke, and hundreds of them share the server's cores. A thin reader costs a few
 * microseconds per message, so with thin readers the latency is the server's part: reading the
 * keystroke, checking and applying it, and writing it to every reader. The same reader serves
 * every server, so it compares servers and nothing else.
 *
 * How many keystrokes an update carries is read from its state vectors (`Y.parseUpdateMeta`): in
 * the fan-out runs only the writer types, one character (one clock) per keystroke, so a merged
 * update of five keystrokes counts five.
 */
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { WebSocket } from 'ws'
import * as Y from 'yjs'
import { AUTH_TYPES, MESSAGE_TYPES, SYNC_TYPES } from '../../shared/frame-inspection.ts'
import type { ClientProtocol } from '../lib/servers.ts'
import { staggeredKeepAlive } from './keep-alive.ts'

/** The provider version a Hocuspocus client announces with its token. */
const HOCUSPOCUS_PROVIDER_VERSION = '4.8.0'
/** An empty document's state vector and update. */
const EMPTY_STATE_VECTOR = Y.encodeStateVector(new Y.Doc())
const EMPTY_UPDATE = Y.encodeStateAsUpdate(new Y.Doc())

export interface ThinReader {
  /** Whether the server's first sync step 2 (the document) has arrived. */
  isSynced(): boolean
  /** Calls `listener(keystrokes, at)` for every update received, `at` from `now`. */
  onUpdate(listener: (keystrokes: number, at: number) => void): void
  destroy(): void
}

/** Connects a thin reader; it re-requests the state now and then (keep-alive.ts: servers close silent connections). */
export function connectThinReader(spec: { protocol: ClientProtocol; url: string; doc: string; token: string }, now: () => number): ThinReader {
  const hocuspocus = spec.protocol === 'hocuspocus'
  // y-websocket carries the document in the URL; Hocuspocus in every message.
  const socket = new WebSocket(hocuspocus ? spec.url : `${spec.url.replace(/\/$/, '')}/${encodeURIComponent(spec.doc)}?token=${encodeURIComponent(spec.token)}`)
  socket.binaryType = 'nodebuffer'
  let synced = false
  let listener: (keystrokes: number, at: number) => void = () => {}

  const send = (write: (encoder: encoding.Encoder) => void) => {
    const encoder = encoding.createEncoder()
    if (hocuspocus) encoding.writeVarString(encoder, spec.doc)
    write(encoder)
    socket.send(encoding.toUint8Array(encoder))
  }
  const requestState = () =>
    send((encoder) => {
      encoding.writeVarUint(encoder, MESSAGE_TYPES.sync)
      encoding.writeVarUint(encoder, SYNC_TYPES.step1)
      encoding.writeVarUint8Array(encoder, EMPTY_STATE_VECTOR)
    })

  socket.on('open', () => {
    if (hocuspocus) {
      send((encoder) => {
        encoding.writeVarUint(encoder, MESSAGE_TYPES.auth)
        encoding.writeVarUint(encoder, AUTH_TYPES.token)
        encoding.writeVarString(encoder, spec.token)
        encoding.writeVarString(encoder, HOCUSPOCUS_PROVIDER_VERSION)
      })
    }
    requestState()
  })
  socket.on('message', (data: Buffer) => {
    const at = now()
    const decoder = decoding.createDecoder(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
    if (hocuspocus) decoding.readVarString(decoder)
    if (decoding.readVarUint(decoder) !== MESSAGE_TYPES.sync) return
    const step = decoding.readVarUint(decoder)
    if (step === SYNC_TYPES.update) {
      const { from, to } = Y.parseUpdateMeta(decoding.readVarUint8Array(decoder))
      let keystrokes = 0
      for (const [client, clock] of to) keystrokes += clock - (from.get(client) ?? 0)
      listener(keystrokes, at)
    } else if (step === SYNC_TYPES.step2) {
      synced = true
    } else if (step === SYNC_TYPES.step1) {
      // The server asks for what this client has: nothing.
      send((encoder) => {
        encoding.writeVarUint(encoder, MESSAGE_TYPES.sync)
        encoding.writeVarUint(encoder, SYNC_TYPES.step2)
        encoding.writeVarUint8Array(encoder, EMPTY_UPDATE)
      })
    }
  })
  const stopKeepAlive = staggeredKeepAlive(() => socket.readyState === WebSocket.OPEN && requestState())
  return {
    isSynced: () => synced,
    onUpdate(next) {
      listener = next
    },
    destroy() {
      stopKeepAlive()
      socket.terminate()
    },
  }
}
