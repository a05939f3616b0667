import * as encoding from 'lib0/encoding'
import { MessageType } from '@hocuspocus/provider'
import { describe, expect, it } from 'vitest'
import * as syncProtocol from 'y-protocols/sync'
import * as Y from 'yjs'
import { isSyncFrame } from './resyncing-socket.ts'

/** A provider frame: `varString documentName`, `varUint type`, then `write`'s payload. */
function frame(type: number, write: (encoder: encoding.Encoder) => void = () => {}): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarString(encoder, 'notes\u0000session')
  encoding.writeVarUint(encoder, type)
  write(encoder)
  return encoding.toUint8Array(encoder)
}

describe('isSyncFrame', () => {
  it('[OFF5] singles out sync step 1, step 2 and update frames; authentication, presence and the rest are kept', () => {
    const ydoc = new Y.Doc()
    ydoc.getText('t').insert(0, 'hi')
    expect(isSyncFrame(frame(MessageType.Sync, (e) => syncProtocol.writeSyncStep1(e, ydoc)))).toBe(true)
    expect(isSyncFrame(frame(MessageType.Sync, (e) => syncProtocol.writeSyncStep2(e, ydoc)))).toBe(true)
    expect(isSyncFrame(frame(MessageType.Sync, (e) => syncProtocol.writeUpdate(e, Y.encodeStateAsUpdate(ydoc))))).toBe(true)
    for (const type of [MessageType.Awareness, MessageType.Auth, MessageType.QueryAwareness, MessageType.Stateless, MessageType.CLOSE]) {
      expect(isSyncFrame(frame(type)), `type ${type}`).toBe(false)
    }
    // The provider's pong is a bare type byte with no document name; it must never be dropped.
    expect(isSyncFrame(new Uint8Array([MessageType.Pong]))).toBe(false)
    expect(isSyncFrame(new Uint8Array([]))).toBe(false)
    expect(isSyncFrame('text')).toBe(false)
  })
})
