import { describe, expect, it } from 'vitest'
import { rotatingTurns } from '../bench/lib/turns.ts'

describe('rotatingTurns', () => {
  it('gives every entry one turn per round, starting one further along each round', () => {
    const turns = [...rotatingTurns(['a', 'b', 'c'], 3)].map(({ round, entry }) => `${round}${entry}`)
    expect(turns).toEqual(['0a', '0b', '0c', '1b', '1c', '1a', '2c', '2a', '2b'])
  })

  it('over as many rounds as entries, each entry is once in every position', () => {
    const entries = ['ours', 'hocuspocus', 'y-websocket', 'ours-y-websocket']
    const order = [...rotatingTurns(entries, entries.length)].map(({ entry }) => entry)
    for (let position = 0; position < entries.length; position++) {
      const inPosition = entries.map((_, round) => order[round * entries.length + position])
      expect(new Set(inPosition).size).toBe(entries.length)
    }
  })
})
