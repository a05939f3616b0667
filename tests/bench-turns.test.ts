import { describe, expect, it } from 'vitest'
import { shuffledTurns } from '../bench/lib/turns.ts'

describe('shuffledTurns', () => {
  const entries = ['ours', 'hocuspocus', 'y-websocket']
  const roundsOf = (seed: number, rounds: number) => {
    const byRound: string[][] = Array.from({ length: rounds }, () => [])
    for (const { round, entry } of shuffledTurns(entries, rounds, seed)) byRound[round]!.push(entry)
    return byRound
  }

  it('gives every entry exactly one turn per round', () => {
    for (const order of roundsOf(7, 50)) expect([...order].sort()).toEqual([...entries].sort())
  })

  it('repeats exactly for a seed, and draws another order for another seed', () => {
    expect(roundsOf(3, 20)).toEqual(roundsOf(3, 20))
    expect(roundsOf(3, 20)).not.toEqual(roundsOf(4, 20))
  })

  it('puts each entry in every position about equally often, in no fixed pattern', () => {
    const rounds = roundsOf(1, 600)
    for (const entry of entries) {
      for (let position = 0; position < entries.length; position++) {
        const count = rounds.filter((order) => order[position] === entry).length
        // 200 expected; a fair draw falls within ±60 all but about once in 10^5.
        expect(count).toBeGreaterThan(140)
        expect(count).toBeLessThan(260)
      }
    }
    // All six orders occur, and a round's order does not follow from the round before it.
    expect(new Set(rounds.map((order) => order.join())).size).toBe(6)
    const repeats = rounds.slice(1).filter((order, i) => order.join() === rounds[i]!.join()).length
    expect(repeats).toBeGreaterThan(50)
    expect(repeats).toBeLessThan(150)
  })
})
