/**
 * The shared-frame broadcast over real `ws` sockets: every reader gets every message intact and in
 * order, whether the frame was shared, too big to share, or compression forced `ws.send`.
 */
import type { AddressInfo, Socket } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket, WebSocketServer } from 'ws'
import { waitFor } from '../../tests/helpers/clients.ts'
import { FanoutThread } from './fanout-thread.ts'
import { SHARED_FRAME_MAX_BYTES, SharedFrameSocket, sharedFrameStats, useFanoutThread, writeTickFramesNow } from './shared-frame-socket.ts'

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

  it('[SYNC2] messages to one reader within a tick leave in one write after the first; a lone message later leaves alone at the end of its tick', async () => {
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
    // A lone message in a later tick waits only for the end of that tick (to join a broadcast), then leaves alone.
    await new Promise((resolve) => setImmediate(resolve))
    pair.server.send(burst[0]!)
    expect(writes).toHaveLength(2)
    await new Promise((resolve) => process.nextTick(resolve))
    expect(writes.at(-1)).toBe('write')
    expect(writes).toHaveLength(3)
  })

  it('[SYNC2] a broadcast\'s waiting frames are written when asked, in the same tick; a later message that tick follows in order', async () => {
    const { pairs, close } = await connect(3)
    cleanups.push(close)
    const [first, second] = messages(2) as [Uint8Array, Uint8Array]
    const tcps = pairs.map((pair) => (pair.serverSocket as unknown as { _socket: Socket })._socket)
    const before = tcps.map((tcp) => tcp.bytesWritten)
    for (const pair of pairs) pair.server.send(first)
    // Held for the end of the tick...
    expect(tcps.map((tcp) => tcp.bytesWritten)).toEqual(before)
    writeTickFramesNow()
    // ...and written now, before the tick ends.
    tcps.forEach((tcp, i) => expect(tcp.bytesWritten).toBeGreaterThan(before[i]!))
    for (const pair of pairs) pair.server.send(second)
    await waitFor(() => pairs.every((pair) => pair.received.length === 2), 'both messages at every reader')
    for (const pair of pairs) expect(pair.received.map((data) => Buffer.from(data).toString('hex'))).toEqual([first, second].map((message) => Buffer.from(message).toString('hex')))
  })

  it('[SYNC2] the fan-out thread starts when first asked for a broadcast, not with the server', async () => {
    const idle = new FanoutThread()
    expect(idle.started).toBe(false)
    // Not up yet: the first broadcasts are written by the main thread alone.
    expect(idle.canTake(1)).toBe(false)
    expect(idle.started).toBe(true)
    await waitFor(() => idle.canTake(1), 'the fan-out thread to start')
    await idle.stop()
    await new FanoutThread().stop()
  })

  describe('with the fan-out thread', () => {
    let thread: FanoutThread
    let release: () => void
    beforeAll(async () => {
      thread = new FanoutThread()
      release = useFanoutThread(thread, 4)
      await waitFor(() => thread.canTake(1), 'the fan-out thread to start')
    })
    afterAll(async () => {
      release()
      await thread.stop()
    })

    it('[SYNC2] broadcasts split between two threads reach every reader intact and in order, mixed with messages to single readers', async () => {
      const { pairs, close } = await connect(40)
      cleanups.push(close)
      const expected: Uint8Array[][] = pairs.map(() => [])
      const before = { ...sharedFrameStats }
      const broadcasts = messages(30)
      const singles = messages(30, 25).map((message) => message.map((byte) => byte ^ 0x5a))
      for (const [tick, message] of broadcasts.entries()) {
        // Some ticks also send a reader its own message before or after the broadcast (an
        // acknowledgement, a sync reply): it must stay in order with the shared frame.
        const single = tick % 3 === 0 ? singles[tick]! : null
        const target = tick % pairs.length
        if (single && tick % 2 === 0) (pairs[target]!.server.send(single), expected[target]!.push(single))
        for (const [index, pair] of pairs.entries()) (pair.server.send(message), expected[index]!.push(message))
        if (single && tick % 2 === 1) (pairs[target]!.server.send(single), expected[target]!.push(single))
        await new Promise((resolve) => setImmediate(resolve))
      }
      await waitFor(() => pairs.every((pair, index) => pair.received.length === expected[index]!.length), 'every reader to receive everything')
      for (const [index, pair] of pairs.entries()) {
        expect(pair.received.map((data) => Buffer.from(data).toString('hex'))).toEqual(expected[index]!.map((message) => Buffer.from(message).toString('hex')))
      }
      // The thread wrote to some of the readers (the main thread takes the rest, however soon the thread wakes).
      expect(sharedFrameStats.threaded - before.threaded).toBeGreaterThan(0)
    })

    it('[SYNC2] a reader that stops reading: writes the kernel refuses the thread are finished through the stream, in order', async () => {
      const { pairs, close } = await connect(8)
      cleanups.push(close)
      // The first reader is the thread's first to take (the main thread starts from the last); it
      // stops reading, so its socket buffers fill up.
      const stalled = pairs[0]!
      const clientSocket = (stalled.client as unknown as { _socket: Socket })._socket
      clientSocket.pause()
      const before = { ...sharedFrameStats }
      const big = messages(240, SHARED_FRAME_MAX_BYTES - 64)
      // A main thread slow to take sockets back (2 ms each time), so that however late the thread
      // wakes on a busy machine, it writes to the stalled reader.
      const takeBack = thread.take.bind(thread)
      const clock = new Int32Array(new SharedArrayBuffer(4))
      thread.take = () => (Atomics.wait(clock, 0, 0, 2), takeBack())
      try {
        for (const message of big) {
          for (const pair of pairs) pair.server.send(message)
          await new Promise((resolve) => setImmediate(resolve))
        }
      } finally {
        thread.take = takeBack
      }
      expect(sharedFrameStats.threadUnfinished - before.threadUnfinished).toBeGreaterThan(0)
      await waitFor(() => pairs.slice(1).every((pair) => pair.received.length === big.length), 'the reading readers to receive everything')
      clientSocket.resume()
      await waitFor(() => stalled.received.length === big.length, 'the stalled reader to catch up', 30_000)
      for (const pair of pairs) {
        expect(pair.received.length).toBe(big.length)
        for (const [i, data] of pair.received.entries()) expect(Buffer.compare(data, Buffer.from(big[i]!))).toBe(0)
      }
    })
  })
})
