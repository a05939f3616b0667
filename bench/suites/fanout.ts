/**
 * Fan-out: one writer typing at human rate and at full speed into one document read by N readers;
 * per keystroke, the time from the local change until every reader has applied it.
 */
import { table, times, timesWithin } from '../lib/markdown.ts'
import { cpuWindow } from '../lib/proc-stats.ts'
import { SERVER_LABELS, startServer, type BenchServer, type ClientProtocol, type ServerKind } from '../lib/servers.ts'
import { ratio, ratioInterval, type Interval } from '../lib/stats.ts'
import type { Profile } from '../lib/profiles.ts'
import type { Suite } from '../lib/suite.ts'
import { lineChart } from '../lib/svg.ts'
import { shuffledTurns } from '../lib/turns.ts'
import { closeRoom, openRoom, summarizeTyping, typeAndMeasure, typeAndSample, type TypingResult, type TypingRoom, type TypingSamples } from '../lib/typing.ts'
import { WorkerPool, type ClientWorker } from '../lib/workers.ts'

/**
 * One line of the comparison: a server, the client library its writer and readers run, and
 * whether its readers are thin. Each server is measured with the client its users would run; ours
 * once more with stock y-websocket clients on its `/yjs` endpoint, so ours and the y-websocket
 * reference also meet with the same clients (the two client libraries do not cost the same); and
 * every server once more with thin readers (bench/clients/thin-reader.ts), which apply nothing,
 * so the latency is the server's part of it rather than hundreds of readers' Yjs work on the same
 * two cores.
 */
interface Series {
  id: SeriesId
  server: ServerKind
  protocol: ClientProtocol
  thin: boolean
}

type SeriesId = ServerKind | 'ours-y-websocket' | `${ServerKind}-thin`

const SERIES_LABELS: Record<SeriesId, string> = {
  ...SERVER_LABELS,
  'ours-y-websocket': `${SERVER_LABELS.ours}, y-websocket clients`,
  'ours-thin': `${SERVER_LABELS.ours}, thin readers`,
  'hocuspocus-thin': `${SERVER_LABELS.hocuspocus}, thin readers`,
  'y-websocket-thin': `${SERVER_LABELS['y-websocket']}, thin readers`,
  'floor-thin': `${SERVER_LABELS.floor}, thin readers`,
}

interface FanoutRow {
  series: SeriesId
  server: ServerKind
  clientProtocol: ClientProtocol
  thinReaders: boolean
  readers: number
  mode: 'human' | 'full-speed'
  latency: TypingResult
  serverCpuPercent: number
  /** Server CPU time per keystroke, ms: robust to a busy machine, unlike latency. */
  serverCpuMsPerKeystroke: number
  serverRssMB: number
  /**
   * The busiest client worker's CPU over any one run of this point, % of one core; and the reader
   * workers' CPU time per keystroke, all together: next to the server's, how much of the machine's
   * work on a keystroke is the readers' own (the same clients for every server).
   */
  clients: { busiestWorkerCpuPercent: number; readersCpuMsPerKeystroke: number }
  /** Ours (and the floor, against bare Hocuspocus): per peer, 95% bootstrap intervals of the p50 and p99 ratios (stats.ts `ratioInterval`). */
  ratioIntervals?: Partial<Record<ServerKind, { p50: Interval | null; p99: Interval | null }>>
}

/** Milliseconds between warm-up keystrokes. */
const WARM_UP_INTERVAL_MS = 10

export const fanout: Suite = {
  name: 'fanout',
  title: '1. Fan-out: one writer, N readers on one document',
  async run({ profile, servers, log }) {
    const { readers: counts, humanKeystrokes, humanIntervalMs, humanRounds, fullSpeedKeystrokes, rounds: fullSpeedRounds } = profile.fanout
    const roundsOf = { human: humanRounds, 'full-speed': fullSpeedRounds } as const
    const rows: FanoutRow[] = []
    /** Per row, the pooled per-keystroke latencies (every reader), for the ratios' intervals. */
    const samplesOf = new Map<FanoutRow, number[]>()
    const pool = new WorkerPool(profile.readerWorkers + 1)
    const [writerWorker, ...readerWorkers] = pool.workers
    try {
      await warmUpClients(writerWorker!, readerWorkers, seriesOf(servers), profile.fanout.warmUp, log)
      for (const n of counts) {
        // Every server is up with its room connected, and the runs take turns between them round by
        // round, in an order drawn at random each round (turns.ts); each point pools its mode's rounds.
        const rooms: { series: Series; server: BenchServer; room: TypingRoom }[] = []
        try {
          for (const series of seriesOf(servers)) {
            const server = await startServer(series.server)
            try {
              log(`fanout: ${series.id}, ${n} readers: connecting`)
              const url = series.protocol === server.protocol ? server.wsUrl : server.yWebsocketUrl!
              const room = await openRoom({
                writerWorker: writerWorker!,
                readerWorkers,
                readerCount: n,
                prefix: `fan${n}-${series.id}`,
                spec: (key, role) => ({ key, protocol: series.protocol, url, doc: `fanout-${n}`, token: server.token, thin: series.thin && role === 'reader' }),
              })
              rooms.push({ series, server, room })
            } catch (error) {
              await server.stop()
              throw error
            }
          }
          // Warm-up of the fresh servers' code paths (see profiles.ts WARM_UP): a server's
          // once-a-keystroke path is optimised only after some hundreds of keystrokes.
          for (const { room } of rooms) await typeAndMeasure(room, 'w', profile.fanout.warmUp.roomKeystrokes, WARM_UP_INTERVAL_MS)
          for (const [mode, letters, count, interval] of [
            ['human', 'hijklm', humanKeystrokes, humanIntervalMs],
            ['full-speed', 'fgnopq', fullSpeedKeystrokes, 0],
          ] as const) {
            const rounds = roundsOf[mode]
            const runs = new Map(rooms.map(({ series }) => [series.id, { samples: [] as TypingSamples[], cpuMs: 0, wallMs: 0, clientCpuPercent: 0, readersCpuMs: 0 }]))
            for (const { round, entry: { series, server, room } } of shuffledTurns(rooms, rounds, seedOf(n, mode))) {
              const run = runs.get(series.id)!
              await pool.resetCpu()
              const cpu = cpuWindow(server.pid)
              run.samples.push(await typeAndSample(room, letters[round % letters.length]!, count, interval))
              const serverCpu = cpu.stop()
              run.cpuMs += serverCpu.cpuMs
              run.wallMs += serverCpu.wallMs
              const clientCpu = await pool.cpu()
              run.clientCpuPercent = Math.max(run.clientCpuPercent, clientCpu.maxCpuPercent)
              // The pool's first worker is the writer's.
              run.readersCpuMs += clientCpu.cpuMs.slice(1).reduce((sum, ms) => sum + ms, 0)
            }
            for (const { series, server } of rooms) {
              const run = runs.get(series.id)!
              const latency = summarizeTyping(run.samples)
              const row: FanoutRow = {
                series: series.id,
                server: series.server,
                clientProtocol: series.protocol,
                thinReaders: series.thin,
                readers: n,
                mode,
                latency,
                serverCpuPercent: Math.round((run.cpuMs / run.wallMs) * 1000) / 10,
                serverCpuMsPerKeystroke: Math.round((run.cpuMs / latency.keystrokes) * 100) / 100,
                serverRssMB: Math.round(server.rssBytes() / 1e5) / 10,
                clients: { busiestWorkerCpuPercent: run.clientCpuPercent, readersCpuMsPerKeystroke: Math.round((run.readersCpuMs / latency.keystrokes) * 100) / 100 },
              }
              rows.push(row)
              samplesOf.set(row, run.samples.flatMap((samples) => samples.allReaders))
              log(
                `fanout: ${series.id}, ${n} readers, ${mode}, ${rounds} round(s): p50 ${latency.allReaders.p50} ms, p99 ${latency.allReaders.p99} ms (server CPU ${Math.round((run.cpuMs / run.wallMs) * 100)}%, busiest client worker ${run.clientCpuPercent}%)`,
              )
            }
          }
        } finally {
          for (const { room } of rooms) await closeRoom(room).catch(() => {})
          for (const { server } of rooms) await server.stop()
        }
      }
    } finally {
      await pool.stop()
    }

    const find = (series: SeriesId, readers: number, mode: string) => rows.find((r) => r.series === series && r.readers === readers && r.mode === mode)
    for (const row of rows) {
      for (const peer of servers) {
        const counterpart = peer === 'ours' ? null : peerSeries(row.series, peer)
        const other = counterpart === null ? undefined : find(counterpart, row.readers, row.mode)
        if (!other) continue
        const [these, theirs] = [samplesOf.get(row)!, samplesOf.get(other)!]
        row.ratioIntervals ??= {}
        row.ratioIntervals[peer] = { p50: ratioInterval(these, theirs, 50), p99: ratioInterval(these, theirs, 99) }
      }
    }
    const markdown: string[] = []
    for (const mode of ['human', 'full-speed'] as const) {
      markdown.push(
        '',
        mode === 'human'
          ? `**Human rate** (${humanRounds} × ${humanKeystrokes} keystrokes per server and point, the servers taking turns in an order drawn at random each round, one keystroke every ${humanIntervalMs} ms). Latency until *every* reader applied the keystroke; per-reader p50 in brackets. Ours runs twice: with HocuspocusProvider clients (the editor's) and with stock y-websocket clients on its \`/yjs\` endpoint, the reference server's own clients. Every server runs once more with thin readers, which only note when a keystroke's message arrives: on one machine the readers' own work (hundreds of clients decoding and applying every keystroke on the server's cores) is most of the latency (compare *readers' CPU ms per keystroke*, all reader workers together, with the server's), and thin readers leave the server's part. Ratios are the row's server ÷ the peer and compare like with like: thin readers with thin readers. The *relay floor* (\`bench/peers/relay-floor.ts\`) is not a server to run: it writes each update frame to the readers as it came, before it even decodes it, with no checks and no storage. At human rate a server that writes to its readers as the others do gets no lower, so its ratio to bare Hocuspocus is about the lowest a server can reach here with these clients (at full speed it is no floor: it merges no bursts). In brackets after a latency ratio, its 95% bootstrap interval over the keystrokes (\`bench/lib/stats.ts\` \`ratioInterval\`): how far the luck of which keystrokes were slow could move it. Drift between whole runs comes on top.`
          : `**Full speed** (${fullSpeedRounds} × ${fullSpeedKeystrokes} keystrokes per server and point, one per event-loop turn of the writer, not waiting for arrival).`,
        '',
      )
      const peerColumns = servers.filter((s) => s !== 'ours').flatMap((peer) => [`÷ ${peer} p50`, `÷ ${peer} p99`, `÷ ${peer} CPU per keystroke`])
      markdown.push(
        ...table(
          ['readers', 'server', 'p50 ms', 'p99 ms', 'max ms', 'lost', 'server CPU %', 'server CPU ms per keystroke', 'server RSS MB', 'busiest client worker CPU %', "readers' CPU ms per keystroke", ...peerColumns],
          rows
            .filter((r) => r.mode === mode)
            .map((r) => {
              const ratios = servers
                .filter((s) => s !== 'ours')
                .flatMap((peer) => {
                  const counterpart = peerSeries(r.series, peer)
                  if (counterpart === null) return ['', '', '']
                  const other = find(counterpart, r.readers, mode)
                  const intervals = r.ratioIntervals?.[peer]
                  return [
                    timesWithin(ratio(r.latency.allReaders.p50, other?.latency.allReaders.p50), intervals?.p50),
                    timesWithin(ratio(r.latency.allReaders.p99, other?.latency.allReaders.p99), intervals?.p99),
                    times(ratio(r.serverCpuMsPerKeystroke, other?.serverCpuMsPerKeystroke)),
                  ]
                })
              return [
                r.readers,
                SERIES_LABELS[r.series],
                `${r.latency.allReaders.p50} (${r.latency.eachReader.p50})`,
                r.latency.allReaders.p99,
                r.latency.allReaders.max,
                r.latency.lost,
                r.serverCpuPercent,
                r.serverCpuMsPerKeystroke,
                r.serverRssMB,
                r.clients.busiestWorkerCpuPercent,
                r.clients.readersCpuMsPerKeystroke,
                ...ratios,
              ]
            }),
        ),
      )
    }
    const plots = (['human', 'full-speed'] as const).flatMap((mode) => [false, true].map((thin) => ({
      name: `fanout-${mode}-p99${thin ? '-thin-readers' : ''}`,
      svg: lineChart({
        title: `Fan-out p99 latency, ${mode === 'human' ? 'human-rate typing' : 'full-speed typing'}${thin ? ', thin readers (the server\'s part)' : ''}`,
        xLabel: 'readers on the document',
        yLabel: `p99 ms until every reader ${thin ? 'received' : 'applied'} a keystroke`,
        logX: true,
        series: seriesOf(servers).filter((series) => series.thin === thin).map(({ id }) => ({
          name: SERIES_LABELS[id],
          points: rows.filter((r) => r.series === id && r.mode === mode).map((r) => [r.readers, r.latency.allReaders.p99] as [number, number]),
        })),
      }),
    })))
    return { data: { keystrokes: { human: humanKeystrokes, humanIntervalMs, fullSpeed: fullSpeedKeystrokes }, rounds: { human: humanRounds, fullSpeed: fullSpeedRounds }, workers: { writer: 1, readers: profile.readerWorkers }, rows }, markdown, plots }
  },
}

/** A seed of its own for each point's order of turns, so no two points draw the same orders. */
function seedOf(readers: number, mode: 'human' | 'full-speed'): number {
  return readers * 2 + (mode === 'human' ? 0 : 1)
}

/**
 * Warms the worker pool's clients up, once, before any point is measured: every kind of client the
 * series use (library and thin or not) reads a room of `clientReadersPerWorker` readers per worker
 * on ours (which speaks both protocols) while `clientKeystrokes` are typed. V8's optimisation of
 * the clients' message handling is per process and comes with how much of it the process has run;
 * done here, it does not land in some server's measured rounds (see profiles.ts WARM_UP).
 */
async function warmUpClients(
  writerWorker: ClientWorker,
  readerWorkers: ClientWorker[],
  series: readonly Series[],
  warmUp: Profile['fanout']['warmUp'],
  log: (line: string) => void,
): Promise<void> {
  const kinds = new Map(series.map(({ protocol, thin }) => [`${protocol}${thin ? '-thin' : ''}`, { protocol, thin }]))
  const server = await startServer('ours')
  try {
    for (const [kind, { protocol, thin }] of kinds) {
      const started = performance.now()
      const url = protocol === server.protocol ? server.wsUrl : server.yWebsocketUrl!
      const room = await openRoom({
        writerWorker,
        readerWorkers,
        readerCount: warmUp.clientReadersPerWorker * readerWorkers.length,
        prefix: `warm-${kind}`,
        spec: (key, role) => ({ key, protocol, url, doc: `warm-up-${kind}`, token: server.token, thin: thin && role === 'reader' }),
      })
      try {
        await typeAndMeasure(room, 'w', warmUp.clientKeystrokes, WARM_UP_INTERVAL_MS)
      } finally {
        await closeRoom(room)
      }
      log(`fanout: clients warmed up: ${kind}, ${Math.round(performance.now() - started)} ms`)
    }
  } finally {
    await server.stop()
  }
}

/**
 * The series measured for `servers`: each with its own clients and with thin readers, ours with
 * y-websocket's when the reference runs, and the relay floor (bench/peers/relay-floor.ts) when bare
 * Hocuspocus runs: the least a server can do, to show how far below bare Hocuspocus any server
 * can get with these clients on this machine.
 */
function seriesOf(servers: readonly ServerKind[]): Series[] {
  const own = (server: ServerKind): ClientProtocol => (server === 'y-websocket' ? 'y-websocket' : 'hocuspocus')
  const measured: ServerKind[] = servers.includes('hocuspocus') ? [...servers, 'floor'] : [...servers]
  const series: Series[] = measured.map((server) => ({ id: server, server, protocol: own(server), thin: false }))
  if (servers.includes('ours') && servers.includes('y-websocket')) series.push({ id: 'ours-y-websocket', server: 'ours', protocol: 'y-websocket', thin: false })
  for (const server of measured) series.push({ id: `${server}-thin`, server, protocol: own(server), thin: true })
  return series
}

/** The peer's series a series is compared with (`null`: none): ours' with every peer's, the floor's with bare Hocuspocus'. */
function peerSeries(series: SeriesId, peer: ServerKind): SeriesId | null {
  if (series === 'ours') return peer
  if (series === 'ours-thin') return `${peer}-thin`
  if (series === 'floor') return peer === 'hocuspocus' ? 'hocuspocus' : null
  if (series === 'floor-thin') return peer === 'hocuspocus' ? 'hocuspocus-thin' : null
  // Ours with y-websocket clients against bare Hocuspocus would compare client libraries too.
  if (series === 'ours-y-websocket') return peer === 'y-websocket' ? peer : null
  return null
}
