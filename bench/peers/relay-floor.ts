/**
 * Benchmark floor, not a peer: the least a server speaking the Hocuspocus protocol can do in
 * fan-out. It accepts every token, keeps each document in memory, and when a client sends an
 * update it writes the frame exactly as it arrived to every other client of the document (a
 * valid update message for them: same document name, same bytes) before it so much as decodes
 * the update; only then does it apply it, so that a later client still gets the document.
 * No authentication, no validation, no storage, no hooks, no acknowledgement beyond the
 * protocol's `SyncStatus`.
 *
 * Why: with the editor's clients, most of a fan-out latency on one machine is the readers' own
 * work, the same behind every server. At human rate (one keystroke, one message) a server that
 * writes each message to its readers the way the others do (one thread, one `ws` send each) gets
 * no lower than this; so `floor ÷ bare Hocuspocus` says how much of bare Hocuspocus' latency is
 * server work at all, and how low a ratio to it any server can reach on this machine with these
 * clients. Writing differently can still go below it (ours' second writing thread, SYNC2); and
 * typed in bursts, fewer messages can (ours merges a burst into one update), so at full speed it
 * is no floor. Prints `BENCH_LISTENING <port>` once it accepts.
 */
import type { AddressInfo } from 'node:net'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { WebSocketServer, type WebSocket } from 'ws'
import * as Y from 'yjs'
import { AUTH_TYPES, MESSAGE_TYPES, SYNC_TYPES } from '../../shared/frame-inspection.ts'

interface Room {
  doc: Y.Doc
  sockets: Set<WebSocket>
}

const rooms = new Map<string, Room>()

function roomOf(name: string): Room {
  let room = rooms.get(name)
  if (!room) {
    room = { doc: new Y.Doc(), sockets: new Set() }
    rooms.set(name, room)
  }
  return room
}

/** A message to one document: its name, then what `write` puts. */
function message(name: string, write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarString(encoder, name)
  write(encoder)
  return encoding.toUint8Array(encoder)
}

const wss = new WebSocketServer({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) })
wss.on('connection', (socket) => {
  const joined = new Set<Room>()
  socket.on('message', (data: Buffer) => {
    const decoder = decoding.createDecoder(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
    const name = decoding.readVarString(decoder)
    const room = roomOf(name)
    const reply = (write: (encoder: encoding.Encoder) => void) => socket.send(message(name, write))
    switch (decoding.readVarUint(decoder)) {
      case MESSAGE_TYPES.auth:
        room.sockets.add(socket)
        joined.add(room)
        reply((encoder) => {
          encoding.writeVarUint(encoder, MESSAGE_TYPES.auth)
          encoding.writeVarUint(encoder, AUTH_TYPES.authenticated)
          encoding.writeVarString(encoder, 'read-write')
        })
        return
      case MESSAGE_TYPES.sync:
        break
      default:
        // Awareness and the rest: the bench clients have no presence.
        return
    }
    const step = decoding.readVarUint(decoder)
    if (step === SYNC_TYPES.update) {
      for (const other of room.sockets) if (other !== socket) other.send(data)
      Y.applyUpdate(room.doc, decoding.readVarUint8Array(decoder))
    } else if (step === SYNC_TYPES.step2) {
      // A client's answer to this side's step 1: mostly nothing new (every client answers it on
      // every keep-alive). Only what changed the document goes to the others, as for the servers.
      let changed: Uint8Array | null = null
      const noteChange = (update: Uint8Array) => (changed = update)
      room.doc.on('update', noteChange)
      Y.applyUpdate(room.doc, decoding.readVarUint8Array(decoder))
      room.doc.off('update', noteChange)
      if (changed) {
        const frame = message(name, (encoder) => {
          encoding.writeVarUint(encoder, MESSAGE_TYPES.sync)
          encoding.writeVarUint(encoder, SYNC_TYPES.update)
          encoding.writeVarUint8Array(encoder, changed!)
        })
        for (const other of room.sockets) if (other !== socket) other.send(frame)
      }
    } else if (step === SYNC_TYPES.step1) {
      // What the client lacks, then what this side has, for the client to send what it lacks.
      const stateVector = decoding.readVarUint8Array(decoder)
      reply((encoder) => {
        encoding.writeVarUint(encoder, MESSAGE_TYPES.sync)
        encoding.writeVarUint(encoder, SYNC_TYPES.step2)
        encoding.writeVarUint8Array(encoder, Y.encodeStateAsUpdate(room.doc, stateVector))
      })
      reply((encoder) => {
        encoding.writeVarUint(encoder, MESSAGE_TYPES.sync)
        encoding.writeVarUint(encoder, SYNC_TYPES.step1)
        encoding.writeVarUint8Array(encoder, Y.encodeStateVector(room.doc))
      })
      return
    }
    reply((encoder) => {
      encoding.writeVarUint(encoder, MESSAGE_TYPES.syncStatus)
      encoding.writeVarUint(encoder, 1)
    })
  })
  socket.on('close', () => {
    for (const room of joined) room.sockets.delete(socket)
  })
})
wss.on('listening', () => console.log(`BENCH_LISTENING ${(wss.address() as AddressInfo).port}`))
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(0))
