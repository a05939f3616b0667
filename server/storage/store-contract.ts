/**
 * The storage contract as one test suite, run against every {@link DocumentStore} backend
 * (see `document-store.test.ts`). A backend passes when it behaves like this, nothing more.
 */
import { afterAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { DocumentStore, StoredDocument } from './document-store.ts'

/** Opens backends for the suite: `open()` gives a store on one shared database; `cleanup` runs last. */
export interface ContractBackend {
  name: string
  /** A new store on the same database as every other store this backend opened. */
  open(): Promise<DocumentStore>
  cleanup(): Promise<void>
}

/** Text edit `text` into a fresh doc's `t` text as one update, on top of `base`. */
function edit(base: Uint8Array | null, text: string, clientID: number): { update: Uint8Array; state: Uint8Array } {
  const doc = new Y.Doc()
  // A fixed id keeps a writer's edits in one client's sequence; only fresh documents may set it.
  if (!base) doc.clientID = clientID
  if (base) Y.applyUpdate(doc, base)
  let update: Uint8Array = new Uint8Array()
  doc.on('update', (u: Uint8Array) => (update = u))
  doc.getText('t').insert(doc.getText('t').length, text)
  return { update, state: Y.encodeStateAsUpdate(doc) }
}

/** The text a stored document holds. */
function textOf(stored: StoredDocument | null): string {
  const doc = new Y.Doc()
  if (stored?.snapshot) Y.applyUpdate(doc, stored.snapshot)
  for (const update of stored?.updates ?? []) Y.applyUpdate(doc, update)
  return doc.getText('t').toString()
}

/** Registers the contract suite for `backend`. */
export function storeContractSuite(backend: ContractBackend): void {
  describe(`document store contract on ${backend.name}`, () => {
    const opened: DocumentStore[] = []
    const open = async () => {
      const store = await backend.open()
      opened.push(store)
      return store
    }
    const unique = (label: string) => `${label}-${Math.random().toString(36).slice(2, 8)}`
    afterAll(async () => {
      for (const store of opened) await store.close().catch(() => undefined)
      await backend.cleanup()
    })

    it('[PG1] loads null for a document never stored, and pings', async () => {
      const store = await open()
      expect(await store.load(unique('missing'))).toBeNull()
      await store.ping()
    })

    it('[PG1] appends keep their order and bytes; a batch is applied in order', async () => {
      const store = await open()
      const name = unique('append')
      const a = edit(null, 'a', 1)
      const b = edit(a.state, 'b', 1)
      const c = edit(b.state, 'c', 1)
      await store.write([
        { kind: 'append', document: name, update: a.update },
        { kind: 'append', document: name, update: b.update },
      ])
      await store.write([{ kind: 'append', document: name, update: c.update }])
      const stored = await store.load(name)
      expect(stored?.snapshot).toBeNull()
      expect(stored?.updates.map((u) => [...u])).toEqual([a.update, b.update, c.update].map((u) => [...u]))
      expect(stored?.updates[0]).toBeInstanceOf(Uint8Array)
      expect(textOf(stored)).toBe('abc')
    })

    it('[PG1] a snapshot folds the log written before it; appends after it stay in the log', async () => {
      const store = await open()
      const name = unique('snapshot')
      const a = edit(null, 'x', 2)
      const b = edit(a.state, 'y', 2)
      const c = edit(b.state, 'z', 2)
      await store.write([
        { kind: 'append', document: name, update: a.update },
        { kind: 'append', document: name, update: b.update },
        { kind: 'snapshot', document: name, state: b.state },
        { kind: 'append', document: name, update: c.update },
      ])
      const stored = await store.load(name)
      expect(stored?.snapshot).not.toBeNull()
      expect(stored?.updates).toHaveLength(1)
      expect(textOf(stored)).toBe('xyz')
    })

    it('[PG1] a snapshot from a writer that missed another writer\'s appends keeps them (no truncation)', async () => {
      const [first, second] = [await open(), await open()]
      const name = unique('merge')
      const mine = edit(null, 'mine', 3)
      const theirs = edit(null, 'theirs', 4)
      await first.write([{ kind: 'append', document: name, update: theirs.update }])
      // `second` never saw "theirs" and compacts its own state only.
      await second.write([
        { kind: 'append', document: name, update: mine.update },
        { kind: 'snapshot', document: name, state: mine.state },
      ])
      const stored = await first.load(name)
      expect(stored?.updates).toHaveLength(0)
      const text = textOf(stored)
      expect(text).toContain('mine')
      expect(text).toContain('theirs')
      expect(text).toHaveLength('minetheirs'.length)
    })

    it('[PG1] a lone writer\'s folded snapshot is its state, byte for byte', async () => {
      const store = await open()
      const name = unique('lone')
      const a = edit(null, 'one', 7)
      const b = edit(a.state, 'two', 7)
      await store.write([
        { kind: 'append', document: name, update: a.update },
        { kind: 'snapshot', document: name, state: a.state },
      ])
      await store.write([{ kind: 'append', document: name, update: b.update }])
      await store.write([{ kind: 'snapshot', document: name, state: b.state }])
      const stored = await store.load(name)
      expect(stored?.updates).toHaveLength(0)
      expect([...stored!.snapshot!]).toEqual([...b.state])
    })

    it('[PG1] a snapshot another writer replaced is merged again, never assumed held', async () => {
      const [first, second] = [await open(), await open()]
      const name = unique('replaced')
      const a1 = edit(null, 'a1', 8)
      await first.write([
        { kind: 'append', document: name, update: a1.update },
        { kind: 'snapshot', document: name, state: a1.state },
      ])
      // `second` never saw a1: its snapshot is the merge of a1's snapshot and its own b1.
      const b1 = edit(null, 'b1', 9)
      await second.write([
        { kind: 'append', document: name, update: b1.update },
        { kind: 'snapshot', document: name, state: b1.state },
      ])
      // `first` never saw b1 and compacts again: the stored snapshot is no longer its own.
      const a2 = edit(a1.state, 'a2', 8)
      await first.write([
        { kind: 'append', document: name, update: a2.update },
        { kind: 'snapshot', document: name, state: a2.state },
      ])
      const text = textOf(await first.load(name))
      expect(text).toContain('a1a2')
      expect(text).toContain('b1')
      expect(text).toHaveLength(6)
    })

    it('[PG1] concurrent batches and compactions from two writers lose nothing', async () => {
      const writers = [await open(), await open()]
      const name = unique('race')
      const expected: string[] = []
      await Promise.all(
        writers.map(async (store, w) => {
          let state: Uint8Array | null = null
          for (let i = 0; i < 15; i++) {
            const step = edit(state, `${w}${i % 10}`, 10 + w)
            state = step.state
            expected.push(`${w}${i % 10}`)
            await store.write(
              i % 5 === 4
                ? [
                    { kind: 'append', document: name, update: step.update },
                    { kind: 'snapshot', document: name, state },
                  ]
                : [{ kind: 'append', document: name, update: step.update }],
            )
          }
        }),
      )
      const text = textOf(await writers[0]!.load(name))
      expect(text).toHaveLength(expected.join('').length)
      for (const w of [0, 1]) {
        const own = Array.from({ length: 15 }, (_, i) => `${w}${i % 10}`).join('')
        expect(text).toContain(own)
      }
    })

    it('[PG1] lists documents most recently updated first; delete removes everything', async () => {
      const store = await open()
      const older = unique('older')
      const newer = unique('newer')
      await store.write([{ kind: 'append', document: older, update: edit(null, 'o', 5).update }])
      await new Promise((resolve) => setTimeout(resolve, 20))
      await store.write([{ kind: 'append', document: newer, update: edit(null, 'n', 5).update }])
      const names = (await store.list()).map((d) => d.name)
      expect(names.indexOf(newer)).toBeGreaterThanOrEqual(0)
      expect(names.indexOf(newer)).toBeLessThan(names.indexOf(older))
      expect((await store.list()).find((d) => d.name === newer)?.updatedAt).toBeInstanceOf(Date)
      await store.delete(older)
      expect(await store.load(older)).toBeNull()
      expect((await store.list()).map((d) => d.name)).not.toContain(older)
    })

    it('[PG1] what was written is there after closing and opening the store again', async () => {
      const store = await open()
      const name = unique('reopen')
      const a = edit(null, 'kept', 6)
      await store.write([{ kind: 'append', document: name, update: a.update }])
      await store.close()
      const again = await open()
      expect(textOf(await again.load(name))).toBe('kept')
    })
  })
}
