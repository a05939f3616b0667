import { describe, expect, it } from 'vitest'
import { WriteWindow } from './write-window.ts'

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('[LOG1] bookkeeping writes are batched per window; readers never see them stale', () => {
  it('many notes in one window make one flush; flushed() writes a waiting window at once', async () => {
    const flushes: number[] = []
    let pending = 0
    const window = new WriteWindow(async () => {
      flushes.push(pending)
      pending = 0
    }, 10_000)
    for (let i = 0; i < 50; i++) {
      pending++
      window.schedule()
    }
    await wait(5)
    expect(flushes).toEqual([])
    await window.flushed()
    expect(flushes).toEqual([50])
  })

  it('work noted during a flush is flushed in the next window, and flushed() waits for it too', async () => {
    const flushes: string[] = []
    let release = () => {}
    const window = new WriteWindow(async () => {
      flushes.push('start')
      await new Promise<void>((resolve) => (release = resolve))
      flushes.push('end')
    }, 1)
    window.schedule()
    await wait(20)
    expect(flushes).toEqual(['start'])
    window.schedule()
    const done = window.flushed()
    release()
    await wait(5)
    release()
    await done
    expect(flushes).toEqual(['start', 'end', 'start', 'end'])
  })
})
