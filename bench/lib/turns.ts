/**
 * The order in which the servers of a suite take turns (see bench/suites/fanout.ts): every round
 * gives each entry one turn, and each round starts one entry further along, so over as many
 * rounds as there are entries each entry has every position once. A drift in the machine's speed
 * during a run then falls on all of them alike.
 */
export function* rotatingTurns<T>(entries: readonly T[], rounds: number): Generator<{ round: number; entry: T }> {
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < entries.length; i++) yield { round, entry: entries[(i + round) % entries.length]! }
  }
}
