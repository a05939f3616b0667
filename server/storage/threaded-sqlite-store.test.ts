import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { DocumentStore, StoreOperation } from './document-store.ts'
import { SqliteStore } from './sqlite-store.ts'
import { ThreadedSqliteStore } from './threaded-sqlite-store.ts'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threaded-store-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

/** A batch of `count` one-character appends to one document, then a snapshot. */
function batch(document: string, count: number): StoreOperation[] {
  const doc = new Y.Doc()
  const operations: StoreOperation[] = []
  doc.on('update', (update: Uint8Array) => operations.push({ kind: 'append', document, update }))
  for (let i = 0; i < count; i++) doc.getText('t').insert(i, 'x')
  operations.push({ kind: 'snapshot', document, state: Y.encodeStateAsUpdate(doc) })
  return operations
}

/** Event-loop turns the main thread completed while `store` wrote `operations`. */
async function turnsDuringWrite(store: DocumentStore, operations: StoreOperation[]): Promise<number> {
  let turns = 0
  let writing = true
  const tick = () => {
    if (!writing) return
    turns++
    setImmediate(tick)
  }
  setImmediate(tick)
  await store.write(operations)
  writing = false
  return turns
}

describe('[DUR8] the embedded store writes on a worker thread', () => {
  it('the event loop keeps turning while a batch is committed (the synchronous store stops it)', async () => {
    const threaded = await ThreadedSqliteStore.open(path.join(dir, 'threaded'))
    const inline = new SqliteStore(path.join(dir, 'inline'))
    try {
      expect(await turnsDuringWrite(inline, batch('doc', 2_000))).toBe(0)
      expect(await turnsDuringWrite(threaded, batch('doc', 2_000))).toBeGreaterThan(0)
      const stored = await threaded.load('doc')
      const doc = new Y.Doc()
      Y.applyUpdate(doc, stored!.snapshot!)
      expect(doc.getText('t').length).toBe(2_000)
    } finally {
      await threaded.close()
      await inline.close()
    }
  })

  it('a store that cannot open its database fails at open, with the reason', async () => {
    const file = path.join(dir, 'not-a-directory')
    fs.writeFileSync(file, 'x')
    await expect(ThreadedSqliteStore.open(file)).rejects.toThrow(/EEXIST|ENOTDIR|not a directory|file already exists/i)
  })

  it('a closed store refuses further calls', async () => {
    const store = await ThreadedSqliteStore.open(path.join(dir, 'closed'))
    await store.close()
    await expect(store.load('doc')).rejects.toThrow(/closed/)
  })
})
