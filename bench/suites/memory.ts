/**
 * Memory: server RSS per idle connection (at 1k and 10k connections) and per loaded document.
 * (The stored size and cold open of the trace document are in the trace suite.)
 */
import { table, times } from '../lib/markdown.ts'
import { SERVER_NODE_FLAGS } from '../../server/cli/node-flags.ts'
import { SERVER_LABELS, startServer, type ServerKind } from '../lib/servers.ts'
import { ratio, round } from '../lib/stats.ts'
import type { Suite } from '../lib/suite.ts'
import { lineChart } from '../lib/svg.ts'
import type { ClientSpec } from '../lib/worker-protocol.ts'
import { WorkerPool } from '../lib/workers.ts'

interface MemoryRow {
  server: ServerKind
  /** Idle connections → server RSS, MB, and KB per connection above the baseline. */
  idle: { connections: number; rssMB: number; perConnectionKB: number; connectSeconds: number }[]
  baselineMB: number
  /** Loaded documents (one client each, ten keystrokes written). */
  documents: { count: number; rssMB: number; perDocumentKB: number; baselineMB: number }
}


export const memory: Suite = {
  name: 'memory',
  title: '4. Memory: idle connections and loaded documents',
  async run({ profile, servers, log }) {
    const { idleConnections, loadedDocuments, documentsForIdle, settleMs } = profile.memory
    const settle = () => new Promise((resolve) => setTimeout(resolve, settleMs))
    const rows: MemoryRow[] = []
    for (const kind of servers) {
      const pool = new WorkerPool(profile.readerWorkers + 1)
      const server = await startServer(kind)
      const idle: MemoryRow['idle'] = []
      let baselineMB: number
      try {
        const spec = (key: string, doc: string): ClientSpec => ({ key, protocol: server.protocol, url: server.wsUrl, doc, token: server.token })
        // Baseline: every document of the idle test open with one client, so what follows is connections only.
        const opening: ClientSpec[][] = pool.workers.map(() => [])
        for (let d = 0; d < documentsForIdle; d++) opening[d % opening.length]!.push(spec(`base${d}`, `idle-${d}`))
        await Promise.all(pool.workers.map((worker, i) => worker.call({ cmd: 'open', clients: opening[i]! })))
        await settle()
        baselineMB = server.rssBytes() / 1e6
        let connected = documentsForIdle
        for (const target of idleConnections) {
          const batches: ClientSpec[][] = pool.workers.map(() => [])
          for (let c = connected; c < target; c++) batches[c % batches.length]!.push(spec(`idle${c}`, `idle-${c % documentsForIdle}`))
          log(`memory: ${kind}: connecting up to ${target.toLocaleString('en-US')} idle connections`)
          const t0 = performance.now()
          await Promise.all(pool.workers.map((worker, i) => worker.call({ cmd: 'open', clients: batches[i]!, batchSize: 100, timeoutMs: 300_000 })))
          const connectSeconds = round((performance.now() - t0) / 1000, 1)
          connected = Math.max(connected, target)
          await settle()
          const rssMB = server.rssBytes() / 1e6
          idle.push({ connections: target, rssMB: round(rssMB, 1), perConnectionKB: round(((rssMB - baselineMB) * 1000) / (target - documentsForIdle), 1), connectSeconds })
          log(`memory: ${kind}: ${target.toLocaleString('en-US')} idle connections: RSS ${round(rssMB, 1)} MB (${idle.at(-1)!.perConnectionKB} KB each)`)
        }
        await Promise.all(pool.workers.map((worker) => worker.call({ cmd: 'close' })))
      } finally {
        await pool.stop()
        await server.stop()
      }
      // Loaded documents, on a fresh server.
      rows.push({ server: kind, idle, baselineMB: round(baselineMB, 1), documents: await loadDocuments(kind, []) })
    }
    // Ours runs with the V8 flags `npm start` sets (server/cli/node-flags.ts); the peers as their
    // users start them. The same flags on the peers show what is V8 tuning and what is ours.
    const tunedPeers: { server: ServerKind; documents: MemoryRow['documents'] }[] = []
    for (const kind of servers.filter((kind) => kind !== 'ours')) tunedPeers.push({ server: kind, documents: await loadDocuments(kind, SERVER_NODE_FLAGS) })

    /** KB per loaded document on a fresh server of `kind` started with `nodeArgs`. */
    async function loadDocuments(kind: ServerKind, nodeArgs: readonly string[]): Promise<MemoryRow['documents']> {
      const pool = new WorkerPool(profile.readerWorkers + 1)
      const server = await startServer(kind, { nodeArgs: [...nodeArgs] })
      try {
        const spec = (key: string, doc: string): ClientSpec => ({ key, protocol: server.protocol, url: server.wsUrl, doc, token: server.token })
        await settle()
        const docBaselineMB = server.rssBytes() / 1e6
        const docs: { keys: string[]; specs: ClientSpec[] }[] = pool.workers.map(() => ({ keys: [], specs: [] }))
        for (let d = 0; d < loadedDocuments; d++) {
          const key = `doc${d}`
          docs[d % docs.length]!.keys.push(key)
          docs[d % docs.length]!.specs.push(spec(key, `loaded-${d}`))
        }
        const flags = nodeArgs.length > 0 ? ` (${nodeArgs.join(' ')})` : ''
        log(`memory: ${kind}${flags}: loading ${loadedDocuments.toLocaleString('en-US')} documents`)
        await Promise.all(pool.workers.map((worker, i) => worker.call({ cmd: 'open', clients: docs[i]!.specs, batchSize: 100, timeoutMs: 300_000 })))
        await Promise.all(pool.workers.map((worker, i) => worker.call({ cmd: 'prepare', creators: docs[i]!.keys, waiters: [] })))
        await Promise.all(pool.workers.map((worker, i) => worker.call({ cmd: 'type', typists: docs[i]!.keys.map((key) => ({ key, letter: 'm' })), count: 10, intervalMs: 0 })))
        await settle()
        const docsMB = server.rssBytes() / 1e6
        const documents = { count: loadedDocuments, rssMB: round(docsMB, 1), baselineMB: round(docBaselineMB, 1), perDocumentKB: round(((docsMB - docBaselineMB) * 1000) / loadedDocuments, 1) }
        log(`memory: ${kind}${flags}: ${loadedDocuments} documents: ${documents.perDocumentKB} KB each (with its one connection)`)
        return documents
      } finally {
        await pool.stop()
        await server.stop()
      }
    }
    const ours = rows.find((r) => r.server === 'ours')
    const markdown = [
      '',
      `Idle connections: ${documentsForIdle} documents are opened first (one client each; that RSS is the baseline), then idle clients join them round-robin; KB per connection = (RSS − baseline) / added connections, after ${settleMs / 1000} s of quiet. RSS is the server process's VmRSS (no forced GC).`,
      '',
      ...table(
        ['server', 'baseline MB', ...idleConnections.flatMap((c) => [`RSS at ${c.toLocaleString('en-US')} MB`, `KB/connection at ${c.toLocaleString('en-US')}`]), ...idleConnections.map((c) => `ours/peer KB at ${c.toLocaleString('en-US')}`)],
        rows.map((r) => [
          SERVER_LABELS[r.server],
          r.baselineMB,
          ...r.idle.flatMap((i) => [i.rssMB, i.perConnectionKB]),
          ...idleConnections.map((c) =>
            r.server === 'ours' ? '' : times(ratio(ours?.idle.find((i) => i.connections === c)?.perConnectionKB, r.idle.find((i) => i.connections === c)?.perConnectionKB)),
          ),
        ]),
      ),
      '',
      `Loaded documents: ${loadedDocuments.toLocaleString('en-US')} documents on a fresh server, each with one client that wrote a paragraph of ten characters; KB per document (including its one connection) = (RSS − fresh-server RSS) / documents.`,
      '',
      ...table(
        ['server', 'fresh server MB', 'RSS MB', 'KB per document', 'ours/peer'],
        [
          ...rows.map((r) => [SERVER_LABELS[r.server], r.documents.baselineMB, r.documents.rssMB, r.documents.perDocumentKB, r.server === 'ours' ? '' : times(ratio(ours?.documents.perDocumentKB, r.documents.perDocumentKB))]),
          ...tunedPeers.map((r) => [`${SERVER_LABELS[r.server]}, with ours' V8 flags`, r.documents.baselineMB, r.documents.rssMB, r.documents.perDocumentKB, times(ratio(ours?.documents.perDocumentKB, r.documents.perDocumentKB))]),
        ],
      ),
      '',
      `Ours runs with the V8 flags \`npm start\` sets (\`${SERVER_NODE_FLAGS.join(' ')}\`, server/cli/node-flags.ts: V8 on Node 24 otherwise lets the young generation grow to 128 MB of short-lived garbage); the peers run with Node's defaults, as their users start them, and once more with ours' flags for comparison.`,
    ]
    const plots = [
      {
        name: 'memory-connections',
        svg: lineChart({
          title: 'Server RSS with idle connections',
          xLabel: 'idle connections',
          yLabel: 'server RSS, MB',
          logX: true,
          series: rows.map((r) => ({ name: SERVER_LABELS[r.server], points: [[documentsForIdle, r.baselineMB] as [number, number], ...r.idle.map((i) => [i.connections, i.rssMB] as [number, number])] })),
        }),
      },
    ]
    return { data: { documentsForIdle, rows, tunedPeers }, markdown, plots }
  },
}
