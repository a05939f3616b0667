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

  it('[DUR2] releases held acknowledgements in order, each as soon as its own write is durable; other messages pass at once', async () => {
    const releases: (() => void)[] = []
    const store = {
      write: () => new Promise<void>((resolve) => releases.push(resolve)),
      load: async () => null,
      delete: async () => {},
      list: async () => [],
      ping: async () => {},
      close: async () => {},
    }
    const writer = new DurableWriter(store, createLogger('silent'))
    const sent: string[] = []
    const socket = new DurableAckSocket({ readyState: 1, send: (data) => sent.push(isSyncStatus(data) ? `ack ${data[data.length - 1]}` : 'other'), close: () => {} }, writer)
    const ack = (n: number) => {
      const message = new OutgoingMessage('d').writeSyncStatus(true).toUint8Array()
      return Uint8Array.from([...message, n])
    }
    const settle = () => new Promise((resolve) => setTimeout(resolve, 5))
    writer.enqueue({ kind: 'append', document: 'd', update: new Uint8Array([0, 0]) })
    socket.send(ack(1))
    await settle() // the first batch is being written
    writer.enqueue({ kind: 'append', document: 'd', update: new Uint8Array([0, 0]) })
    socket.send(ack(2))
    socket.send(ack(3))
    socket.send(new OutgoingMessage('d').writeStateless('remote edit').toUint8Array())
    expect(sent).toEqual(['other'])
    releases.shift()!()
    await settle()
    expect(sent).toEqual(['other', 'ack 1'])
    releases.shift()!()
    await settle()
    expect(sent).toEqual(['other', 'ack 1', 'ack 2', 'ack 3'])
    // Nothing pending: the next acknowledgement goes straight out.
    socket.send(ack(4))
    expect(sent.at(-1)).toBe('ack 4')
  })
})
