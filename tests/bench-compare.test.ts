/**
 * `node bench/compare.ts`: two servers up at once, taking turns, timed keystroke by keystroke, with
 * the ratio's bootstrap intervals and the CPU each one's threads used.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { threadCpuMs } from '../bench/lib/proc-stats.ts'
import { runBenchScript } from './helpers/bench-script.ts'

describe('bench/compare.ts', () => {
  const dirs: string[] = []
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
  })

  it('[BENCH1] times every keystroke of both sides and gives B ÷ A with intervals', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'collab-compare-'))
    dirs.push(dir)
    const out = path.join(dir, 'compare.json')
    const { code, output } = await runBenchScript(['bench/compare.ts', '--b', 'hocuspocus', '--readers', '3', '--rounds', '2', '--keystrokes', '12', '--interval', '20', '--warm-up', '10', '--json', out])
    expect(code, output).toBe(0)
    const result = JSON.parse(fs.readFileSync(out, 'utf8'))
    expect([result.a.server, result.b.server]).toEqual(['ours', 'hocuspocus'])
    for (const side of [result.a, result.b]) {
      // Two rounds of 12 keystrokes each, every one reaching all three readers.
      expect(side.keystrokes).toBe(24)
      expect(side.latencyMs.p50).toBeGreaterThan(0)
      expect(side.latencyMs.p99).toBeGreaterThanOrEqual(side.latencyMs.p50)
    }
    for (const p of ['p50', 'p90', 'p99']) {
      const { ratio, interval } = result.bOverA[p]
      expect(ratio).toBeCloseTo(result.b.latencyMs[p] / result.a.latencyMs[p], 1)
      expect(interval.low).toBeGreaterThan(0)
      expect(interval.high).toBeGreaterThanOrEqual(interval.low)
    }
    expect(output).toMatch(/B ÷ A: p50 [\d.]+× \([\d.]+-[\d.]+\)/)
  }, 120_000)

  it('reads CPU time per thread by name', async () => {
    // This process's own threads: the main thread has run this test's code.
    const threads = threadCpuMs(process.pid)
    expect(threads.has('MainThread') || threads.has('node')).toBe(true)
    const spinUntil = performance.now() + 50
    while (performance.now() < spinUntil) Math.sqrt(spinUntil)
    const total = [...threadCpuMs(process.pid).values()].reduce((sum, ms) => sum + ms, 0)
    expect(total).toBeGreaterThan(0)
  })
})
