/**
 * The fan-out thread (server/sync/fanout-thread.ts) on and off, with nothing else in the way: the
 * server's own broadcast path (`SharedFrameSocket` over `ws`) writing one message at a time to N
 * WebSocket readers, which only note when each message arrives. The full fan-out suite measures
 * whole servers with readers that decode their messages; here the readers are as light as a
 * WebSocket client gets, so the broadcast's own cost shows, as it would with readers on other
 * machines.
 *
 *   node bench/fanout-thread.ts [--readers 500] [--messages 300] [--rounds 4] [--interval 20]
 *
 * Readers run in 4 child processes; the two modes alternate round by round.
 */
import { fork, type ChildProcess } from 'node:child_process'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { WebSocket, WebSocketServer } from 'ws'
import { FanoutThread } from '../server/sync/fanout-thread.ts'
import { SharedFrameSocket, sharedFrameStats, useFanoutThread } from '../server/sync/shared-frame-socket.ts'
import { summarize } from './lib/stats.ts'

const READER_PROCESSES = 4

if (process.argv[2] === '--reader') await runReaders(process.argv[3]!, Number(process.argv[4]))
else await main()

/** A reader process: `count` WebSockets to `url`, each noting when message `i` (its first 4 bytes) arrived. */
async function runReaders(url: string, count: number): Promise<void> {
  const arrivals: [number, number][] = []
  const sockets = Array.from({ length: count }, () => new WebSocket(url, { perMessageDeflate: false }))
  for (const socket of sockets) {
    socket.binaryType = 'nodebuffer'
    socket.on('message', (data: Buffer) => arrivals.push([data.readUInt32LE(0), performance.timeOrigin + performance.now()]))
  }
  await Promise.all(sockets.map((socket) => new Promise((resolve) => socket.once('open', resolve))))
  process.send!({ ready: true })
  process.on('message', (message: { collect?: boolean; exit?: boolean }) => {
    if (message.collect) process.send!({ arrivals: arrivals.splice(0) })
    if (message.exit) process.exit(0)
  })
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { readers: { type: 'string', default: '500' }, messages: { type: 'string', default: '300' }, rounds: { type: 'string', default: '4' }, interval: { type: 'string', default: '20' } },
  })
  const readers = Number(values.readers)
  const messages = Number(values.messages)
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false })
  await new Promise((resolve) => server.once('listening', resolve))
  const sockets: SharedFrameSocket[] = []
  server.on('connection', (socket) => sockets.push(new SharedFrameSocket(socket)))
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`
  const children: ChildProcess[] = []
  for (let i = 0; i < READER_PROCESSES; i++) {
    const share = Math.floor(readers / READER_PROCESSES) + (i < readers % READER_PROCESSES ? 1 : 0)
    children.push(fork(fileURLToPath(import.meta.url), ['--reader', url, String(share)]))
  }
  await Promise.all(children.map((child) => new Promise((resolve) => child.once('message', resolve))))
  while (sockets.length < readers) await new Promise((resolve) => setTimeout(resolve, 10))

  const thread = new FanoutThread()
  while (!thread.canTake(1)) await new Promise((resolve) => setTimeout(resolve, 10))
  const latencies = { 'one thread': [] as number[], 'two threads': [] as number[] }
  let next = 0
  for (let round = 0; round < Number(values.rounds) * 2; round++) {
    const mode = round % 2 === 0 ? 'one thread' : 'two threads'
    const release = useFanoutThread(mode === 'two threads' ? thread : null)
    const sent = new Map<number, number>()
    for (let k = 0; k < messages; k++) {
      await new Promise((resolve) => setTimeout(resolve, Number(values.interval)))
      const message = new Uint8Array(27)
      new DataView(message.buffer).setUint32(0, next, true)
      sent.set(next++, performance.timeOrigin + performance.now())
      for (const socket of sockets) socket.send(message)
    }
    await new Promise((resolve) => setTimeout(resolve, 500))
    release()
    const worst = new Map<number, number>()
    for (const child of children) {
      child.send({ collect: true })
      const { arrivals } = await new Promise<{ arrivals: [number, number][] }>((resolve) => child.once('message', resolve as never))
      for (const [id, at] of arrivals) worst.set(id, Math.max(worst.get(id) ?? 0, at - sent.get(id)!))
    }
    latencies[mode].push(...worst.values())
  }
  console.log(`${readers} readers in ${READER_PROCESSES} processes, ${messages} messages × ${values.rounds} rounds per mode, one every ${values.interval} ms`)
  console.log(`written by the thread: ${sharedFrameStats.threaded} of ${next * readers}; finished by the main thread: ${sharedFrameStats.threadUnfinished}`)
  for (const [mode, values] of Object.entries(latencies)) {
    const summary = summarize(values)
    console.log(`${mode.padEnd(12)} until the last reader: p50 ${summary.p50} ms, p99 ${summary.p99} ms`)
  }
  for (const child of children) child.send({ exit: true })
  await thread.stop()
  server.close()
  process.exit(0)
}
