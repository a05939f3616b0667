/**
 * Small statistics for latency samples: nearest-rank percentiles and rounding.
 */

/** Percentiles of a latency sample, in the sample's unit. */
export interface Summary {
  count: number
  p50: number
  p99: number
  max: number
  mean: number
}

/** Nearest-rank percentile `p` (0..100) of `sorted` (ascending). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN
  const rank = Math.ceil((p / 100) * sorted.length) - 1
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!
}

/** p50/p99/max/mean of `samples` (not modified), rounded to 0.01. */
export function summarize(samples: ArrayLike<number>): Summary {
  const sorted = Float64Array.from(samples).sort()
  let sum = 0
  for (const value of sorted) sum += value
  return {
    count: sorted.length,
    p50: round(percentile(sorted, 50)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.length ? sorted[sorted.length - 1]! : Number.NaN),
    mean: round(sum / Math.max(1, sorted.length)),
  }
}

/** Rounds to `digits` decimals (default 2). */
export function round(value: number, digits = 2): number {
  const f = 10 ** digits
  return Math.round(value * f) / f
}

/** `ours / peer` rounded to 0.01, or null when either is missing. */
export function ratio(ours: number | null | undefined, peer: number | null | undefined): number | null {
  if (ours == null || peer == null || !Number.isFinite(ours) || !Number.isFinite(peer) || peer === 0) return null
  return round(ours / peer)
}
