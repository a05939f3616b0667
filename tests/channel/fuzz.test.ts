/**
 * Seeded fuzzing of the live server over real WebSockets: valid frames of every message type,
 * mutated (bit flips, truncation, splices, varint inflation, byte insertion and deletion), sent by
 * authenticated and unauthenticated sockets. The server (a child process) must stay up with
 * bounded memory, close offenders with table codes only, and keep an honest provider pair on the
 * same document converging throughout.
 *
 * Default: at least 100,000 mutated frames processed (within about a minute). `LONG=1` runs
 * 1,000,000. `FUZZ_SEED=<n>` replays a seed; the seed is printed and named in every failure.
 */
import fs from 'node:fs'
import * as encoding from 'lib0/encoding'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { closeCodeByNumber } from '../../shared/close-codes.ts'
import { MESSAGE_TYPES, inspectFrame } from '../../shared/frame-inspection.ts'
import { readChannelLimits } from '../../server/limits/channel-limits.ts'
import { bodyText, connectClient, paragraphText, waitFor, type TestClient } from '../helpers/clients.ts'
import {
  authFrame,
  awarenessFrame,
  paragraphUpdate,
  queryAwarenessFrame,
  rawClient,
  statelessFrame,
  syncStep1Frame,
  syncStep2Frame,
  updateFrame,
} from '../helpers/raw-client.ts'
import { prng } from '../helpers/prng.ts'
import { spawnTestServer, testToken, type ChildServer } from '../helpers/server.ts'

const LONG = process.env.LONG === '1'
const TARGET = LONG ? 1_000_000 : 100_000
// The loop ends at TARGET; the time limit only bounds a machine too loaded to get there (CI runs two files at once).
const TIME_LIMIT_MS = LONG ? 900_000 : 180_000
const WORKERS = 8
const BATCH = 40
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31)
const DOC = 'fuzzed'
const bounds = readChannelLimits((_name, fallback) => fallback, 4 * 1024 * 1024).frames

/** Valid frames of every type a client sends, as captured from the encoders the provider uses. */
function corpus(token: string): Uint8Array[] {
  const doc = new Y.Doc()
  const paragraph = new Y.XmlElement('paragraph')
  const text = new Y.XmlText()
  paragraph.insert(0, [text])
  doc.getXmlFragment('default').insert(0, [paragraph])
  const updates: Uint8Array[] = []
  doc.on('update', (update: Uint8Array) => updates.push(update))
  text.insert(0, 'hello fuzz')
  text.format(0, 5, { bold: {} })
  text.insert(5, ' link', { link: { href: 'https://example.com' } })
  text.delete(0, 2)
  doc.getMap('meta').set('title', 'Fuzz')
  const heading = new Y.XmlElement('heading')
  heading.setAttribute('level', '2')
  doc.getXmlFragment('default').insert(1, [heading])
  const frames = [
    authFrame(DOC, token),
    syncStep1Frame(DOC, doc),
    syncStep2Frame(DOC, Y.encodeStateAsUpdate(doc)),
    syncStep2Frame(DOC, paragraphUpdate('step two')),
    awarenessFrame(DOC, { user: { name: 'Fuzzy', color: '#123456' }, cursor: null }),
    queryAwarenessFrame(DOC),
    statelessFrame(DOC, '{"hello":"fuzz"}'),
    closeFrame(DOC),
  ]
  for (const update of updates) frames.push(updateFrame(DOC, update))
  return frames
}

function closeFrame(document: string): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarString(encoder, document)
  encoding.writeVarUint(encoder, MESSAGE_TYPES.close)
  return encoding.toUint8Array(encoder)
}

/** One mutation of a random corpus frame. */
function mutate(random: () => number, frames: Uint8Array[]): Uint8Array {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!
  const frame = Uint8Array.from(pick(frames))
  const at = (length: number) => Math.floor(random() * Math.max(1, length))
  switch (Math.floor(random() * 7)) {
    case 0: {
      // bit flips
      const flips = 1 + Math.floor(random() * 4)
      for (let i = 0; i < flips; i++) frame[at(frame.length)]! ^= 1 << Math.floor(random() * 8)
      return frame
    }
    case 1:
      return frame.subarray(0, at(frame.length))
    case 2: {
      // splice two frames
      const other = pick(frames)
      return Uint8Array.of(...frame.subarray(0, at(frame.length)), ...other.subarray(at(other.length)))
    }
    case 3: {
      // varint inflation: a byte below 0x80 re-encoded with redundant continuation bytes
      const position = at(frame.length)
      const value = frame[position]! & 0x7f
      const padding = Array.from({ length: 1 + Math.floor(random() * 6) }, () => 0x80)
      return Uint8Array.of(...frame.subarray(0, position), value | 0x80, ...padding, 0, ...frame.subarray(position + 1))
    }
    case 4: {
      // varint blown up to a huge value
      const position = at(frame.length)
      return Uint8Array.of(...frame.subarray(0, position), 0xff, 0xff, 0xff, 0xff, 0x0f, ...frame.subarray(position + 1))
    }
    case 5: {
      // random bytes inserted
      const position = at(frame.length)
      const bytes = Array.from({ length: 1 + Math.floor(random() * 8) }, () => Math.floor(random() * 256))
      return Uint8Array.of(...frame.subarray(0, position), ...bytes, ...frame.subarray(position))
    }
    default: {
      // a byte range deleted
      const start = at(frame.length)
      return Uint8Array.of(...frame.subarray(0, start), ...frame.subarray(start + 1 + Math.floor(random() * 8)))
    }
  }
}

function rssOf(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024
}

function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}

async function health(url: string): Promise<{ channel: { inspected: number; refused: Record<string, number> } }> {
  return (await (await fetch(`${url}/healthz`)).json()) as never
}

describe(`fuzzing the live server (seed ${SEED})`, () => {
  let server: ChildServer
  let writer: TestClient
  let reader: TestClient

  beforeAll(async () => {
    server = await spawnTestServer({
      LOG_LEVEL: 'fatal',
      // This test is about decoding, not rate limiting: every fuzz socket shares 127.0.0.1.
      RATE_LIMIT_MESSAGES_PER_SECOND: '1000000',
      RATE_LIMIT_MESSAGE_BURST: '1000000',
      ADDRESS_RATE_LIMIT_MESSAGES_PER_SECOND: '1000000',
      ADDRESS_RATE_LIMIT_MESSAGE_BURST: '1000000',
    })
    writer = connectClient(server.url, DOC, await testToken('Writer'))
    reader = connectClient(server.url, DOC, await testToken('Reader'))
    await waitFor(() => writer.provider.synced && reader.provider.synced, 'honest clients synced')
  })
  afterAll(async () => {
    writer?.destroy()
    reader?.destroy()
    await server?.stop()
  })

  it(`[SEC4] ${TARGET.toLocaleString('en')} mutated frames: the server stays up with bounded memory and honest clients keep syncing`, async () => {
    console.log(`fuzz seed ${SEED} (replay with FUZZ_SEED=${SEED})`)
    const failure = (what: string) => `${what} (FUZZ_SEED=${SEED})`
    const token = await testToken('Fuzzer')
    const frames = corpus(token)
    const baselineRss = rssOf(server.process.pid!)
    let peakRss = baselineRss
    const started = Date.now()
    const closeCodes = new Map<number, number>()
    // Auth frames the fuzzer sends itself; every other frame the server inspects is a mutated one.
    let nonMutated = 0
    let done = false

    const processed = async () => (await health(server.url)).channel.inspected - nonMutated

    const worker = async (index: number) => {
      const random = prng(SEED + index * 7919)
      // Mutated frames the frame decoder would accept go deep (Hocuspocus, Yjs, schema
      // validation); one that it refuses ends a connection. Sorting them client-side (with the
      // same pure decoder) lets each connection carry many frames instead of dying on the first.
      const nextBatch = (): Uint8Array[] => {
        const deep: Uint8Array[] = []
        for (let tries = 0; tries < BATCH * 100; tries++) {
          const frame = mutate(random, frames)
          if (inspectFrame(frame, bounds).ok) {
            if (deep.push(frame) === BATCH) break
          } else if (deep.length === 0 && random() < 0.3) {
            // Some connections meet a refused frame first: the early-close path gets its share.
            return [frame]
          }
        }
        // One frame the decoder refuses ends the connection after its deep frames.
        for (let tries = 0; tries < 100; tries++) {
          const frame = mutate(random, frames)
          if (!inspectFrame(frame, bounds).ok) return [...deep, frame]
        }
        return deep
      }
      while (!done) {
        const raw = rawClient(server.url)
        try {
          await raw.opened
        } catch {
          continue
        }
        if (random() < 0.5) {
          // Authenticated: the frames after it reach Hocuspocus, Yjs and the schema validation.
          raw.send(authFrame(DOC, token))
          nonMutated++
        }
        // A socket that survives a batch gets another, until one of its frames closes it.
        while (!done && raw.closed === null) {
          for (const frame of nextBatch()) raw.send(frame)
          await new Promise<void>((resolve) => {
            const timer = setTimeout(finish, 100)
            function finish() {
              clearTimeout(timer)
              raw.ws.off('close', finish)
              resolve()
            }
            raw.ws.once('close', finish)
          })
        }
        if (raw.closed) closeCodes.set(raw.closed.code, (closeCodes.get(raw.closed.code) ?? 0) + 1)
        raw.close()
      }
    }

    const honest = async () => {
      // Fuzzed updates may restructure or delete the body, so the check is on Yjs state: the
      // reader has every change the writer made, and both show the same body.
      const text = paragraphText(writer.ydoc)
      let readerFrames = 0
      ;(reader.socket as unknown as { webSocket: { addEventListener(type: string, listener: () => void): void } }).webSocket.addEventListener('message', () => readerFrames++)
      const clock = (doc: Y.Doc) => Y.getState(doc.store, writer.ydoc.clientID)
      let typed = 0
      while (!done) {
        text.insert(0, 'h')
        typed++
        await waitFor(() => clock(reader.ydoc) === clock(writer.ydoc), failure(`honest edit ${typed} reaches the reader during the fuzz`), 15_000).catch(async (error: Error) => {
          const framesAtFailure = readerFrames
          await new Promise((resolve) => setTimeout(resolve, 1000))
          console.log(`reader socket frames: ${framesAtFailure} at failure, ${readerFrames} a second later`)
          const pending = (doc: Y.Doc) => (doc.store.pendingStructs ? [...doc.store.pendingStructs.missing.entries()] : null)
          // Does the server hold the edit? A fresh client shows what it would send.
          const fresh = connectClient(server.url, DOC, await testToken('Fresh'))
          await waitFor(() => fresh.provider.synced, 'fresh client synced').catch(() => {})
          const freshClock = clock(fresh.ydoc)
          const vector = (doc: Y.Doc) => Y.decodeStateVector(Y.encodeStateVector(doc))
          const freshVector = vector(fresh.ydoc)
          const readerVector = vector(reader.ydoc)
          const differing = [...new Set([...freshVector.keys(), ...readerVector.keys()])].filter((id) => freshVector.get(id) !== readerVector.get(id))
          console.log(`state differs for clients ${JSON.stringify(differing.map((id) => [id, freshVector.get(id), readerVector.get(id)]))}; writer is ${writer.ydoc.clientID}`)
          const freshPending = pending(fresh.ydoc)
          fresh.destroy()
          console.log(`fresh client: writer clock ${freshClock} (writer ${clock(writer.ydoc)}, reader ${clock(reader.ydoc)}), fresh pending ${JSON.stringify(freshPending)}`)
          throw new Error(
            `${error.message}; writer refusals ${JSON.stringify(writer.refusals)}, synced ${writer.provider.synced}, unsynced ${writer.provider.unsyncedChanges}, ` +
              `socket ${writer.socket.status}; reader socket ${reader.socket.status}, reader refusals ${JSON.stringify(reader.refusals.slice(0, 3))}, reader pending ${JSON.stringify(pending(reader.ydoc))}, writer pending ${JSON.stringify(pending(writer.ydoc))}`,
          )
        })
        await waitFor(() => bodyText(reader.ydoc) === bodyText(writer.ydoc), failure(`writer and reader agree after edit ${typed}`), 15_000)
        await new Promise((resolve) => setTimeout(resolve, 200))
      }
      return typed
    }

    const monitor = async () => {
      while (!done) {
        await new Promise((resolve) => setTimeout(resolve, 1000))
        expect(server.process.exitCode, failure('the server process is alive')).toBeNull()
        peakRss = Math.max(peakRss, rssOf(server.process.pid!))
        if ((await processed()) >= TARGET || Date.now() - started > TIME_LIMIT_MS) done = true
      }
    }

    const [typed] = await Promise.all([honest(), monitor(), ...Array.from({ length: WORKERS }, (_, index) => worker(index))])
    const total = await processed()
    const seconds = (Date.now() - started) / 1000
    console.log(
      `fuzz: ${total} mutated frames in ${seconds.toFixed(1)} s, close codes ${JSON.stringify(Object.fromEntries(closeCodes))}, ` +
        `RSS ${Math.round(baselineRss / 2 ** 20)} -> peak ${Math.round(peakRss / 2 ** 20)} MiB, honest edits ${typed}, ` +
        `CPU s: server ${cpuSeconds(server.process.pid!).toFixed(1)}, test ${(process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6).toFixed(1)}`,
    )

    expect(total, failure('mutated frames processed')).toBeGreaterThanOrEqual(TARGET)
    expect(server.process.exitCode, failure('the server process is alive')).toBeNull()
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
    expect(peakRss - baselineRss, failure('RSS growth')).toBeLessThan(256 * 2 ** 20)
    // Every close the server initiated carries a code from the table (or 1009 / a normal close).
    for (const code of closeCodes.keys()) {
      expect(closeCodeByNumber(code) !== undefined || code === 1000 || code === 1005 || code === 1006, failure(`close code ${code} is documented`)).toBe(true)
    }
    // The honest pair still converges after the storm.
    writer.ydoc.getMap('meta').set('title', 'after the fuzz')
    await waitFor(() => reader.ydoc.getMap('meta').get('title') === 'after the fuzz', failure('an edit after the fuzz reaches the reader'))
    await waitFor(() => bodyText(reader.ydoc) === bodyText(writer.ydoc), failure('convergence after the fuzz'))
    expect(typed).toBeGreaterThan(5)
  }, TIME_LIMIT_MS + 60_000)
})
