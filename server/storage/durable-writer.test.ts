import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createLogger } from '../log.ts'
import type { DocumentStore, StoreOperation } from './document-store.ts'
import { DurableWriter } from './durable-writer.ts'
import { ThreadedSqliteStore } from './threaded-sqlite-store.ts'

/** The real embedded store, with each write's start time and size noted. */
async function recordedStore(): Promise<{ store: DocumentStore; writes: { at: number; operations: number }[]; close(): Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'collab-writer-'))
  const inner = await ThreadedSqliteStore.open(dir)
  const writes: { at: number; operations: number }[] = []
  const store = Object.assign(Object.create(inner) as DocumentStore, {
    write(operations: readonly StoreOperation[]) {
      writes.push({ at: performance.now(), operations: operations.length })
      return inner.write(operations)
    },
  })
  return {
    store,
    writes,
    async close() {
      await inner.close()
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

const keystroke = (i: number): StoreOperation => ({ kind: 'append', document: 'd', update: Uint8Array.of(i % 256) })
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('DurableWriter', () => {
  const cleanups: (() => Promise<void>)[] = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup()
  })

  it('[DUR3] writes everything enqueued in one event-loop turn as one batch', async () => {
    const recorded = await recordedStore()
    cleanups.push(() => recorded.close())
    const writer = new DurableWriter(recorded.store, createLogger('silent'))
    for (let i = 0; i < 5; i++) writer.enqueue(keystroke(i))
    await writer.whenDurable()
    expect(recorded.writes.map((write) => write.operations)).toEqual([5])
  })

  it('[DUR3] with a commit interval, a write after a quiet spell starts at once and changes arriving while it is recent share the next one', async () => {
    const recorded = await recordedStore()
    cleanups.push(() => recorded.close())
    const interval = 60
    const writer = new DurableWriter(recorded.store, createLogger('silent'), { minCommitIntervalMs: interval })

    const enqueuedAt = performance.now()
    writer.enqueue(keystroke(0))
    await writer.whenDurable()
    // Three more changes, one every 5 ms, while the first commit is recent.
    for (let i = 1; i <= 3; i++) {
      writer.enqueue(keystroke(i))
      await sleep(5)
    }
    await writer.whenDurable()
    expect(recorded.writes.map((write) => write.operations)).toEqual([1, 3])
    expect(recorded.writes[0]!.at - enqueuedAt).toBeLessThan(interval / 2)
    // (The store notes its time a few microseconds after the writer takes its own.)
    expect(recorded.writes[1]!.at - recorded.writes[0]!.at).toBeGreaterThanOrEqual(interval - 0.5)

    // After a quiet spell longer than the interval, the next change is written at once again.
    await sleep(interval + 10)
    const lateAt = performance.now()
    writer.enqueue(keystroke(4))
    await writer.whenDurable()
    expect(recorded.writes).toHaveLength(3)
    expect(recorded.writes[2]!.at - lateAt).toBeLessThan(interval / 2)
  })
})
