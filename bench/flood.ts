/**
 * An honest client's edit latency while other connections flood the same document.
 *
 * The server runs as a child process (as in production, the bench's own clients do not share its
 * event loop). An honest writer makes EDITS single-character edits one after another and each is
 * timed until an honest reader on the same document has it. Three phases:
 *
 *   baseline         - no flood
 *   flood, limited   - FLOODERS raw sockets send valid one-character updates as fast as their
 *                      sockets take them, with the default rate limits (each flooder on its own
 *                      worker thread, bench/clients/flooder.ts)
 *   flood, unlimited - (with --unlimited) the same flood against a server whose rate limits are
 *                      lifted: what the limits buy. Slow: the server drowns, edits time out.
 *
 * The run fails (exit 1) when the limited flood's p99 is over 2x the baseline's p99 [SEC3].
 *
 *   node bench/flood.ts [--edits 2000] [--rounds 8] [--flooders 3] [--unlimited]
 *
 * The baseline and limited-flood phases alternate in ROUNDS rounds of EDITS/ROUNDS edits each, so
 * drift in the machine's load falls on both. 2,000 edits put twenty samples beyond the p99: with
 * 1,000, two runs on a quiet machine gave 1.01x and 3.77x, a few server GC pauses (scavenges of
 * 4-12 ms) more or less in one phase deciding it.
 *
 * Writes bench/results/flood-<date>.json and .md.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { Worker } from 'node:worker_threads'
import * as Y from 'yjs'
import { readChannelLimits } from '../server/limits/channel-limits.ts'
import { connectClient, paragraphText, waitFor, type TestClient } from '../tests/helpers/clients.ts'
import { spawnTestServer, testToken, type ChildServer } from '../tests/helpers/server.ts'
import type { FlooderOptions } from './clients/flooder.ts'

const { values } = parseArgs({
  options: {
    edits: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '8' },
    flooders: { type: 'string', default: '3' },
    unlimited: { type: 'boolean', default: false },
  },
})
const EDITS = Number(values.edits)
const ROUNDS = Number(values.rounds)
const FLOODERS = Number(values.flooders)
const DOC = 'flood-bench'
const EDIT_TIMEOUT_MS = 5_000

interface Phase {
  name: string
  p50: number
  p95: number
  p99: number
  max: number
  floodFramesAccepted: number
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

/**
 * A raw editor that keeps its socket full of valid updates until stopped. It runs on its own
 * worker thread: generating the flood is heavy, and in the measuring thread it would delay the
 * honest clients' own event loop and count as server latency.
 */
async function startFlooder(url: string, name: string): Promise<{ stop(): Promise<void> }> {
  const worker = new Worker(new URL('./clients/flooder.ts', import.meta.url), { workerData: { url, name, document: DOC } satisfies FlooderOptions })
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve())
    worker.once('error', reject)
    worker.once('exit', (code) => reject(new Error(`flooder ${name} exited with code ${code} before it flooded`)))
  })
  return {
    async stop() {
      worker.removeAllListeners('exit')
      await worker.terminate()
    },
  }
}

/** Times `edits` honest edits while `flooders` flood; returns their latencies and the frames the server took in meanwhile. */
async function measure(server: ChildServer, name: string, flooders: number, edits: number): Promise<{ latencies: number[]; frames: number }> {
  const writer: TestClient = connectClient(server.url, DOC, await testToken('Writer'))
  const reader: TestClient = connectClient(server.url, DOC, await testToken('Reader'))
  await waitFor(() => writer.provider.synced && reader.provider.synced, 'honest clients synced', 30_000)
  const before = await health(server)
  const floods = await Promise.all(Array.from({ length: flooders }, (_, i) => startFlooder(server.url, `Flooder${i}`)))
  if (flooders > 0) await new Promise((resolve) => setTimeout(resolve, 1000)) // let the flood reach full speed
  const text = paragraphText(writer.ydoc)
  const clock = (doc: Y.Doc) => Y.getState(doc.store, writer.ydoc.clientID)
  const latencies: number[] = []
  console.error(`${name}: measuring ${edits} edits`)
  for (let i = 0; i < edits; i++) {
    if (i % 50 === 0) console.error(`${name}: edit ${i}`)
    const started = performance.now()
    text.insert(0, 'h')
    const target = clock(writer.ydoc)
    // An edit that has not arrived after EDIT_TIMEOUT_MS counts as that long (the unlimited
    // flood can drown the server); the next edit carries on.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, EDIT_TIMEOUT_MS)
      function done() {
        clearTimeout(timer)
        reader.ydoc.off('update', check)
        resolve()
      }
      function check() {
        if (clock(reader.ydoc) >= target) done()
      }
      reader.ydoc.on('update', check)
      check()
    })
    latencies.push(Math.min(EDIT_TIMEOUT_MS, performance.now() - started))
    // A fast typist's pace (20 keystrokes a second), within the per-connection rate limit.
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  const after = await health(server)
  await Promise.all(floods.map((flood) => flood.stop()))
  writer.destroy()
  reader.destroy()
  return { latencies, frames: after.channel.inspected - before.channel.inspected }
}

function summarize(name: string, samples: { latencies: number[]; frames: number }[]): Phase {
  const latencies = samples.flatMap((sample) => sample.latencies).sort((a, b) => a - b)
  return {
    name,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1]!,
    floodFramesAccepted: samples.reduce((sum, sample) => sum + sample.frames, 0),
  }
}

async function health(server: ChildServer): Promise<{ channel: { inspected: number } }> {
  return (await (await fetch(`${server.url}/healthz`)).json()) as never
}

const phases: Phase[] = []
// The test helper lifts message rate limits; the limited phase runs with the real defaults.
const defaults = readChannelLimits((_name, fallback) => fallback, 4 * 1024 * 1024)
const limited = await spawnTestServer({
  LOG_LEVEL: 'error',
  RATE_LIMIT_MESSAGES_PER_SECOND: String(defaults.perConnection.messagesPerSecond),
  RATE_LIMIT_MESSAGE_BURST: String(defaults.perConnection.messageBurst),
  ADDRESS_RATE_LIMIT_MESSAGES_PER_SECOND: String(defaults.perAddress.messagesPerSecond),
  ADDRESS_RATE_LIMIT_MESSAGE_BURST: String(defaults.perAddress.messageBurst),
  USER_RATE_LIMIT_MESSAGES_PER_SECOND: String(defaults.perUser.messagesPerSecond),
  USER_RATE_LIMIT_MESSAGE_BURST: String(defaults.perUser.messageBurst),
  SIGNED_IN_ADDRESS_RATE_LIMIT_MESSAGES_PER_SECOND: String(defaults.perAddressSignedIn.messagesPerSecond),
  SIGNED_IN_ADDRESS_RATE_LIMIT_MESSAGE_BURST: String(defaults.perAddressSignedIn.messageBurst),
})
try {
  // Baseline and flood alternate in rounds, so a change in the machine's load meanwhile falls on both.
  const baseline: { latencies: number[]; frames: number }[] = []
  const flooded: { latencies: number[]; frames: number }[] = []
  const perRound = Math.ceil(EDITS / ROUNDS)
  for (let round = 1; round <= ROUNDS; round++) {
    baseline.push(await measure(limited, `baseline, round ${round}`, 0, perRound))
    flooded.push(await measure(limited, `flood, round ${round}`, FLOODERS, perRound))
  }
  phases.push(summarize('baseline', baseline), summarize('flood, limited', flooded))
} finally {
  await limited.stop()
}
if (values.unlimited) {
  const unlimited = await spawnTestServer({
    LOG_LEVEL: 'error',
    RATE_LIMIT_MESSAGES_PER_SECOND: '1000000',
    RATE_LIMIT_MESSAGE_BURST: '1000000',
    RATE_LIMIT_BYTES_PER_SECOND: String(1024 ** 3),
    ADDRESS_RATE_LIMIT_MESSAGES_PER_SECOND: '10000000',
    ADDRESS_RATE_LIMIT_MESSAGE_BURST: '10000000',
    ADDRESS_RATE_LIMIT_BYTES_PER_SECOND: String(16 * 1024 ** 3),
    USER_RATE_LIMIT_MESSAGES_PER_SECOND: '10000000',
    USER_RATE_LIMIT_MESSAGE_BURST: '10000000',
    USER_RATE_LIMIT_BYTES_PER_SECOND: String(16 * 1024 ** 3),
    SIGNED_IN_ADDRESS_RATE_LIMIT_MESSAGES_PER_SECOND: '10000000',
    SIGNED_IN_ADDRESS_RATE_LIMIT_MESSAGE_BURST: '10000000',
    SIGNED_IN_ADDRESS_RATE_LIMIT_BYTES_PER_SECOND: String(16 * 1024 ** 3),
  })
  try {
    // Fewer edits: without limits each can take seconds.
    phases.push(summarize('flood, unlimited', [await measure(unlimited, 'flood, unlimited', FLOODERS, Math.min(EDITS, 40))]))
  } finally {
    await unlimited.stop()
  }
}

const baseline = phases[0]!
const limitedFlood = phases[1]!
const ratio = limitedFlood.p99 / baseline.p99
const ms = (value: number) => value.toFixed(2)
const date = new Date().toISOString().slice(0, 10)
const markdown = [
  `# Honest latency under a flood (${date})`,
  '',
  `loopback, server in a child process, ${EDITS} sequential 1-character edits 50 ms apart from an honest writer per phase (baseline and flood alternating in ${ROUNDS} rounds), each timed until an honest reader has it; ` +
    `${FLOODERS} flooding sockets (each on its own worker thread) on the same document sending valid updates as fast as their sockets take them; Node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(2)).join(" / ")} at the end.`,
  '',
  `Edits not delivered within ${EDIT_TIMEOUT_MS} ms count as ${EDIT_TIMEOUT_MS} ms; the unlimited phase (if run) times ${Math.min(EDITS, 40)} edits.`,
  '',
  '| phase | p50 ms | p95 ms | p99 ms | max ms | frames the server took in during the phase |',
  '| --- | --- | --- | --- | --- | --- |',
  ...phases.map((phase) => `| ${phase.name} | ${ms(phase.p50)} | ${ms(phase.p95)} | ${ms(phase.p99)} | ${ms(phase.max)} | ${phase.floodFramesAccepted.toLocaleString('en')} |`),
  '',
  `Limited flood p99 / baseline p99 = ${ratio.toFixed(2)}× (bound: 2×) — ${ratio <= 2 ? 'within the bound' : 'OVER THE BOUND'}.`,
  '',
].join('\n')
const outDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results')
fs.mkdirSync(outDir, { recursive: true })
fs.writeFileSync(path.join(outDir, `flood-${date}.json`), JSON.stringify({ date, edits: EDITS, rounds: ROUNDS, flooders: FLOODERS, loadAverage: os.loadavg(), phases, p99Ratio: ratio }, null, 2))
fs.writeFileSync(path.join(outDir, `flood-${date}.md`), markdown)
console.log(markdown)
process.exit(ratio <= 2 ? 0 : 1)
