/**
 * The order in which the servers of a suite take turns (bench/suites/fanout.ts, many-docs.ts,
 * bench/compare.ts): every round gives each entry one turn, in an order drawn at random (seeded,
 * so a run can be repeated). A drift in the machine's speed, or a disturbance that comes back
 * periodically, then falls on all entries alike. A fixed pattern does not ensure that: with A B B A
 * and rounds of 10 s, a disturbance about every 80 s (from outside any server) hit B's turn every
 * time, and ours against ours read p99 1.40× itself. Rotating the order one entry further each
 * round is still a period a disturbance can fall in step with.
 */
import { seededRandom } from './stats.ts'

export function* shuffledTurns<T>(entries: readonly T[], rounds: number, seed = 1): Generator<{ round: number; entry: T }> {
  const random = seededRandom(seed)
  const order = [...entries]
  for (let round = 0; round < rounds; round++) {
    // Fisher-Yates: every order equally likely.
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1))
      ;[order[i], order[j]] = [order[j]!, order[i]!]
    }
    for (const entry of order) yield { round, entry }
  }
}
