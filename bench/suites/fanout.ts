/**
 * Fan-out: one writer typing at human rate and at full speed into one document read by N readers;
 * per keystroke, the time from the local change until every reader has applied it.
 */
import { table, times } from '../lib/markdown.ts'
import { cpuWindow } from '../lib/proc-stats.ts'
import { SERVER_LABELS, startServer, type ServerKind } from '../lib/servers.ts'
import { ratio } from '../lib/stats.ts'
import type { Suite } from '../lib/suite.ts'
import { lineChart } from '../lib/svg.ts'
import { closeRoom, openRoom, typeAndMeasure, type TypingResult } from '../lib/typing.ts'
import { WorkerPool, type ClientCpu } from '../lib/workers.ts'

interface FanoutRow {
  server: ServerKind
  readers: number
  mode: 'human' | 'full-speed'
  latency: TypingResult
  serverCpuPercent: number
  /** Server CPU time per keystroke, ms: robust to a busy machine, unlike latency. */
  serverCpuMsPerKeystroke: number
  serverRssMB: number
  clients: ClientCpu
}

export const fanout: Suite = {
  name: 'fanout',
  title: '1. Fan-out: one writer, N readers on one document',
  async run({ profile, servers, log }) {
    const { readers: counts, humanKeystrokes, humanIntervalMs, fullSpeedKeystrokes } = profile.fanout
    const rows: FanoutRow[] = []
    const pool = new WorkerPool(profile.readerWorkers + 1)
    const [writerWorker, ...readerWorkers] = pool.workers
    try {
      for (const n of counts) {
        for (const kind of servers) {
          const server = await startServer(kind)
          try {
            log(`fanout: ${kind}, ${n} readers: connecting`)
            const room = await openRoom({
              writerWorker: writerWorker!,
              readerWorkers,
              readerCount: n,
              prefix: `fan${n}`,
              spec: (key) => ({ key, protocol: server.protocol, url: server.wsUrl, doc: `fanout-${n}`, token: server.token }),
            })
            // Warm-up: connections, JIT and the server's code paths.
            await typeAndMeasure(room, 'w', 20, 20)
            for (const [mode, letter, count, interval] of [
              ['human', 'h', humanKeystrokes, humanIntervalMs],
              ['full-speed', 'f', fullSpeedKeystrokes, 0],
            ] as const) {
              await pool.resetCpu()
              const cpu = cpuWindow(server.pid)
              const latency = await typeAndMeasure(room, letter, count, interval)
              const serverCpu = cpu.stop()
              const clients = await pool.cpu()
              rows.push({ server: kind, readers: n, mode, latency, serverCpuPercent: serverCpu.cpuPercent, serverCpuMsPerKeystroke: Math.round((serverCpu.cpuMs / count) * 100) / 100, serverRssMB: Math.round(server.rssBytes() / 1e5) / 10, clients })
              log(
                `fanout: ${kind}, ${n} readers, ${mode}: p50 ${latency.allReaders.p50} ms, p99 ${latency.allReaders.p99} ms (server CPU ${serverCpu.cpuPercent}%, busiest client worker ${clients.maxCpuPercent}%)`,
              )
            }
            await closeRoom(room)
          } finally {
            await server.stop()
          }
        }
      }
    } finally {
      await pool.stop()
    }

    const find = (server: ServerKind, readers: number, mode: string) => rows.find((r) => r.server === server && r.readers === readers && r.mode === mode)
    const markdown: string[] = []
    for (const mode of ['human', 'full-speed'] as const) {
      markdown.push(
        '',
        mode === 'human'
          ? `**Human rate** (${humanKeystrokes} keystrokes, one every ${humanIntervalMs} ms). Latency until *every* reader applied the keystroke; per-reader p50 in brackets.`
          : `**Full speed** (${fullSpeedKeystrokes} keystrokes, one per event-loop turn of the writer, not waiting for arrival).`,
        '',
      )
      const peerColumns = servers.filter((s) => s !== 'ours').flatMap((peer) => [`ours/${peer} p50`, `ours/${peer} p99`, `ours/${peer} CPU per keystroke`])
      markdown.push(
        ...table(
          ['readers', 'server', 'p50 ms', 'p99 ms', 'max ms', 'lost', 'server CPU %', 'server CPU ms per keystroke', 'server RSS MB', 'busiest client worker CPU %', ...peerColumns],
          rows
            .filter((r) => r.mode === mode)
            .map((r) => {
              const ratios = servers
                .filter((s) => s !== 'ours')
                .flatMap((peer) => {
                  if (r.server !== 'ours') return ['', '', '']
                  const other = find(peer, r.readers, mode)
                  return [
                    times(ratio(r.latency.allReaders.p50, other?.latency.allReaders.p50)),
                    times(ratio(r.latency.allReaders.p99, other?.latency.allReaders.p99)),
                    times(ratio(r.serverCpuMsPerKeystroke, other?.serverCpuMsPerKeystroke)),
                  ]
                })
              return [
                r.readers,
                SERVER_LABELS[r.server],
                `${r.latency.allReaders.p50} (${r.latency.eachReader.p50})`,
                r.latency.allReaders.p99,
                r.latency.allReaders.max,
                r.latency.lost,
                r.serverCpuPercent,
                r.serverCpuMsPerKeystroke,
                r.serverRssMB,
                r.clients.maxCpuPercent,
                ...ratios,
              ]
            }),
        ),
      )
    }
    const plots = (['human', 'full-speed'] as const).map((mode) => ({
      name: `fanout-${mode}-p99`,
      svg: lineChart({
        title: `Fan-out p99 latency, ${mode === 'human' ? 'human-rate typing' : 'full-speed typing'}`,
        xLabel: 'readers on the document',
        yLabel: 'p99 ms until every reader applied a keystroke',
        logX: true,
        series: servers.map((kind) => ({
          name: SERVER_LABELS[kind],
          points: rows.filter((r) => r.server === kind && r.mode === mode).map((r) => [r.readers, r.latency.allReaders.p99] as [number, number]),
        })),
      }),
    }))
    return { data: { keystrokes: { human: humanKeystrokes, humanIntervalMs, fullSpeed: fullSpeedKeystrokes }, workers: { writer: 1, readers: profile.readerWorkers }, rows }, markdown, plots }
  },
}
