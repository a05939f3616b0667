/**
 * What the hardened channel costs per update: the clownschool editing trace (23,136 keystroke
 * transactions) as the server receives them, one update per keystroke, applied to a Y.Doc
 *
 *   baseline  - Y.applyUpdate only (what Hocuspocus does with an update)
 *   decode    - plus the channel guard's full frame decoding and update bounds (inspectFrame)
 *   validated - plus schema validation on the shadow document (ShadowDocument.check)
 *
 * Each mode runs ROUNDS times on fresh documents; the best round is reported (the machine is shared).
 *
 *   EDITING_TRACES_DIR=/path/to/editing-traces node bench/validation.ts [--rounds 3]
 *
 * Writes bench/results/validation-<date>.json and .md.
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import * as encoding from 'lib0/encoding'
import * as Y from 'yjs'
import { readChannelLimits } from '../server/limits/channel-limits.ts'
import { ShadowDocument } from '../server/validation/shadow-document.ts'
import { MESSAGE_TYPES, SYNC_TYPES, inspectFrame } from '../shared/frame-inspection.ts'
import { loadTrace } from '../tests/helpers/traces.ts'

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' } } })
const ROUNDS = Number(values.rounds)
const limits = readChannelLimits((_name, fallback) => fallback, 4 * 1024 * 1024)

// The updates a client sends while typing the trace into one paragraph.
const trace = loadTrace('clownschool_flat')
const source = new Y.Doc()
const updates: Uint8Array[] = []
source.on('update', (update: Uint8Array) => updates.push(update))
const paragraph = new Y.XmlElement('paragraph')
source.getXmlFragment('default').insert(0, [paragraph])
const text = new Y.XmlText()
paragraph.insert(0, [text])
if (trace.startContent) text.insert(0, trace.startContent)
for (const txn of trace.txns) {
  source.transact(() => {
    for (const [position, deleteCount, insert] of txn.patches) {
      if (deleteCount > 0) text.delete(position, deleteCount)
      if (insert) text.insert(position, insert)
    }
  })
}
const frames = updates.map((update) => {
  const encoder = encoding.createEncoder()
  encoding.writeVarString(encoder, 'bench')
  encoding.writeVarUint(encoder, MESSAGE_TYPES.sync)
  encoding.writeVarUint(encoder, SYNC_TYPES.update)
  encoding.writeVarUint8Array(encoder, update)
  return encoding.toUint8Array(encoder)
})

type Mode = 'baseline' | 'decode' | 'validated'

function run(mode: Mode): number {
  const doc = new Y.Doc()
  // As in the server: updates applied for a connection were checked on the shadow already.
  const origin = { source: 'connection' }
  const shadow = mode === 'validated' ? new ShadowDocument(doc, { alreadyChecked: (o) => o === origin }) : null
  const started = performance.now()
  for (let i = 0; i < updates.length; i++) {
    if (mode !== 'baseline') {
      const inspected = inspectFrame(frames[i]!, limits.frames)
      if (!inspected.ok) throw new Error(`frame ${i} refused: ${inspected.detail}`)
    }
    if (shadow) {
      const problem = shadow.check(updates[i]!)
      if (problem) throw new Error(`update ${i} refused: ${problem.detail}`)
    }
    Y.applyUpdate(doc, updates[i]!, origin)
  }
  const seconds = (performance.now() - started) / 1000
  if (doc.getXmlFragment('default').toString().length === 0) throw new Error('nothing applied')
  shadow?.destroy()
  return updates.length / seconds
}

const results: Record<Mode, number> = { baseline: 0, decode: 0, validated: 0 }
for (let round = 0; round < ROUNDS; round++) {
  for (const mode of Object.keys(results) as Mode[]) results[mode] = Math.max(results[mode], run(mode))
}

const date = new Date().toISOString().slice(0, 10)
const outDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results')
fs.mkdirSync(outDir, { recursive: true })
const rows = (Object.keys(results) as Mode[]).map(
  (mode) => `| ${mode} | ${Math.round(results[mode]).toLocaleString('en')} | ${((results.baseline / results[mode]) * 100).toFixed(0)}% |`,
)
const markdown = [
  `# Channel guard and schema validation throughput (${date})`,
  '',
  `clownschool_flat, ${updates.length.toLocaleString('en')} one-keystroke updates applied in order, best of ${ROUNDS} rounds; Node ${process.version}, ${(await import('node:os')).cpus().length} CPUs (shared).`,
  '',
  '| mode | updates/s | time vs baseline |',
  '| --- | --- | --- |',
  ...rows,
  '',
  `Validation costs ${(results.baseline / results.validated).toFixed(2)}× the time of applying alone; ${Math.round(results.validated).toLocaleString('en')} updates/s is far above any typing rate.`,
  '',
].join('\n')
fs.writeFileSync(path.join(outDir, `validation-${date}.json`), JSON.stringify({ date, updates: updates.length, rounds: ROUNDS, updatesPerSecond: results }, null, 2))
fs.writeFileSync(path.join(outDir, `validation-${date}.md`), markdown)
console.log(markdown)
