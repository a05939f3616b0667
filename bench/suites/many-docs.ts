/**
 * Many documents: D documents with two clients each, both typing at a steady rate; per keystroke,
 * the time until the other client of the document applied it, and the server's CPU and memory.
 */
import { table, times } from '../lib/markdown.ts'
import { cpuWindow } from '../lib/proc-stats.ts'
import { SERVER_LABELS, startServer, type BenchServer, type ServerKind } from '../lib/servers.ts'
import { ratio, round, summarize, type Summary } from '../lib/stats.ts'
import type { Suite } from '../lib/suite.ts'
import type { ClientSpec } from '../lib/worker-protocol.ts'
import { shuffledTurns } from '../lib/turns.ts'
import { WorkerPool } from '../lib/workers.ts'

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
  /** The busiest client worker's CPU over any one round, % of one core. */
  busiestClientCpuPercent: number
}

/** Per worker: the keys of its clients on side a and b of their documents, and their specs. */
interface Placement {
  a: string[]
  b: string[]
  specs: ClientSpec[]
}

export const manyDocs: Suite = {
  name: 'many-docs',
  title: '2. Many documents: two typing clients on each',
  async run({ profile, servers, log }) {
    const { documents, keystrokesPerClient: count, intervalMs, rounds } = profile.manyDocs
    const rows: ManyDocsRow[] = []
    const pool = new WorkerPool(profile.readerWorkers + 1)
    const workers = pool.workers
    // Every server is up with its clients connected, and the runs take turns between them round by
    // round (turns.ts).
    const rooms: { kind: ServerKind; server: BenchServer; placed: Placement[]; connectSeconds: number }[] = []
    try {
      for (const kind of servers) {
        const server = await startServer(kind)
        // Document d: client "a" on worker d mod W, client "b" on the next worker.
        const placed: Placement[] = workers.map(() => ({ a: [], b: [], specs: [] }))
        for (let d = 0; d < documents; d++) {
          for (const [side, offset] of [['a', 0], ['b', 1]] as const) {
            const index = (d + offset) % workers.length
            const key = `${kind}-d${d}${side}`
            placed[index]![side].push(key)
            placed[index]!.specs.push({ key, protocol: server.protocol, url: server.wsUrl, doc: `many-${d}`, token: server.token })
          }
        }
        rooms.push({ kind, server, placed, connectSeconds: 0 })
        log(`many-docs: ${kind}: connecting ${documents * 2} clients to ${documents} documents`)
        const t0 = performance.now()
        await Promise.all(workers.map((worker, i) => worker.call({ cmd: 'open', clients: placed[i]!.specs, timeoutMs: 180_000 })))
        rooms[rooms.length - 1]!.connectSeconds = round((performance.now() - t0) / 1000, 1)
        await Promise.all(workers.map((worker, i) => worker.call({ cmd: 'prepare', creators: placed[i]!.a, waiters: [] })))
        await Promise.all(workers.map((worker, i) => worker.call({ cmd: 'prepare', creators: [], waiters: placed[i]!.b, timeoutMs: 120_000 })))
      }
      const runs = new Map(rooms.map(({ kind }) => [kind, { latencies: [] as number[], lost: 0, cpuMs: 0, wallMs: 0, busiestClientCpuPercent: 0 }]))
      for (const { round, entry: { kind, server, placed } } of shuffledTurns(rooms, rounds)) {
        const run = runs.get(kind)!
        log(`many-docs: ${kind}, round ${round + 1} of ${rounds}: ${documents * 2} clients typing ${count} keystrokes each, one every ${intervalMs} ms`)
        const typed = await typeOnEveryDocument(pool, server, placed, documents, count, intervalMs)
        run.latencies.push(...typed.latencies)
        run.lost += typed.lost
        run.cpuMs += typed.serverCpu.cpuMs
        run.wallMs += typed.serverCpu.wallMs
        run.busiestClientCpuPercent = Math.max(run.busiestClientCpuPercent, (await pool.cpu()).maxCpuPercent)
      }
      for (const { kind, server, connectSeconds } of rooms) {
        const run = runs.get(kind)!
        const keystrokes = run.latencies.length + run.lost
        const row: ManyDocsRow = {
          server: kind,
          documents,
          clients: documents * 2,
          keystrokes,
          latency: summarize(run.latencies),
          lost: run.lost,
          serverCpuPercent: round((run.cpuMs / run.wallMs) * 100, 1),
          serverCpuUsPerKeystroke: Math.round((run.cpuMs * 1000) / keystrokes),
          serverRssMB: round(server.rssBytes() / 1e6, 1),
          connectSeconds,
          busiestClientCpuPercent: run.busiestClientCpuPercent,
        }
        rows.push(row)
        log(`many-docs: ${kind}, ${rounds} round(s): p50 ${row.latency.p50} ms, p99 ${row.latency.p99} ms, server CPU ${row.serverCpuPercent}%, RSS ${row.serverRssMB} MB, busiest client worker ${row.busiestClientCpuPercent}%`)
      }
    } finally {
      await pool.stop()
      for (const { server } of rooms) await server.stop()
    }
    const ours = rows.find((r) => r.server === 'ours')
    const markdown = [
      '',
      `${documents.toLocaleString('en-US')} documents × 2 clients, every client typing ${count} keystrokes, one every ${intervalMs} ms, in ${rounds} rounds per server, the servers taking turns in an order drawn at random each round (${round((documents * 2 * 1000) / intervalMs, 0).toLocaleString('en-US')} keystrokes/s in total); latency until the other client of the document applied the keystroke.`,
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
          r.busiestClientCpuPercent,
          r.server === 'ours' ? '' : times(ratio(ours?.latency.p50, r.latency.p50)),
          r.server === 'ours' ? '' : times(ratio(ours?.latency.p99, r.latency.p99)),
          r.server === 'ours' ? '' : times(ratio(ours?.serverCpuUsPerKeystroke, r.serverCpuUsPerKeystroke)),
        ]),
      ),
    ]
    return { data: { documents, keystrokesPerClient: count, intervalMs, rounds, rows }, markdown }
  },
}

/** One round: every client types `count` keystrokes; the latencies to the other client of each document. */
async function typeOnEveryDocument(
  pool: WorkerPool,
  server: BenchServer,
  placed: Placement[],
  documents: number,
  count: number,
  intervalMs: number,
): Promise<{ latencies: number[]; lost: number; serverCpu: { cpuMs: number; wallMs: number } }> {
  const workers = pool.workers
  const kind = server.kind
  await Promise.all(workers.map((worker, i) => worker.call({ cmd: 'watch', keys: placed[i]!.a, letters: ['b'] })))
  await Promise.all(workers.map((worker, i) => worker.call({ cmd: 'watch', keys: placed[i]!.b, letters: ['a'] })))
  const typists = (i: number) => [...placed[i]!.a.map((key) => ({ key, letter: 'a' })), ...placed[i]!.b.map((key) => ({ key, letter: 'b' }))]
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
  const arrivals = await Promise.all(workers.map((worker, i) => worker.call<Record<string, Record<string, number[]>>>({ cmd: 'collect', keys: [...placed[i]!.a, ...placed[i]!.b] })))
  const sendsByKey = Object.assign({}, ...sends) as Record<string, number[]>
  const arrivalsByKey = Object.assign({}, ...arrivals) as Record<string, Record<string, number[]>>
  const latencies: number[] = []
  let lost = 0
  for (let d = 0; d < documents; d++) {
    const a = `${kind}-d${d}a`
    const b = `${kind}-d${d}b`
    for (const [from, to, letter] of [[a, b, 'a'], [b, a, 'b']] as const) {
      const sent = sendsByKey[from]!
      const got = arrivalsByKey[to]?.[letter] ?? []
      for (let k = 0; k < count; k++) {
        if (got[k] === undefined) lost++
        else latencies.push(got[k]! - sent[k]!)
      }
    }
  }
  return { latencies, lost, serverCpu }
}
