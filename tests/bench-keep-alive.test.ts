import * as decoding from 'lib0/decoding'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { staggeredKeepAlive, stateRequest } from '../bench/clients/keep-alive.ts'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('bench clients keep-alive', () => {
  it('[BENCH1] asks once per period, the first time within it, each client at its own phase, until stopped', async () => {
    const periodMs = 100
    const firsts: number[] = []
    const counts = new Array<number>(8).fill(0)
    const start = performance.now()
    const stops = counts.map((_, i) =>
      staggeredKeepAlive(() => {
        if (counts[i] === 0) firsts[i] = performance.now() - start
        counts[i] = counts[i]! + 1
      }, periodMs),
    )
    await sleep(periodMs * 3.5)
    for (const stop of stops) stop()
    const stopped = [...counts]
    // Every client asked within the first period, then once a period: 3 or 4 times in 3.5 periods.
    for (const first of firsts) expect(first).toBeLessThan(periodMs + 30)
    for (const count of stopped) expect(count === 3 || count === 4, `asked ${count} times`).toBe(true)
    // Random phases: eight clients do not all ask in the same 5 ms.
    expect(Math.max(...firsts) - Math.min(...firsts)).toBeGreaterThan(5)
    await sleep(periodMs * 2)
    expect(counts).toEqual(stopped)
  })

  it('[BENCH1] the request is a sync step 1 with the document state vector, named for Hocuspocus and bare for y-websocket', () => {
    const ydoc = new Y.Doc()
    ydoc.getText('t').insert(0, 'abc')
    const named = decoding.createDecoder(stateRequest(ydoc, 'doc-1'))
    expect(decoding.readVarString(named)).toBe('doc-1')
    expect([decoding.readVarUint(named), decoding.readVarUint(named)]).toEqual([0, 0])
    expect(decoding.readVarUint8Array(named)).toEqual(Y.encodeStateVector(ydoc))
    expect(decoding.hasContent(named)).toBe(false)
    const bare = decoding.createDecoder(stateRequest(ydoc, null))
    expect([decoding.readVarUint(bare), decoding.readVarUint(bare)]).toEqual([0, 0])
    expect(decoding.readVarUint8Array(bare)).toEqual(Y.encodeStateVector(ydoc))
  })
})
