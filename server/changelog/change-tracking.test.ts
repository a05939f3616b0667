import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { updateClients } from './change-tracking.ts'

/** The updates one document emits while `edit` runs on it. */
function updatesOf(doc: Y.Doc, edit: () => void): Uint8Array[] {
  const updates: Uint8Array[] = []
  const record = (update: Uint8Array) => updates.push(update)
  doc.on('update', record)
  edit()
  doc.off('update', record)
  return updates
}

describe('updateClients', () => {
  it('[HIST3] names the client of a keystroke, every client of a merged update, and none for a deletion alone', () => {
    const alice = new Y.Doc()
    const bob = new Y.Doc()
    const [keystroke] = updatesOf(alice, () => alice.getText('t').insert(0, 'a'))
    expect(updateClients(keystroke!)).toEqual([alice.clientID])

    Y.applyUpdate(bob, keystroke!)
    updatesOf(bob, () => bob.getText('t').insert(1, 'b'))
    const merged = Y.encodeStateAsUpdate(bob)
    expect(updateClients(merged).sort()).toEqual([alice.clientID, bob.clientID].sort())
    expect(updateClients(merged).sort()).toEqual([...Y.parseUpdateMeta(merged).to.keys()].sort())

    const [deletion] = updatesOf(bob, () => bob.getText('t').delete(0, 1))
    expect(updateClients(deletion!)).toEqual([])
    expect(updateClients(Uint8Array.of(0xff))).toEqual([])
  })
})
