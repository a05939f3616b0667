/**
 * Where a server spends its time in fan-out: runs one writer typing at full speed to N readers
 * against ours (or, with `--server hocuspocus`, a peer to compare with) under `--cpu-prof`, then
 * prints the heaviest functions and files by self time.
 *
 *   node bench/profile-fanout.ts [--server ours] [--readers 100] [--keystrokes 2000] [--interval 0] [--sample-us 1000] [--dir /tmp/collab-prof]
 *
 * `--interval 100` types at human rate (one keystroke per 100 ms) instead of full speed. At that
 * rate a keystroke costs the server about a millisecond, V8's default sampling interval: take
 * `--sample-us 50` to see where that millisecond goes.
 */
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { startServer, type ServerKind } from './lib/servers.ts'
import { closeRoom, openRoom, typeAndMeasure } from './lib/typing.ts'
import { WorkerPool } from './lib/workers.ts'

const { values } = parseArgs({
  options: { server: { type: 'string', default: 'ours' }, readers: { type: 'string', default: '100' }, keystrokes: { type: 'string', default: '2000' }, interval: { type: 'string', default: '0' }, 'sample-us': { type: 'string', default: '1000' }, dir: { type: 'string', default: '/tmp/collab-prof' }, env: { type: 'string', multiple: true } },
})
const dir = path.resolve(values.dir)
fs.rmSync(dir, { recursive: true, force: true })
fs.mkdirSync(dir, { recursive: true })
const env = Object.fromEntries((values.env ?? []).map((pair) => pair.split('=', 2) as [string, string]))
const server = await startServer(values.server as ServerKind, { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-interval=${values['sample-us']}`], env })
const pool = new WorkerPool(3)
const [writer, ...readers] = pool.workers
const room = await openRoom({
  writerWorker: writer!,
  readerWorkers: readers,
  readerCount: Number(values.readers),
  prefix: 'prof',
  spec: (key) => ({ key, protocol: server.protocol, url: server.wsUrl, doc: 'profile', token: server.token }),
})
const result = await typeAndMeasure(room, 'f', Number(values.keystrokes), Number(values.interval))
console.log(`${values.server}, ${values.interval === '0' ? 'full speed' : `one keystroke per ${values.interval} ms`}, ${values.readers} readers: p50 ${result.allReaders.p50} ms, p99 ${result.allReaders.p99} ms`)
await closeRoom(room)
await pool.stop()
await server.stop()

interface Node {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}
const file = fs.readdirSync(dir).find((name) => name.endsWith('.cpuprofile'))!
const profile = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] }
const self = new Map<number, number>()
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)))
const total = [...self.values()].reduce((a, b) => a + b, 0)
const byFunction = new Map<string, number>()
const byFile = new Map<string, number>()
for (const node of profile.nodes) {
  const time = self.get(node.id) ?? 0
  const where = node.callFrame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(server|shared)\//, '$1/') || '(native)'
  const name = `${node.callFrame.functionName || '(anonymous)'} ${where}:${node.callFrame.lineNumber + 1}`
  byFunction.set(name, (byFunction.get(name) ?? 0) + time)
  const pkg = where.split('/').slice(0, where.startsWith('@') ? 2 : 1).join('/')
  byFile.set(pkg, (byFile.get(pkg) ?? 0) + time)
}
const top = (map: Map<string, number>, n: number) =>
  [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, n).map(([name, t]) => `${((t / total) * 100).toFixed(1).padStart(5)}%  ${name}`)
console.log(`\nprofile ${path.join(dir, file)}: ${(total / 1000).toFixed(0)} ms sampled\n\nby package/folder:\n${top(byFile, 15).join('\n')}\n\nby function (self):\n${top(byFunction, 30).join('\n')}`)
