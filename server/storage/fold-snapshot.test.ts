import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { OwnWrites } from './fold-snapshot.ts'

/** A one-edit update of a fresh document, and that document's state. */
function edit(text: string): Uint8Array {
  const doc = new Y.Doc()
  doc.getText('t').insert(0, text)
  return Y.encodeStateAsUpdate(doc)
}

function textOf(update: Uint8Array): string {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, update)
  return doc.getText('t').toString()
}

// The store contract (store-contract.ts) checks that nothing is lost on SQLite and PostgreSQL;
// these check what the fold leaves out, which the contract cannot see from outside.
describe('[DUR7] folding skips only what this writer wrote itself', () => {
  it('leaves out log entries this writer appended in a committed batch and the snapshot it wrote from its state', () => {
    const own = new OwnWrites()
    const state = edit('state')
    // The contract says `state` holds own entries; an entry it does not hold shows whether it was merged.
    const ownEntry = edit('own entry')
    const first = own.begin()
    first.appended('doc', 1)
    first.commit()
    const second = own.begin()
    const snapshot = second.fold('doc', null, [{ seq: 1, data: ownEntry }], state)
    second.commit()
    expect([...snapshot]).toEqual([...state])
    const later = edit('later')
    expect([...own.begin().fold('doc', snapshot, [], later)]).toEqual([...later])
  })

  it('merges entries of a batch that never committed, and of other documents', () => {
    const own = new OwnWrites()
    const rolledBack = own.begin()
    rolledBack.appended('doc', 1)
    rolledBack.appended('other', 2)
    // No commit: the transaction failed.
    const batch = own.begin()
    const merged = batch.fold('doc', null, [{ seq: 1, data: edit('kept') }, { seq: 2, data: edit('also') }], edit('state'))
    const text = textOf(merged)
    expect(text).toContain('kept')
    expect(text).toContain('also')
    expect(text).toContain('state')
  })

  it('merges a stored snapshot that is not the one it wrote, and after a fold that merged others\' content', () => {
    const own = new OwnWrites()
    const batch = own.begin()
    const foreignEntry = edit('theirs')
    const mixed = batch.fold('doc', null, [{ seq: 5, data: foreignEntry }], edit('mine'))
    batch.commit()
    // That snapshot holds content this writer's document may not: it is never skipped.
    const next = own.begin()
    expect(textOf(next.fold('doc', mixed, [], edit('mine')))).toContain('theirs')
    const replaced = own.begin()
    expect(textOf(replaced.fold('doc', edit('replaced'), [], edit('mine')))).toContain('replaced')
  })
})
