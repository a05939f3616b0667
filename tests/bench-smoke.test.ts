/**
 * A tiny run of `npm run bench` (smoke profile: a few connections, a 2,000-edit trace prefix) for
 * all three servers and every suite, checking each figure is a sane number and the trace prefix
 * arrived exactly on every replica and in the store. The full benchmark is `npm run bench`.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { runBenchScript } from './helpers/bench-script.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

interface Latency {
  count: number
  p50: number
  p99: number
}

function expectLatency(summary: Latency, what: string): void {
  expect(summary.count, `${what}: samples`).toBeGreaterThan(0)
  for (const value of [summary.p50, summary.p99]) {
    expect(Number.isFinite(value), `${what}: ${value} is a number`).toBe(true)
    expect(value, what).toBeGreaterThan(0)
    expect(value, what).toBeLessThan(30_000)
  }
  expect(summary.p99, `${what}: p99 ≥ p50`).toBeGreaterThanOrEqual(summary.p50)
}

describe('benchmark harness', () => {
  it('[BENCH1][CONV1] smoke profile: every suite runs against ours, bare Hocuspocus and y-websocket; figures are sane; the trace prefix is exact everywhere', { timeout: 300_000 }, async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'collab-bench-smoke-'))
    try {
      const { code, output } = await runBenchScript(['bench/run.ts', '--profile', 'smoke', '--out', out, '--name', 'smoke', '--conditions', 'test suite'])
      expect(code, output).toBe(0)

      const results = JSON.parse(fs.readFileSync(path.join(out, 'smoke.json'), 'utf8'))
      expect(results.servers).toEqual(['ours', 'hocuspocus', 'y-websocket'])
      expect(Object.keys(results.suites).sort()).toEqual(['browser', 'durability', 'fanout', 'http-fallback', 'many-docs', 'memory', 'scale-out', 'trace'])
      for (const [name, suite] of Object.entries<{ error?: string }>(results.suites)) expect(suite.error, name).toBeUndefined()
      const { fanout, trace, memory, durability, browser } = results.suites
      const manyDocs = results.suites['many-docs']
      const scaleOut = results.suites['scale-out']

      // Three servers and the relay floor with their own clients, ours once more with y-websocket
      // clients on /yjs, and the four with thin readers; two modes each.
      expect(fanout.data.rows).toHaveLength(9 * 2)
      expect(fanout.data.rows.filter((row: { series: string }) => row.series === 'ours-y-websocket').map((row: { clientProtocol: string }) => row.clientProtocol)).toEqual(['y-websocket', 'y-websocket'])
      const thinSeries = fanout.data.rows.filter((row: { thinReaders: boolean }) => row.thinReaders).map((row: { series: string }) => row.series)
      expect(thinSeries.sort()).toEqual(['floor-thin', 'floor-thin', 'hocuspocus-thin', 'hocuspocus-thin', 'ours-thin', 'ours-thin', 'y-websocket-thin', 'y-websocket-thin'])
      for (const row of fanout.data.rows) {
        expectLatency(row.latency.allReaders, `fanout ${row.server} ${row.mode}`)
        expect(row.latency.lost).toBe(0)
        expect(row.latency.readers).toBe(4)
        // Each point pools every round's keystrokes (the smoke profile: 2 rounds).
        expect(row.latency.keystrokes).toBe(row.mode === 'human' ? fanout.data.rounds.human * fanout.data.keystrokes.human : fanout.data.rounds.fullSpeed * fanout.data.keystrokes.fullSpeed)
        expect(row.latency.allReaders.count).toBe(row.latency.keystrokes)
        expect(row.clients.busiestWorkerCpuPercent).toBeGreaterThan(0)
        expect(row.clients.readersCpuMsPerKeystroke).toBeGreaterThan(0)
        // Ours' latency ratios (and the floor's, to bare Hocuspocus) come with bootstrap intervals,
        // per peer its series is compared with. Every reader got every keystroke from the floor too
        // (\`lost\` above): it speaks the protocol, it only skips the server's work.
        const peers = { ours: ['hocuspocus', 'y-websocket'], 'ours-thin': ['hocuspocus', 'y-websocket'], 'ours-y-websocket': ['y-websocket'], floor: ['hocuspocus'], 'floor-thin': ['hocuspocus'] }[row.series as string] ?? []
        expect(Object.keys(row.ratioIntervals ?? {}).sort(), row.series).toEqual(peers)
        for (const peer of peers) {
          for (const interval of [row.ratioIntervals[peer].p50, row.ratioIntervals[peer].p99]) {
            expect(interval.low).toBeGreaterThan(0)
            expect(interval.high).toBeGreaterThanOrEqual(interval.low)
          }
        }
      }
      for (const row of manyDocs.data.rows) {
        expectLatency(row.latency, `many-docs ${row.server}`)
        expect(row.lost).toBe(0)
        expect(row.keystrokes).toBe(manyDocs.data.rounds * manyDocs.data.documents * 2 * manyDocs.data.keystrokesPerClient)
        expect(row.latency.count).toBe(row.keystrokes)
        expect(row.serverCpuPercent).toBeGreaterThan(0)
      }
      expect(trace.data.rows).toHaveLength(3)
      for (const row of trace.data.rows) {
        expect(row.edits).toBe(2_000)
        expect(row.readerMatches, `${row.server} second replica equals the trace text`).toBe(true)
        expect(row.storedMatches, `${row.server} stored document equals the trace text`).toBe(true)
        expect(row.editsPerSecond).toBeGreaterThan(0)
        // The writer's client did the typing: its CPU is in the ceiling the machine's cores set.
        expect(row.writerCpuUsPerEdit).toBeGreaterThan(0)
        expect(row.cpuBoundEditsPerSecond).toBeGreaterThan(0)
      }
      const oursTrace = trace.data.rows.find((row: { server: string }) => row.server === 'ours')
      expect(oursTrace.storedBytes).toBeGreaterThan(trace.data.textLength)
      expect(oursTrace.coldOpenMs).toBeGreaterThan(0)
      expect(oursTrace.acknowledgedMs).toBeGreaterThan(0)
      for (const row of memory.data.rows) {
        expect(row.baselineMB, row.server).toBeGreaterThan(10)
        expect(Number.isFinite(row.idle[0].perConnectionKB), row.server).toBe(true)
        expect(row.documents.rssMB, row.server).toBeGreaterThan(10)
      }
      expect(durability.data.rows.map((row: { durableAck: boolean }) => row.durableAck)).toEqual([true, false])
      for (const row of durability.data.rows) {
        expectLatency(row.ack, `acknowledgement, DURABLE_ACK=${row.durableAck}`)
        expectLatency(row.fanout.allReaders, `durability fan-out, DURABLE_ACK=${row.durableAck}`)
        expect(row.traceAckedEditsPerSecond).toBeGreaterThan(0)
      }
      // One instance (and one on PostgreSQL + Redis, which must be up) always measure; two instances
      // only once this build reads REDIS_URL, and then they must.
      const [single, singleScaled, two] = scaleOut.data.rows
      expect(single.available).toBe(true)
      expect(singleScaled.available, singleScaled.reason).toBe(true)
      expectLatency(single.latency.allReaders, 'scale-out, one instance')
      const readsRedisUrl = fs.readFileSync(path.join(root, 'server/config.ts'), 'utf8').includes('REDIS_URL')
      expect(two.available, two.reason).toBe(readsRedisUrl)
      if (two.available) expectLatency(two.latency.allReaders, 'scale-out, two instances')
      for (const row of browser.data.rows) expectLatency(row.latency, `browser ${row.paragraphs} paragraphs`)
      expect(browser.data.offlineOpenMs).toBeGreaterThan(0)
      const fallback = results.suites['http-fallback'].data
      expect(fallback.results.map((r: { transport: string }) => r.transport)).toEqual(['websocket', 'http'])
      for (const row of fallback.results) {
        expect(row.latencyMs.p50, row.transport).toBeGreaterThan(0)
        expect(row.bytesPerEdit.total, row.transport).toBeGreaterThan(0)
      }

      const markdown = fs.readFileSync(path.join(out, 'smoke.md'), 'utf8')
      expect(markdown).toContain('Machine:')
      expect(fs.readdirSync(out).filter((file) => file.endsWith('.svg')).length).toBeGreaterThanOrEqual(3)
    } finally {
      fs.rmSync(out, { recursive: true, force: true })
    }
  })
})
