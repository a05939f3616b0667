/**
 * The shared-frame broadcast over real `ws` sockets: every reader gets every message intact and in
 * order, whether the frame was shared, too big to share, or compression forced `ws.send`.
 */
import type { AddressInfo, Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket, WebSocketServer } from 'ws'
import { waitFor } from '../../tests/helpers/clients.ts'
import { SHARED_FRAME_MAX_BYTES, SharedFrameSocket, sharedFrameStats } from './shared-frame-socket.ts'

interface Pair {
  server: SharedFrameSocket
  serverSocket: WebSocket
  client: WebSocket
  received: Buffer[]
}

/** `count` connected pairs: the server side wrapped in a {@link SharedFrameSocket}, the client recording. */
async function connect(count: number, options: { perMessageDeflate?: boolean } = {}): Promise<{ pairs: Pair[]; close: () => Promise<void> }> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: options.perMessageDeflate ?? false })
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()))
  const accepted: WebSocket[] = []
  wss.on('connection', (socket) => accepted.push(socket))
  const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`
  const pairs: Pair[] = []
  for (let i = 0; i < count; i++) {
    const client = new WebSocket(url, { perMessageDeflate: options.perMessageDeflate ?? false })
    const received: Buffer[] = []
    client.on('message', (data: Buffer) => received.push(data))
    client.on('error', () => {})
    await new Promise<void>((resolve) => client.once('open', () => resolve()))
    await waitFor(() => accepted.length === i + 1, 'the server to accept')
    const serverSocket = accepted[i]!
    serverSocket.on('error', () => {})
    pairs.push({ server: new SharedFrameSocket(serverSocket), serverSocket, client, received })
  }
  return {
    pairs,
    close: async () => {
      for (const pair of pairs) pair.client.terminate()
      await new Promise<void>((resolve) => wss.close(() => resolve()))
    },
  }
}

/** Distinct messages of `size` bytes, numbered in their first bytes. */
function messages(count: number, size = 40): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => {
    const message = new Uint8Array(size)
    for (let j = 0; j < size; j++) message[j] = (i * 31 + j) & 0xff
    return message
  })
}

describe('shared-frame broadcast', () => {
  const cleanups: (() => Promise<void>)[] = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup()
  })

  it('[SYNC2] 50 readers receive every broadcast byte-identical and in order, framed once per message', async () => {
    const { pairs, close } = await connect(50)
    cleanups.push(close)
    const sent = messages(40)
    const before = { ...sharedFrameStats }
    // As Hocuspocus broadcasts: one array handed to every reader in turn.
    for (const message of sent) for (const pair of pairs) pair.server.send(message)
    await waitFor(() => pairs.every((pair) => pair.received.length === sent.length), 'every reader to receive everything')
    for (const pair of pairs) expect(pair.received.map((data) => [...data])).toEqual(sent.map((message) => [...message]))
    expect(sharedFrameStats.framed - before.framed).toBe(sent.length)
    expect(sharedFrameStats.reused - before.reused).toBe(sent.length * (pairs.length - 1))
    expect(sharedFrameStats.fallback - before.fallback).toBe(0)
  })

  it('[SYNC2] a reader whose connection drops in the middle of a broadcast does not disturb the others', async () => {
    const { pairs, close } = await connect(20)
    cleanups.push(close)
    const sent = messages(10)
    const dropped = new Set([3, 11])
    for (const [index, message] of sent.entries()) {
      for (const [reader, pair] of pairs.entries()) {
        // Halfway through the fourth message's broadcast, two readers' TCP connections die.
        if (index === 3 && dropped.has(reader)) pair.serverSocket.terminate()
        pair.server.send(message)
      }
    }
    const alive = pairs.filter((_, reader) => !dropped.has(reader))
    await waitFor(() => alive.every((pair) => pair.received.length === sent.length), 'the other readers to receive everything')
    for (const pair of alive) expect(pair.received.map((data) => [...data])).toEqual(sent.map((message) => [...message]))
    // A dropped reader got a prefix of what was sent to it before the drop (what was still corked
    // in that tick dies with the socket, as unsent bytes in its buffers would).
    for (const reader of dropped) {
      const received = pairs[reader]!.received.map((data) => [...data])
      expect(received.length).toBeLessThanOrEqual(3)
      expect(received).toEqual(sent.slice(0, received.length).map((message) => [...message]))
    }
  })

  it('[SYNC2] messages too big to share and sockets with compression go through ws.send, in order with shared frames', async () => {
    const plain = await connect(3)
    cleanups.push(plain.close)
    const compressed = await connect(2, { perMessageDeflate: true })
    cleanups.push(compressed.close)
    const pairs = [...plain.pairs, ...compressed.pairs]
    const big = messages(1, SHARED_FRAME_MAX_BYTES + 1)[0]!
    const sent = [...messages(3), big, ...messages(3, 300)]
    const before = { ...sharedFrameStats }
    for (const message of sent) for (const pair of pairs) pair.server.send(message)
    await waitFor(() => pairs.every((pair) => pair.received.length === sent.length), 'every reader to receive everything')
    for (const pair of pairs) expect(pair.received.map((data) => Buffer.from(data).toString('hex'))).toEqual(sent.map((message) => Buffer.from(message).toString('hex')))
    // The big message to every reader, and everything to the compressed ones, went through ws.
    expect(sharedFrameStats.fallback - before.fallback).toBe(plain.pairs.length + compressed.pairs.length * sent.length)
  })

  it('[SYNC2] messages to one reader within a tick leave in one write after the first; the next tick writes at once again', async () => {
    const { pairs, close } = await connect(1)
    cleanups.push(close)
    const pair = pairs[0]!
    const tcp = (pair.serverSocket as unknown as { _socket: Socket })._socket
    const writes: string[] = []
    const write = tcp._write.bind(tcp)
    const writev = tcp._writev!.bind(tcp)
    tcp._write = (chunk, encoding, callback) => (writes.push('write'), write(chunk, encoding, callback))
    tcp._writev = (chunks, callback) => (writes.push(`writev of ${chunks.length}`), writev(chunks, callback))
    const burst = messages(10)
    // Mixed in: one message too big to share, which ws sends itself onto the same corked socket.
    const big = messages(1, SHARED_FRAME_MAX_BYTES + 1)[0]!
    const sent = [...burst.slice(0, 5), big, ...burst.slice(5)]
    for (const message of sent) pair.server.send(message)
    expect(writes).toEqual(['write'])
    await new Promise((resolve) => process.nextTick(resolve))
    expect(writes).toEqual(['write', `writev of ${4 + 2 + 5}`]) // 4 shared frames, ws's header and payload, 5 more
    await waitFor(() => pair.received.length === sent.length, 'the reader to receive the burst')
    expect(pair.received.map((data) => Buffer.from(data).toString('hex'))).toEqual(sent.map((message) => Buffer.from(message).toString('hex')))
    // A lone message in a later tick is written at once, not held.
    await new Promise((resolve) => setImmediate(resolve))
    pair.server.send(burst[0]!)
    expect(writes.at(-1)).toBe('write')
    expect(writes).toHaveLength(3)
  })
})
