/**
 * Small statistics for latency samples: nearest-rank percentiles, rounding, bootstrap intervals
 * of a ratio of percentiles, and the seeded generator those and the order of turns draw from.
 */
import * as prng from 'lib0/prng'

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

/** A two-sided interval, rounded to 0.01. */
export interface Interval {
  low: number
  high: number
}

/** Options for {@link ratioInterval}. */
export interface RatioIntervalOptions {
  /** Resamplings (default 1,000). */
  iterations?: number
  /** Coverage (default 0.95). */
  level?: number
  /** Seed of the resampling, so the same samples always give the same interval (default 1). */
  seed?: number
}

/**
 * Bootstrap interval of `percentile(ours, p) / percentile(peer, p)`: both samples are resampled
 * with replacement, each to its own size, and the ratio's percentile interval returned (`null`
 * when either sample is empty).
 *
 * It answers "could this ratio be the luck of which keystrokes were slow?": the sampling error of
 * a p99 from a few hundred keystrokes, where a handful of samples set it. It treats keystrokes as
 * independent, so it does not cover the drift between whole runs (the machine's other load),
 * which repeating runs shows.
 */
export function ratioInterval(ours: ArrayLike<number>, peer: ArrayLike<number>, p: number, options: RatioIntervalOptions = {}): Interval | null {
  const { iterations = 1_000, level = 0.95, seed = 1 } = options
  if (ours.length === 0 || peer.length === 0) return null
  const random = seededRandom(seed)
  const ratios = new Float64Array(iterations)
  const oursDraw = new Float64Array(ours.length)
  const peerDraw = new Float64Array(peer.length)
  for (let i = 0; i < iterations; i++) {
    ratios[i] = percentile(resample(ours, oursDraw, random).sort(), p) / percentile(resample(peer, peerDraw, random).sort(), p)
  }
  ratios.sort()
  const tail = ((1 - level) / 2) * 100
  return { low: round(percentile(ratios, tail)), high: round(percentile(ratios, 100 - tail)) }
}

/** Fills `into` with draws from `sample`, with replacement. */
function resample(sample: ArrayLike<number>, into: Float64Array, random: () => number): Float64Array {
  for (let i = 0; i < into.length; i++) into[i] = sample[Math.floor(random() * sample.length)]!
  return into
}

/** A seeded generator of uniform numbers in [0, 1) (lib0's, Yjs's own utility library): the same sequence for the same seed. */
export function seededRandom(seed: number): () => number {
  const generator = prng.create(seed)
  return () => prng.real53(generator)
}
