/**
 * Where a keystroke's fan-out time goes in ours: one writer types into a document read by N
 * readers (thin by default, so the readers' own work stays small), while the server publishes
 * when each keystroke passes each step (server/sync/fanout-phases.ts) to a probe loaded into it
 * (bench/lib/fanout-phase-probe.ts). Prints, next to the end-to-end latency, the percentiles of
 * each step, and how the broadcasts' writes were shared with the fan-out thread.
 *
 *   node bench/fanout-phases.ts [--readers 100] [--keystrokes 300] [--interval 100] [--editor-readers] [--env FANOUT_THREAD=false] [--json FILE]
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import type { BroadcastPhases } from './lib/fanout-phase-probe.ts'
import { startServer } from './lib/servers.ts'
import { percentile, round, summarize } from './lib/stats.ts'
import { closeRoom, openRoom, summarizeTyping, typeAndMeasure, typeAndSample } from './lib/typing.ts'
import { WorkerPool } from './lib/workers.ts'

const { values } = parseArgs({
  options: {
    readers: { type: 'string', default: '100' },
    keystrokes: { type: 'string', default: '300' },
    interval: { type: 'string', default: '100' },
    'warm-up': { type: 'string', default: '500' },
    'editor-readers': { type: 'boolean', default: false },
    env: { type: 'string', multiple: true },
    json: { type: 'string' },
  },
})
const readerCount = Number(values.readers)
const keystrokes = Number(values.keystrokes)
const env = Object.fromEntries((values.env ?? []).map((pair) => pair.split('=', 2) as [string, string]))
const phasesFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'collab-phases-')), 'phases.json')
const probe = fileURLToPath(new URL('./lib/fanout-phase-probe.ts', import.meta.url))

const server = await startServer('ours', { nodeArgs: ['--import', probe], env: { ...env, FANOUT_PHASES_OUT: phasesFile } })
const pool = new WorkerPool(5)
const [writer, ...readerWorkers] = pool.workers
let samples
try {
  const room = await openRoom({
    writerWorker: writer!,
    readerWorkers,
    readerCount,
    prefix: 'phases',
    spec: (key, role) => ({ key, protocol: server.protocol, url: server.wsUrl, doc: 'phases', token: server.token, thin: !values['editor-readers'] && role === 'reader' }),
  })
  // Warm-up: V8 optimises the clients' and the server's hot paths in steps, the last some
  // hundreds of keystrokes in (see profiles.ts WARM_UP).
  await typeAndMeasure(room, 'w', Number(values['warm-up']), 10)
  samples = await typeAndSample(room, 'f', keystrokes, Number(values.interval))
  await closeRoom(room)
} finally {
  await pool.stop()
  await server.stop()
}

// The measured keystrokes are the last broadcasts to (nearly) every reader.
const rows = (JSON.parse(fs.readFileSync(phasesFile, 'utf8')) as BroadcastPhases[]).filter((row) => row.sockets >= readerCount).slice(-keystrokes)
fs.rmSync(path.dirname(phasesFile), { recursive: true, force: true })
const endToEnd = summarizeTyping([samples])
const steps: [string, (row: BroadcastPhases) => number][] = [
  ['frame arrival → broadcast start (guard, hooks, applying the update)', (row) => row.toBroadcast],
  ['broadcast (the update handed to every connection)', (row) => row.broadcast],
  ['broadcast end → first write', (row) => row.toWrites],
  ['writes (every reader\'s socket)', (row) => row.writes],
  ['frame arrival → last write', (row) => row.toBroadcast + row.broadcast + row.toWrites + row.writes],
]
/** Nearest-rank percentile `p` (0..100) of `values`, to the microsecond. */
const quantile = (values: number[], p: number) => round(percentile(Float64Array.from(values).sort(), p), 3)
const result = {
  readers: readerCount,
  thinReaders: !values['editor-readers'],
  keystrokes,
  intervalMs: Number(values.interval),
  env,
  endToEnd: { allReaders: endToEnd.allReaders, eachReader: endToEnd.eachReader, lost: endToEnd.lost },
  broadcasts: rows.length,
  steps: steps.map(([name, of]) => {
    const values = rows.map(of)
    return { name, p50: quantile(values, 50), p90: quantile(values, 90), p99: quantile(values, 99), mean: summarize(values).mean }
  }),
  writes: {
    eventLoopWroteNone: rows.filter((row) => row.byThread === row.sockets).length,
    threadWroteNone: rows.filter((row) => row.byThread === 0).length,
    threadShareP50: quantile(rows.map((row) => row.byThread / row.sockets), 50),
  },
}
console.log(`ours, ${readerCount} ${result.thinReaders ? 'thin' : 'editor'} readers, ${keystrokes} keystrokes every ${values.interval} ms${Object.keys(env).length ? `, ${JSON.stringify(env)}` : ''}`)
console.log(`end to end (every reader): p50 ${endToEnd.allReaders.p50} ms, p99 ${endToEnd.allReaders.p99} ms; ${rows.length} broadcasts timed in the server`)
for (const step of result.steps) console.log(`  ${step.name}: p50 ${step.p50} ms, p90 ${step.p90} ms, p99 ${step.p99} ms`)
console.log(`  writes shared with the fan-out thread: its share p50 ${result.writes.threadShareP50}; the event loop wrote none in ${result.writes.eventLoopWroteNone}, the thread none in ${result.writes.threadWroteNone}`)
if (values.json) fs.writeFileSync(values.json, JSON.stringify(result, null, 2))
