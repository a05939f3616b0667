/**
 * `npm run bench`: our server against bare Hocuspocus and the y-websocket reference server, each
 * started fresh in its own process, driven by the same clients in separate worker processes.
 *
 *   npm run bench                              # default profile, every suite (about 17 minutes on 2 cores)
 *   npm run bench -- --only fanout,trace       # some suites
 *   npm run bench -- --profile smoke           # seconds; what the test suite runs
 *   npm run bench -- --servers ours,y-websocket
 *   npm run bench -- --conditions "quiet machine"   # recorded with the results
 *   npm run bench -- --only fanout --cpu-prof /tmp/prof   # a V8 CPU profile of every instance of ours
 *   npm run bench -- --only fanout --profile full --readers 100,500   # more samples, fewer sizes
 *
 * Writes bench/results/<date>[-<profile>][-<suites>].json and .md, and SVG plots beside them.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { PROFILES, type Profile } from './lib/profiles.ts'
import { ROOT, type ServerKind } from './lib/servers.ts'
import type { Suite } from './lib/suite.ts'
import { SUITES } from './suites/index.ts'
import { targetsTable } from './lib/targets.ts'

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    profile: { type: 'string', default: 'default' },
    servers: { type: 'string', default: 'ours,hocuspocus,y-websocket' },
    out: { type: 'string', default: path.join(ROOT, 'bench', 'results') },
    conditions: { type: 'string', default: process.env.BENCH_CONDITIONS ?? '' },
    name: { type: 'string' },
    'cpu-prof': { type: 'string' },
    /** Fan-out reader counts instead of the profile's (e.g. `100,500`). */
    readers: { type: 'string' },
  },
})
if (values['cpu-prof']) process.env.BENCH_CPU_PROF_DIR = path.resolve(values['cpu-prof'])

const chosen: Profile | undefined = PROFILES[values.profile as Profile['name']]
if (!chosen) throw new Error(`--profile must be one of ${Object.keys(PROFILES).join(', ')}`)
const readerCounts = values.readers?.split(',').map(Number)
if (readerCounts?.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('--readers takes positive integers, e.g. 100,500')
const profile: Profile = readerCounts ? { ...chosen, fanout: { ...chosen.fanout, readers: readerCounts } } : chosen
const servers = values.servers.split(',').map((s) => s.trim()) as ServerKind[]
for (const server of servers) if (!['ours', 'hocuspocus', 'y-websocket'].includes(server)) throw new Error(`unknown server ${server}`)
if (!servers.includes('ours')) servers.unshift('ours')
const only = values.only?.split(',').map((s) => s.trim())
for (const name of only ?? []) if (!SUITES.some((suite) => suite.name === name)) throw new Error(`unknown suite ${name}; suites: ${SUITES.map((s) => s.name).join(', ')}`)
const suites: Suite[] = only ? SUITES.filter((suite) => only.includes(suite.name)) : SUITES

const started = Date.now()
const log = (message: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}`)
const machine = {
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model ?? 'unknown',
  memoryGB: Math.round(os.totalmem() / 1e8) / 10,
  node: process.version,
  platform: `${os.type()} ${os.release()}`,
  loadAverageAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
  conditions: values.conditions || 'not stated',
}
log(`profile ${profile.name}, suites ${suites.map((s) => s.name).join(', ')}, servers ${servers.join(', ')}`)
log(`${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGB} GB, Node ${machine.node}, load average ${machine.loadAverageAtStart.join(' ')}`)

const results: Record<string, { title: string; seconds: number; data?: unknown; error?: string }> = {}
const markdown: string[] = []
const plots: { file: string; svg: string }[] = []
const date = new Date().toISOString().slice(0, 10)
const base = values.name ?? [date, profile.name === 'default' ? '' : profile.name, only ? only.join('-') : ''].filter(Boolean).join('-')

for (const suite of suites) {
  const t0 = Date.now()
  log(`▶ ${suite.title}`)
  try {
    const result = await suite.run({ profile, servers, log })
    results[suite.name] = { title: suite.title, seconds: Math.round((Date.now() - t0) / 1000), data: result.data }
    markdown.push(`## ${suite.title}`, ...result.markdown)
    for (const plot of result.plots ?? []) {
      const file = `${base}-${plot.name}.svg`
      plots.push({ file, svg: plot.svg })
      markdown.push('', `![${plot.name}](${file})`)
    }
    markdown.push('')
  } catch (error) {
    // One broken suite must not cost the others' figures.
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error)
    log(`✖ ${suite.name} failed: ${message}`)
    results[suite.name] = { title: suite.title, seconds: Math.round((Date.now() - t0) / 1000), error: message }
    markdown.push(`## ${suite.title}`, '', `**Failed:** \`${message.split('\n')[0]}\``, '')
  }
  log(`✔ ${suite.name} in ${results[suite.name]!.seconds} s`)
}

const finished = { ...machine, loadAverageAtEnd: os.loadavg().map((l) => Math.round(l * 100) / 100) }
const summary = { date: new Date().toISOString(), profile: profile.name, servers, machine: finished, totalSeconds: Math.round((Date.now() - started) / 1000), suites: results }
fs.mkdirSync(values.out, { recursive: true })
fs.writeFileSync(path.join(values.out, `${base}.json`), `${JSON.stringify(summary, null, 2)}\n`)
for (const plot of plots) fs.writeFileSync(path.join(values.out, plot.file), plot.svg)
const header = [
  `# Benchmarks ${date} (profile ${profile.name}${readerCounts ? `, fan-out readers ${readerCounts.join(", ")}` : ""})`,
  '',
  `Machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGB} GB RAM, ${machine.platform}, Node ${machine.node}.`,
  `Load: ${machine.conditions}; load average ${machine.loadAverageAtStart.join(' / ')} at start, ${finished.loadAverageAtEnd.join(' / ')} at end.`,
  `Servers, each fresh in its own process on loopback: ours (\`server/cli/start.ts\`: token auth, durable SQLite store with`,
  `acknowledgement after fsync, message limits, change log, history), bare \`@hocuspocus/server\` (no extensions) and the y-websocket`,
  `1.x reference server (\`setupWSConnection\`, in memory). One yjs copy everywhere. Clients: real WebSockets (\`ws\`) in`,
  `${profile.readerWorkers + 1} client worker processes (one writer, ${profile.readerWorkers} for readers); HocuspocusProvider for ours and bare`,
  `Hocuspocus, y-websocket's WebsocketProvider for the reference server; no presence. Ratios are ours/peer (below 1: ours is faster/smaller); in fan-out the relay floor's row (\`bench/peers/relay-floor.ts\`, the least a server can do) has floor/bare Hocuspocus.`,
  `Total run time ${summary.totalSeconds} s.`,
  '',
]
const targets = ['## Targets: where we stand', '', ...targetsTable(results), '']
fs.writeFileSync(path.join(values.out, `${base}.md`), [...header, ...targets, ...markdown].join('\n'))
log(`results: ${path.join(values.out, `${base}.md`)} (+ .json, ${plots.length} plots)`)
process.exit(Object.values(results).some((r) => r.error) ? 1 : 0)
