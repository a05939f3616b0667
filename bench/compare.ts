/**
 * Two servers, or two configurations of ours, side by side on one document size: both are up at
 * once and take turns in many short rounds, which of the two goes first drawn at random (seeded)
 * each round (bench/lib/turns.ts), so a drift in the machine's speed, or a periodic disturbance,
 * falls on both alike. Prints each one's latency until every reader applied a keystroke, its CPU
 * per keystroke by thread, and B ÷ A with 95% bootstrap intervals (bench/lib/stats.ts
 * `ratioInterval`).
 *
 *   node bench/compare.ts [--a ours] [--b ours] [--a-env K=V]... [--b-env K=V]... [--clients hocuspocus|y-websocket]
 *                         [--thin] [--readers 100] [--rounds 30] [--keystrokes 20] [--interval 100] [--seed 1] [--json FILE]
 *
 * `--clients y-websocket` gives both the reference's own clients (ours serves them on `/yjs`).
 * Made for the question a single run of a configuration cannot answer: is this change, or this
 * server, faster, or was the machine quieter.
 */
import fs from 'node:fs'
import { parseArgs } from 'node:util'
import { cpuWindow, threadCpuMs } from './lib/proc-stats.ts'
import { startServer, type BenchServer, type ClientProtocol, type ServerKind } from './lib/servers.ts'
import { percentile, ratioInterval, round, type Interval } from './lib/stats.ts'
import { shuffledTurns } from './lib/turns.ts'
import { closeRoom, openRoom, typeAndMeasure, typeAndSample, type TypingRoom } from './lib/typing.ts'
import { WorkerPool } from './lib/workers.ts'

const { values } = parseArgs({
  options: {
    a: { type: 'string', default: 'ours' },
    b: { type: 'string', default: 'ours' },
    'a-env': { type: 'string', multiple: true },
    'b-env': { type: 'string', multiple: true },
    clients: { type: 'string', default: 'hocuspocus' },
    thin: { type: 'boolean', default: false },
    readers: { type: 'string', default: '100' },
    rounds: { type: 'string', default: '30' },
    keystrokes: { type: 'string', default: '20' },
    seed: { type: 'string', default: '1' },
    interval: { type: 'string', default: '100' },
    'warm-up': { type: 'string', default: '500' },
    json: { type: 'string' },
  },
})
const kinds: ServerKind[] = ['ours', 'hocuspocus', 'y-websocket', 'floor']
const clients = values.clients as ClientProtocol
if (!['hocuspocus', 'y-websocket'].includes(clients)) throw new Error(`--clients: hocuspocus or y-websocket, not ${clients}`)
const sides = (['a', 'b'] as const).map((label) => {
  const kind = values[label] as ServerKind
  if (!kinds.includes(kind)) throw new Error(`--${label}: one of ${kinds.join(', ')}, not ${kind}`)
  if (kind !== 'ours' && (clients === 'y-websocket') !== (kind === 'y-websocket')) throw new Error(`--${label} ${kind} does not speak the ${clients} protocol`)
  const env = Object.fromEntries((values[`${label}-env`] ?? []).map((pair) => pair.split('=', 2) as [string, string]))
  return { label: label.toUpperCase(), kind, env }
})
const readerCount = Number(values.readers)
const keystrokes = Number(values.keystrokes)

interface Side {
  label: string
  kind: ServerKind
  env: Record<string, string>
  server: BenchServer
  room: TypingRoom
  /** Per keystroke, ms until every reader had it. */
  samples: number[]
  cpuMs: number
  threadCpuMs: Map<string, number>
}

const pool = new WorkerPool(5)
const [writer, ...readerWorkers] = pool.workers
const running: Side[] = []
try {
  for (const side of sides) {
    const server = await startServer(side.kind, { env: side.env })
    try {
      const url = clients === server.protocol ? server.wsUrl : server.yWebsocketUrl!
      const room = await openRoom({
        writerWorker: writer!,
        readerWorkers,
        readerCount,
        prefix: `compare-${side.label}`,
        spec: (key, role) => ({ key, protocol: clients, url, doc: 'compare', token: server.token, thin: values.thin && role === 'reader' }),
      })
      running.push({ ...side, server, room, samples: [], cpuMs: 0, threadCpuMs: new Map() })
    } catch (error) {
      await server.stop()
      throw error
    }
  }
  // Warm-up: V8 optimises the clients' and the servers' hot paths in steps, the last some
  // hundreds of keystrokes in; not behind the warm-up, they set the p99 (see profiles.ts WARM_UP).
  for (const side of running) await typeAndMeasure(side.room, 'w', Number(values['warm-up']), 10)
  const letters = 'hijklm'
  for (const { round, entry: side } of shuffledTurns(running, Number(values.rounds), Number(values.seed))) {
    const threadsBefore = threadCpuMs(side.server.pid)
    const cpu = cpuWindow(side.server.pid)
    const run = await typeAndSample(side.room, letters[round % letters.length]!, keystrokes, Number(values.interval))
    side.cpuMs += cpu.stop().cpuMs
    for (const [name, ms] of threadCpuMs(side.server.pid)) side.threadCpuMs.set(name, (side.threadCpuMs.get(name) ?? 0) + ms - (threadsBefore.get(name) ?? 0))
    side.samples.push(...run.allReaders)
  }
  for (const side of running) await closeRoom(side.room)
} finally {
  await pool.stop()
  for (const side of running) await side.server.stop()
}

const [a, b] = running as [Side, Side]
const levels = [50, 90, 99] as const
const quantile = (samples: number[], p: number) => round(percentile(Float64Array.from(samples).sort(), p))
const describe = (side: Side) => ({
  server: side.kind,
  env: side.env,
  keystrokes: side.samples.length,
  latencyMs: Object.fromEntries(levels.map((p) => [`p${p}`, quantile(side.samples, p)])),
  cpuMsPerKeystroke: round(side.cpuMs / side.samples.length),
  threadCpuMsPerKeystroke: Object.fromEntries([...side.threadCpuMs].filter(([, ms]) => ms > 0).sort((x, y) => y[1] - x[1]).map(([name, ms]) => [name, round(ms / side.samples.length, 3)])),
})
const result = {
  readers: readerCount,
  clients,
  thinReaders: values.thin,
  rounds: Number(values.rounds),
  keystrokesPerRound: keystrokes,
  intervalMs: Number(values.interval),
  a: describe(a),
  b: describe(b),
  bOverA: Object.fromEntries(levels.map((p) => [`p${p}`, { ratio: round(quantile(b.samples, p) / quantile(a.samples, p)), interval: ratioInterval(b.samples, a.samples, p) as Interval }])),
}

console.log(`${readerCount} ${values.thin ? 'thin' : clients} readers, ${result.rounds} rounds of ${keystrokes} keystrokes every ${values.interval} ms, taking turns in random order`)
for (const [label, side] of [['A', result.a], ['B', result.b]] as const) {
  const env = Object.keys(side.env).length ? ` ${JSON.stringify(side.env)}` : ''
  const threads = Object.entries(side.threadCpuMsPerKeystroke).map(([name, ms]) => `${name} ${ms}`).join(', ')
  console.log(`${label} ${side.server}${env}: p50 ${side.latencyMs.p50} ms, p90 ${side.latencyMs.p90} ms, p99 ${side.latencyMs.p99} ms; CPU ${side.cpuMsPerKeystroke} ms a keystroke (${threads})`)
}
console.log(`B ÷ A: ${levels.map((p) => `p${p} ${result.bOverA[`p${p}`]!.ratio}× (${result.bOverA[`p${p}`]!.interval.low}-${result.bOverA[`p${p}`]!.interval.high})`).join(', ')}`)
if (values.json) fs.writeFileSync(values.json, JSON.stringify(result, null, 2))
