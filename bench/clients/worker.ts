/**
 * A client worker process: holds many real clients (HocuspocusProvider or y-websocket's
 * WebsocketProvider, both over `ws` on loopback) and runs commands from the harness over IPC.
 *
 * Times are `process.hrtime` (CLOCK_MONOTONIC, the same clock in every process on the machine), in
 * milliseconds, so a send time from one worker and an arrival time from another can be subtracted.
 *
 * Typing protocol: a typist appends one character (its "letter") per keystroke at the end of the
 * body's first paragraph. Watchers count the letters arriving in insert deltas; the k-th arriving
 * letter is keystroke k (Yjs applies one client's inserts in order), so arrival k minus send k is
 * that keystroke's latency.
 */
import { gunzipSync } from 'node:zlib'
import fs from 'node:fs'
import { HocuspocusProvider, HocuspocusProviderWebsocket, WebSocketStatus } from '@hocuspocus/provider'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import type { WorkerCommand, WorkerReply, ClientSpec } from '../lib/worker-protocol.ts'
import { TaskCoalescingWebSocket } from './task-coalescing-websocket.ts'
import { staggeredKeepAlive, stateRequest } from './keep-alive.ts'
import { connectThinReader, type ThinReader } from './thin-reader.ts'

/** Monotonic milliseconds shared by all processes on the machine. */
const now = () => Number(process.hrtime.bigint()) / 1e6

interface BenchClient {
  ydoc: Y.Doc
  isSynced(): boolean
  /** Changes sent but not yet acknowledged (Hocuspocus only; y-websocket has no acknowledgement). */
  unsynced(): number
  /** Calls `listener` whenever the count of unacknowledged changes changes (Hocuspocus only). */
  onUnsynced(listener: (count: number) => void): void
  destroy(): void
}

// y-websocket's provider adds a process 'exit' listener per instance; thousands are expected here.
process.setMaxListeners(0)

const clients = new Map<string, BenchClient>()
/** Readers without a document (thin-reader.ts): they only note arrivals. */
const thinReaders = new Map<string, ThinReader>()
/** Per client, per watched letter: arrival time of each keystroke. */
const arrivals = new Map<string, Map<string, number[]>>()
/** Clients whose document has the arrival observer. */
const watched = new Set<string>()
let cpuMark = process.cpuUsage()
let wallMark = performance.now()

function connect(spec: ClientSpec): BenchClient {
  const ydoc = new Y.Doc()
  if (spec.protocol === 'hocuspocus') {
    const socket = new HocuspocusProviderWebsocket({
      url: spec.url,
      WebSocketPolyfill: TaskCoalescingWebSocket,
      // Idle benchmark clients receive nothing for long stretches; do not treat that as a dead link.
      messageReconnectTimeout: 3_600_000,
    })
    // No presence: the figures measure document fan-out (presence would be N² messages at connect).
    const provider = new HocuspocusProvider({
      websocketProvider: socket,
      name: spec.doc,
      document: ydoc,
      token: spec.token,
      awareness: null,
    })
    provider.attach()
    const stopKeepAlive = staggeredKeepAlive(() => {
      if (socket.status === WebSocketStatus.Connected) socket.send(stateRequest(ydoc, spec.doc))
    })
    return {
      ydoc,
      isSynced: () => provider.synced,
      unsynced: () => provider.unsyncedChanges,
      onUnsynced: (listener) => provider.on('unsyncedChanges', ({ number }: { number: number }) => listener(number)),
      destroy() {
        stopKeepAlive()
        provider.destroy()
        socket.destroy()
      },
    }
  }
  // Ours' y-websocket endpoint reads the token from the query; the reference server ignores it.
  const provider = new WebsocketProvider(spec.url, spec.doc, ydoc, {
    WebSocketPolyfill: TaskCoalescingWebSocket as never,
    disableBc: true,
    connect: false,
    params: { token: spec.token },
  })
  provider.awareness.setLocalState(null)
  provider.connect()
  const stopKeepAlive = staggeredKeepAlive(() => {
    if (provider.ws?.readyState === TaskCoalescingWebSocket.OPEN) provider.ws.send(stateRequest(ydoc, null))
  })
  return {
    ydoc,
    isSynced: () => provider.synced,
    unsynced: () => 0,
    onUnsynced: () => {},
    destroy() {
      stopKeepAlive()
      provider.destroy()
    },
  }
}

/** The first paragraph's text of the body, created when `create` and missing. */
function paragraphText(ydoc: Y.Doc, create: boolean): Y.XmlText | null {
  const body = ydoc.getXmlFragment('default')
  let paragraph = body.get(0) as Y.XmlElement | undefined
  if (!paragraph) {
    if (!create) return null
    ydoc.transact(() => {
      paragraph = new Y.XmlElement('paragraph')
      paragraph.insert(0, [new Y.XmlText()])
      body.insert(0, [paragraph])
    })
  }
  return paragraph!.get(0) as Y.XmlText
}

function client(key: string): BenchClient {
  const found = clients.get(key)
  if (!found) throw new Error(`no client ${key}`)
  return found
}

async function until(condition: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`worker ${process.pid}: timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function handle(command: WorkerCommand): Promise<unknown> {
  switch (command.cmd) {
    case 'open': {
      const batch = command.batchSize ?? 50
      for (let i = 0; i < command.clients.length; i += batch) {
        const opened = command.clients.slice(i, i + batch).map((spec) => {
          if (spec.thin) {
            const reader = connectThinReader(spec, now)
            thinReaders.set(spec.key, reader)
            return reader
          }
          const c = connect(spec)
          clients.set(spec.key, c)
          return c
        })
        await until(() => opened.every((c) => c.isSynced()), `${opened.length} clients to sync`, command.timeoutMs ?? 60_000)
      }
      return null
    }
    case 'prepare': {
      // The first client of a document creates the paragraph; the others wait until they have it.
      for (const key of command.creators) paragraphText(client(key).ydoc, true)
      const waiters = command.waiters.filter((key) => !thinReaders.has(key))
      await until(() => waiters.every((key) => paragraphText(client(key).ydoc, false) !== null), 'paragraphs', command.timeoutMs ?? 60_000)
      return null
    }
    case 'watch': {
      // Each client gets one observer for its lifetime; a new watch only starts new arrival lists,
      // so a run's observers cost the same in the first round and the tenth.
      for (const key of command.keys) {
        arrivals.set(key, new Map<string, number[]>(command.letters.map((letter) => [letter, []])))
        if (watched.has(key)) continue
        watched.add(key)
        const thin = thinReaders.get(key)
        if (thin) {
          // Only the writer types during a run, so every keystroke an update carries is a watched letter.
          thin.onUpdate((keystrokes, t) => {
            const times = arrivals.get(key)?.values().next().value
            for (let i = 0; i < keystrokes; i++) times?.push(t)
          })
          continue
        }
        client(key).ydoc.getXmlFragment('default').observeDeep((events) => {
          const t = now()
          const perLetter = arrivals.get(key)
          if (!perLetter) return
          for (const event of events) {
            if (!(event.target instanceof Y.XmlText)) continue
            for (const op of event.delta) {
              if (typeof op.insert !== 'string') continue
              for (const ch of op.insert) perLetter.get(ch)?.push(t)
            }
          }
        })
      }
      return null
    }
    case 'type': {
      // One timer chain per typist, each with its own phase so typists do not fire together.
      const sends = new Map<string, number[]>()
      const acks = new Map<string, number[]>()
      await Promise.all(
        command.typists.map(async ({ key, letter }, index) => {
          const text = paragraphText(client(key).ydoc, true)!
          const times: number[] = []
          sends.set(key, times)
          if (command.acks) {
            // Every change sent so far is acknowledged when the count drops to zero.
            const acked: number[] = []
            acks.set(key, acked)
            client(key).onUnsynced((count) => {
              if (count !== 0) return
              const t = now()
              while (acked.length < times.length) acked.push(t)
            })
          }
          const phase = command.intervalMs > 0 ? (index / command.typists.length) * command.intervalMs : 0
          const start = performance.now() + phase
          for (let i = 0; i < command.count; i++) {
            if (command.intervalMs > 0) {
              const wait = start + i * command.intervalMs - performance.now()
              if (wait > 0) await sleep(wait)
            } else {
              await new Promise((resolve) => setImmediate(resolve))
            }
            times.push(now())
            text.insert(text.length, letter)
          }
        }),
      )
      if (command.acks) {
        await until(() => command.typists.every(({ key }) => (acks.get(key)?.length ?? 0) >= command.count), 'acknowledgements', 60_000)
        return { sends: Object.fromEntries(sends), acks: Object.fromEntries(acks) }
      }
      return Object.fromEntries(sends)
    }
    case 'collect': {
      const result: Record<string, Record<string, number[]>> = {}
      for (const key of command.keys) result[key] = Object.fromEntries(arrivals.get(key) ?? [])
      return result
    }
    case 'waitArrivals': {
      // Until every watched client has `count` of `letter` (or the timeout; the harness then counts losses).
      const deadline = Date.now() + command.timeoutMs
      const done = () => command.keys.every((key) => (arrivals.get(key)?.get(command.letter)?.length ?? 0) >= command.count)
      while (!done() && Date.now() < deadline) await sleep(10)
      return done()
    }
    case 'trace': {
      const trace = JSON.parse(gunzipSync(fs.readFileSync(command.file)).toString('utf8')) as {
        startContent: string
        endContent: string
        txns: { patches: [number, number, string][] }[]
      }
      const c = client(command.key)
      const text = paragraphText(c.ydoc, true)!
      const txns = trace.txns.slice(0, command.limit ?? trace.txns.length)
      if (trace.startContent) text.insert(0, trace.startContent)
      const start = now()
      for (let i = 0; i < txns.length; i++) {
        c.ydoc.transact(() => {
          for (const [position, deleteCount, insertText] of txns[i]!.patches) {
            if (deleteCount > 0) text.delete(position, deleteCount)
            if (insertText) text.insert(position, insertText)
          }
        })
        // Yield now and then so the socket writes go out while we type, as a real editor would.
        if (i % command.yieldEvery === command.yieldEvery - 1) await new Promise((resolve) => setImmediate(resolve))
      }
      const sent = now()
      const expected = text.toString()
      const full = txns.length === trace.txns.length
      if (full && expected !== trace.endContent) throw new Error('writer replica differs from endContent')
      return { start, sent, edits: txns.length, expected, full }
    }
    case 'waitText': {
      const c = client(command.key)
      const matches = () => {
        const text = paragraphText(c.ydoc, false)
        return text !== null && text.length === command.expected.length && text.toString() === command.expected
      }
      if (matches()) return now()
      return new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => {
          c.ydoc.off('update', check)
          reject(new Error(`text did not reach the expected ${command.expected.length} characters within ${command.timeoutMs} ms`))
        }, command.timeoutMs)
        const check = () => {
          if (!matches()) return
          clearTimeout(timer)
          c.ydoc.off('update', check)
          resolve(now())
        }
        c.ydoc.on('update', check)
      })
    }
    case 'waitAcked': {
      const c = client(command.key)
      await until(() => c.unsynced() === 0, 'acknowledgements', command.timeoutMs)
      return now()
    }
    case 'seed': {
      // Paragraphs of text in one transaction, as an imported document would arrive.
      const { ydoc } = client(command.key)
      const body = ydoc.getXmlFragment('default')
      ydoc.transact(() => {
        const paragraphs = Array.from({ length: command.paragraphs }, (_, i) => {
          const paragraph = new Y.XmlElement('paragraph')
          const text = new Y.XmlText()
          text.insert(0, `${i + 1}. ${command.text}`)
          paragraph.insert(0, [text])
          return paragraph
        })
        body.insert(body.length, paragraphs)
      })
      await until(() => client(command.key).unsynced() === 0, 'seed acknowledged', 60_000)
      return null
    }
    case 'text': {
      return paragraphText(client(command.key).ydoc, false)?.toString() ?? ''
    }
    case 'cpu': {
      const usage = process.cpuUsage(cpuMark)
      const wallMs = performance.now() - wallMark
      if (command.reset) {
        cpuMark = process.cpuUsage()
        wallMark = performance.now()
      }
      return { cpuMs: (usage.user + usage.system) / 1000, wallMs, rssBytes: process.memoryUsage.rss() }
    }
    case 'close': {
      const keys = command.keys ?? [...clients.keys(), ...thinReaders.keys()]
      for (const key of keys) {
        clients.get(key)?.destroy()
        clients.delete(key)
        thinReaders.get(key)?.destroy()
        thinReaders.delete(key)
        arrivals.delete(key)
        watched.delete(key)
      }
      return null
    }
  }
}

process.on('message', (message: WorkerCommand & { id: number }) => {
  handle(message).then(
    (result) => process.send!({ id: message.id, ok: true, result } satisfies WorkerReply),
    (error: unknown) => process.send!({ id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) } satisfies WorkerReply),
  )
})
process.on('disconnect', () => process.exit(0))
process.send!({ id: 0, ok: true, result: 'ready' } satisfies WorkerReply)
