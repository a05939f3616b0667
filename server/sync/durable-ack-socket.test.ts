import { OutgoingMessage } from '@hocuspocus/server'
import { describe, expect, it } from 'vitest'
import { createLogger } from '../log.ts'
import { DurableWriter } from '../storage/durable-writer.ts'
import { DurableAckSocket, isSyncStatus } from './durable-ack-socket.ts'

describe('isSyncStatus', () => {
  it('[DUR2] recognises acknowledgements for plain and session-addressed documents, and nothing else', () => {
    for (const address of ['d', 'crash\0session-id', 'x'.repeat(300)]) {
      expect(isSyncStatus(new OutgoingMessage(address).writeSyncStatus(true).toUint8Array()), address).toBe(true)
      expect(isSyncStatus(new OutgoingMessage(address).writeSyncStatus(false).toUint8Array()), address).toBe(true)
      expect(isSyncStatus(new OutgoingMessage(address).writeStateless('hi').toUint8Array()), address).toBe(false)
      expect(isSyncStatus(new OutgoingMessage(address).writeCloseMessage('bye').toUint8Array()), address).toBe(false)
    }
    expect(isSyncStatus(new Uint8Array([]))).toBe(false)
    expect(isSyncStatus(new Uint8Array([200]))).toBe(false)
  })
})

describe('DurableAckSocket', () => {
  it('[DUR2] holds an acknowledgement until the store write is durable; DURABLE_ACK=false (benchmarking only) passes it at once', async () => {
    let release = () => {}
    const store = {
      write: () => new Promise<void>((resolve) => (release = resolve)),
      load: async () => null,
      delete: async () => {},
      list: async () => [],
      ping: async () => {},
      close: async () => {},
    }
    const ack = new OutgoingMessage('d').writeSyncStatus(true).toUint8Array()
    for (const durable of [true, false]) {
      const writer = new DurableWriter(store, createLogger('silent'))
      const sent: Uint8Array[] = []
      const socket = new DurableAckSocket({ readyState: 1, send: (data) => sent.push(data), close: () => {} }, writer, { durable })
      writer.enqueue({ kind: 'append', document: 'd', update: new Uint8Array([0, 0]) })
      socket.send(ack)
      await new Promise((resolve) => setTimeout(resolve, 20))
      expect(sent.length, `durable=${durable} before the write completes`).toBe(durable ? 0 : 1)
      release()
      await writer.whenDurable()
      await new Promise((resolve) => setTimeout(resolve, 0))
      expect(sent.length, `durable=${durable} after the write`).toBe(1)
    }
  })
})
