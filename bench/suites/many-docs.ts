/**
 * Many documents: D documents with two clients each, both typing at a steady rate; per keystroke,
 * the time until the other client of the document applied it, and the server's CPU and memory.
 */
import { table, times } from '../lib/markdown.ts'
import { cpuWindow } from '../lib/proc-stats.ts'
import { SERVER_LABELS, startServer, type ServerKind } from '../lib/servers.ts'
import { ratio, round, summarize, type Summary } from '../lib/stats.ts'
import type { Suite } from '../lib/suite.ts'
import type { ClientSpec } from '../lib/worker-protocol.ts'
import { WorkerPool, type ClientCpu } from '../lib/workers.ts'

interface ManyDocsRow {
  server: ServerKind
  documents: number
  clients: number
  keystrokes: number
  latency: Summary
  lost: number
  serverCpuPercent: number
  /** Server CPU time per keystroke, µs. */
  serverCpuUsPerKeystroke: number
  serverRssMB: number
  connectSeconds: number
  clientCpu: ClientCpu
}

export const manyDocs: Suite = {
  name: 'many-docs',
  title: '2. Many documents: two typing clients on each',
  async run({ profile, servers, log }) {
    const { documents, keystrokesPerClient: count, intervalMs } = profile.manyDocs
    const rows: ManyDocsRow[] = []
    for (const kind of servers) {
      const pool = new WorkerPool(profile.readerWorkers + 1)
      const workers = pool.workers
      const server = await startServer(kind)
      try {
        // Document d: client "a" on worker d mod W, client "b" on the next worker.
        const placed = workers.map(() => ({ a: [] as string[], b: [] as string[], specs: [] as ClientSpec[] }))
        for (let d = 0; d < documents; d++) {
          for (const [side, offset] of [['a', 0], ['b', 1]] as const) {
            const index = (d + offset) % workers.length
            const key = `d${d}${side}`
            placed[index]![side].push(key)
            placed[index]!.specs.push({ key, protocol: server.protocol, url: server.wsUrl, doc: `many-${d}`, token: server.token })
          }
        }
        log(`many-docs: ${kind}: connecting ${documents * 2} clients to ${documents} documents`)
        const t0 = performance.now()
        await Promise.all(workers.map((worker, i) => worker.call({ cmd: 'open', clients: placed[i]!.specs, timeoutMs: 180_000 })))
        const connectSeconds = round((performance.now() - t0) / 1000, 1)
        await Promise.all(workers.map((worker, i) => worker.call({ cmd: 'prepare', creators: placed[i]!.a, waiters: [] })))
        await Promise.all(workers.map((worker, i) => worker.call({ cmd: 'prepare', creators: [], waiters: placed[i]!.b, timeoutMs: 120_000 })))
        await Promise.all(workers.map((worker, i) => worker.call({ cmd: 'watch', keys: placed[i]!.a, letters: ['b'] })))
        await Promise.all(workers.map((worker, i) => worker.call({ cmd: 'watch', keys: placed[i]!.b, letters: ['a'] })))
        const typists = (i: number) => [...placed[i]!.a.map((key) => ({ key, letter: 'a' })), ...placed[i]!.b.map((key) => ({ key, letter: 'b' }))]
        log(`many-docs: ${kind}: connected in ${connectSeconds} s; ${documents * 2} clients typing ${count} keystrokes each, one every ${intervalMs} ms`)
        await pool.resetCpu()
        const cpu = cpuWindow(server.pid)
        const sends = await Promise.all(workers.map((worker, i) => worker.call<Record<string, number[]>>({ cmd: 'type', typists: typists(i), count, intervalMs })))
        await Promise.all(
          workers.flatMap((worker, i) => [
            worker.call({ cmd: 'waitArrivals', keys: placed[i]!.a, letter: 'b', count, timeoutMs: 60_000 }),
            worker.call({ cmd: 'waitArrivals', keys: placed[i]!.b, letter: 'a', count, timeoutMs: 60_000 }),
          ]),
        )
        const serverCpu = cpu.stop()
        const clientCpu = await pool.cpu()
        const arrivals = await Promise.all(workers.map((worker, i) => worker.call<Record<string, Record<string, number[]>>>({ cmd: 'collect', keys: [...placed[i]!.a, ...placed[i]!.b] })))
        const sendsByKey = Object.assign({}, ...sends) as Record<string, number[]>
        const arrivalsByKey = Object.assign({}, ...arrivals) as Record<string, Record<string, number[]>>
        const latencies: number[] = []
        let lost = 0
        for (let d = 0; d < documents; d++) {
          for (const [from, to, letter] of [[`d${d}a`, `d${d}b`, 'a'], [`d${d}b`, `d${d}a`, 'b']] as const) {
            const sent = sendsByKey[from]!
            const got = arrivalsByKey[to]?.[letter] ?? []
            for (let k = 0; k < count; k++) {
              if (got[k] === undefined) lost++
              else latencies.push(got[k]! - sent[k]!)
            }
          }
        }
        const row: ManyDocsRow = {
          server: kind,
          documents,
          clients: documents * 2,
          keystrokes: latencies.length + lost,
          latency: summarize(latencies),
          lost,
          serverCpuPercent: serverCpu.cpuPercent,
          serverCpuUsPerKeystroke: Math.round((serverCpu.cpuMs * 1000) / (latencies.length + lost)),
          serverRssMB: round(server.rssBytes() / 1e6, 1),
          connectSeconds,
          clientCpu,
        }
        rows.push(row)
        log(`many-docs: ${kind}: p50 ${row.latency.p50} ms, p99 ${row.latency.p99} ms, server CPU ${row.serverCpuPercent}%, RSS ${row.serverRssMB} MB, busiest client worker ${clientCpu.maxCpuPercent}%`)
      } finally {
        await pool.stop()
        await server.stop()
      }
    }
    const ours = rows.find((r) => r.server === 'ours')
    const markdown = [
      '',
      `${documents.toLocaleString('en-US')} documents × 2 clients, every client typing ${count} keystrokes, one every ${intervalMs} ms (${round((documents * 2 * 1000) / intervalMs, 0).toLocaleString('en-US')} keystrokes/s in total); latency until the other client of the document applied the keystroke.`,
      '',
      ...table(
        ['server', 'p50 ms', 'p99 ms', 'max ms', 'lost', 'server CPU % (of one core)', 'server CPU µs per keystroke', 'server RSS MB', 'connect s', 'busiest client worker CPU %', 'ours/peer p50', 'ours/peer p99', 'ours/peer CPU per keystroke'],
        rows.map((r) => [
          SERVER_LABELS[r.server],
          r.latency.p50,
          r.latency.p99,
          r.latency.max,
          r.lost,
          r.serverCpuPercent,
          r.serverCpuUsPerKeystroke,
          r.serverRssMB,
          r.connectSeconds,
          r.clientCpu.maxCpuPercent,
          r.server === 'ours' ? '' : times(ratio(ours?.latency.p50, r.latency.p50)),
          r.server === 'ours' ? '' : times(ratio(ours?.latency.p99, r.latency.p99)),
          r.server === 'ours' ? '' : times(ratio(ours?.serverCpuUsPerKeystroke, r.serverCpuUsPerKeystroke)),
        ]),
      ),
    ]
    return { data: { documents, keystrokesPerClient: count, intervalMs, rows }, markdown }
  },
}
