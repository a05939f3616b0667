/**
 * Fan-out latency and wire overhead of the HTTP fallback (SSE + POST) against WebSocket, on
 * loopback, with the same Hocuspocus provider clients.
 *
 * For each transport: one writer and RECEIVERS readers on one document; the writer makes EDITS
 * single-character edits one at a time, and we time each from the insert until every reader has
 * it. All traffic passes through a byte-counting TCP relay, so "bytes per edit" includes HTTP
 * headers, SSE framing, base64 and WebSocket framing: everything a network would carry.
 *
 *   node bench/http-fallback.ts [--edits 300] [--receivers 4] [--json]
 *
 * Writes bench/results/http-fallback-<date>.json and .md; with `--json` prints the summary as one
 * `BENCH_RESULT` line instead (how `npm run bench -- --only http-fallback` runs it).
 */
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider'
import * as Y from 'yjs'
import { HttpFallbackSocket } from '../client/sync/http-fallback/http-socket.ts'
import { startServer } from '../server/app.ts'
import { mintToken } from '../server/auth/tokens.ts'
import { loadConfig } from '../server/config.ts'
import { createLogger } from '../server/log.ts'
import { LIFTED_MESSAGE_RATE_LIMITS } from '../server/limits/channel-limits.ts'

const { values } = parseArgs({
  options: { edits: { type: 'string', default: '300' }, receivers: { type: 'string', default: '4' }, json: { type: 'boolean', default: false } },
})
const EDITS = Number(values.edits)
const RECEIVERS = Number(values.receivers)
const SECRET = 'bench-secret-bench-secret-bench-secret-0123456789'

type Transport = 'websocket' | 'http'

interface Client {
  ydoc: Y.Doc
  provider: HocuspocusProvider
  destroy(): void
}

/** A TCP relay in front of the server that counts the bytes each way. */
async function countingRelay(targetPort: number) {
  const counts = { up: 0, down: 0 }
  const sockets = new Set<net.Socket>()
  const relay = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1')
    for (const socket of [client, upstream]) {
      sockets.add(socket)
      socket.setNoDelay(true)
      socket.on('close', () => sockets.delete(socket))
      socket.on('error', () => {})
    }
    client.on('data', (chunk) => {
      counts.up += chunk.length
      upstream.write(chunk)
    })
    upstream.on('data', (chunk) => {
      counts.down += chunk.length
      client.write(chunk)
    })
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
  })
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve))
  const port = (relay.address() as net.AddressInfo).port
  return {
    port,
    counts,
    close: () => {
      for (const socket of sockets) socket.destroy()
      relay.close()
    },
  }
}

function connect(port: number, transport: Transport, document: string, token: string): Client {
  const ydoc = new Y.Doc()
  const socket = new HocuspocusProviderWebsocket({
    url: `ws://127.0.0.1:${port}/collab`,
    ...(transport === 'http' ? { WebSocketPolyfill: HttpFallbackSocket } : {}),
  })
  const provider = new HocuspocusProvider({ websocketProvider: socket, name: document, document: ydoc, token })
  provider.attach()
  return {
    ydoc,
    provider,
    destroy() {
      provider.destroy()
      socket.destroy()
    },
  }
}

async function until(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setImmediate(resolve))
  }
}

/** The text of the body's first paragraph; `create` makes the paragraph when there is none. */
function bodyText(ydoc: Y.Doc, create: boolean): Y.XmlText | null {
  const body = ydoc.getXmlFragment('default')
  if (body.length === 0 && create) {
    const paragraph = new Y.XmlElement('paragraph')
    paragraph.insert(0, [new Y.XmlText()])
    body.insert(0, [paragraph])
  }
  const paragraph = body.get(0)
  return paragraph instanceof Y.XmlElement && paragraph.get(0) instanceof Y.XmlText ? (paragraph.get(0) as Y.XmlText) : null
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

async function measure(serverPort: number, transport: Transport, token: string) {
  const relay = await countingRelay(serverPort)
  const document = `bench-${transport}-${Date.now()}`
  const writer = connect(relay.port, transport, document, token)
  const readers = Array.from({ length: RECEIVERS }, () => connect(relay.port, transport, document, token))
  const all = [writer, ...readers]
  await until(() => all.every((client) => client.provider.synced), 'initial sync')
  // Edits go where the editor's go (a paragraph of the body fragment): the server refuses
  // content outside the schema, such as a root Y.Text [SEC8].
  const text = bodyText(writer.ydoc, true)!
  await until(() => readers.every((reader) => bodyText(reader.ydoc, false) !== null), 'paragraph reaches readers')
  const texts = readers.map((reader) => bodyText(reader.ydoc, false)!)
  // Warm up (connections, JIT), then count only the measured edits.
  for (let i = 0; i < 20; i++) {
    text.insert(text.length, 'w')
    await until(() => texts.every((t) => t.length === text.length), 'warm-up fan-out')
  }
  await new Promise((resolve) => setTimeout(resolve, 200))
  const before = { ...relay.counts }
  const latencies: number[] = []
  for (let i = 0; i < EDITS; i++) {
    const started = performance.now()
    text.insert(text.length, 'x')
    const length = text.length
    await until(() => texts.every((t) => t.length === length), 'fan-out')
    latencies.push(performance.now() - started)
  }
  await until(() => !writer.provider.hasUnsyncedChanges, 'acknowledgements')
  await new Promise((resolve) => setTimeout(resolve, 300))
  const up = relay.counts.up - before.up
  const down = relay.counts.down - before.down
  all.forEach((client) => client.destroy())
  relay.close()
  latencies.sort((a, b) => a - b)
  const round = (value: number) => Math.round(value * 100) / 100
  return {
    transport,
    edits: EDITS,
    receivers: RECEIVERS,
    latencyMs: { p50: round(percentile(latencies, 50)), p95: round(percentile(latencies, 95)), p99: round(percentile(latencies, 99)), max: round(latencies.at(-1)!) },
    bytesPerEdit: { up: Math.round(up / EDITS), down: Math.round(down / EDITS), total: Math.round((up + down) / EDITS) },
  }
}

const dataDir = fs.mkdtempSync(path.join((await import('node:os')).tmpdir(), 'collab-bench-'))
const server = await startServer(loadConfig({
    PORT: '0',
    DATA_DIR: dataDir,
    AUTH_SECRET: SECRET,
    DEV_TOKENS: 'false',
    // As in bench/lib/servers.ts: scripted clients on one address type faster than people.
    ...LIFTED_MESSAGE_RATE_LIMITS,
  }), createLogger('silent'))
const token = await mintToken(SECRET, { user: { id: 'bench', name: 'Bench' } })
const results = []
try {
  for (const transport of ['websocket', 'http'] as const) results.push(await measure(server.port, transport, token))
} finally {
  await server.close()
  fs.rmSync(dataDir, { recursive: true, force: true })
}

const [ws, http] = results as [Awaited<ReturnType<typeof measure>>, Awaited<ReturnType<typeof measure>>]
const date = new Date().toISOString().slice(0, 10)
const outDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results')
fs.mkdirSync(outDir, { recursive: true })
const summary = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: (await import('node:os')).cpus().length,
  setup: `loopback, 1 writer + ${RECEIVERS} readers, ${EDITS} sequential 1-character edits, bytes counted by a TCP relay (all headers and framing included)`,
  results,
  ratio: { p50: Math.round((http.latencyMs.p50 / ws.latencyMs.p50) * 100) / 100, bytesPerEdit: Math.round((http.bytesPerEdit.total / ws.bytesPerEdit.total) * 100) / 100 },
}
if (values.json) {
  console.log(`BENCH_RESULT ${JSON.stringify(summary)}`)
  process.exit(0)
}
fs.writeFileSync(path.join(outDir, `http-fallback-${date}.json`), `${JSON.stringify(summary, null, 2)}\n`)
const table = [
  `# HTTP fallback vs WebSocket (${date})`,
  '',
  summary.setup + `; Node ${process.version}, ${summary.cpus} CPUs (shared).`,
  '',
  '| transport | p50 ms | p95 ms | p99 ms | max ms | bytes/edit up | bytes/edit down | bytes/edit total |',
  '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ...results.map((r) => `| ${r.transport} | ${r.latencyMs.p50} | ${r.latencyMs.p95} | ${r.latencyMs.p99} | ${r.latencyMs.max} | ${r.bytesPerEdit.up} | ${r.bytesPerEdit.down} | ${r.bytesPerEdit.total} |`),
  '',
  `HTTP/WebSocket: ${summary.ratio.p50}× the median fan-out latency, ${summary.ratio.bytesPerEdit}× the bytes per edit.`,
  '',
]
fs.writeFileSync(path.join(outDir, `http-fallback-${date}.md`), table.join('\n'))
console.log(table.join('\n'))
