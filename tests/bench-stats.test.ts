import { describe, expect, it } from 'vitest'
import { percentile, ratioInterval } from '../bench/lib/stats.ts'

/** `count` latencies: `base` ms plus a spread of 0..`spread` ms, in a fixed order. */
function latencies(count: number, base: number, spread: number): number[] {
  return Array.from({ length: count }, (_, i) => base + ((i * 7919) % count) / count * spread)
}

describe('ratioInterval', () => {
  it('brackets the measured ratio, and is the same for the same samples', () => {
    const ours = latencies(900, 3, 6)
    const peer = latencies(900, 4, 8)
    const measured = percentile([...ours].sort((a, b) => a - b), 99) / percentile([...peer].sort((a, b) => a - b), 99)
    const interval = ratioInterval(ours, peer, 99)!
    expect(interval.low).toBeLessThanOrEqual(measured)
    expect(interval.high).toBeGreaterThanOrEqual(measured)
    expect(interval.high).toBeGreaterThan(interval.low)
    expect(ratioInterval(ours, peer, 99)).toEqual(interval)
  })

  it('is narrow for a large sample and wide for a small one with a few slow outliers', () => {
    const large = ratioInterval(latencies(5_000, 3, 1), latencies(5_000, 3, 1), 50)!
    expect(large.high - large.low).toBeLessThan(0.05)
    // 100 keystrokes, two of them 30 ms: whether a resample's p99 lands on one is luck.
    const ours = [...latencies(98, 3, 1), 30, 30]
    const small = ratioInterval(ours, latencies(100, 3, 1), 99)!
    expect(small.low).toBeLessThan(1.5)
    expect(small.high).toBeGreaterThan(5)
  })

  it('excludes 1 when one server is slower in every keystroke', () => {
    const interval = ratioInterval(latencies(300, 2, 1), latencies(300, 4, 2), 99)!
    expect(interval.high).toBeLessThan(1)
  })

  it('has no interval without samples', () => {
    expect(ratioInterval([], [1, 2, 3], 99)).toBeNull()
    expect(ratioInterval([1, 2, 3], [], 50)).toBeNull()
  })
})
