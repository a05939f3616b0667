import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { collectable } from './gc-guard.ts'

/**
 * The state a malformed update left in the fuzz test's live document: a paragraph whose attribute
 * chain holds an item that is not deleted although a later value replaced it. Built here by
 * clearing that item's deleted flag (bit 3 of `info`), the only way to reach it without the
 * fuzzer's byte-level update.
 */
function wedgeCandidate(doc: Y.Doc): Y.XmlElement {
  const paragraph = new Y.XmlElement('paragraph')
  doc.getXmlFragment('default').insert(0, [paragraph])
  paragraph.setAttribute('level', '1')
  paragraph.setAttribute('level', '2')
  const replaced = paragraph._map.get('level')!.left!
  replaced.info &= ~0b100
  return paragraph
}

/** Deletes the paragraph (its garbage collection meets the live item), then edits again. */
function deleteThenEdit(doc: Y.Doc): number {
  wedgeCandidate(doc)
  let updates = 0
  doc.on('update', () => updates++)
  try {
    doc.getXmlFragment('default').delete(0, 1)
  } catch {
    // y-protocols swallows this error on the server; what matters is the document afterwards.
  }
  doc.getMap('meta').set('title', 'after')
  return updates
}

describe('gc guard', () => {
  it('[SEC13] without the guard, a throwing collection wedges the document: later edits emit no update', () => {
    // Documents the Yjs behaviour the guard exists for; if Yjs ever resets its cleanup list on
    // a throw, this fails and the guard can go.
    const doc = new Y.Doc()
    expect(deleteThenEdit(doc)).toBe(0)
    expect((doc as unknown as { _transactionCleanups: unknown[] })._transactionCleanups.length).toBeGreaterThan(0)
  })

  it('[SEC13] with the guard as gcFilter, the document keeps emitting updates (broadcast and storage go on)', () => {
    const doc = new Y.Doc({ gcFilter: collectable })
    expect(deleteThenEdit(doc)).toBe(2)
    expect(doc.getMap('meta').get('title')).toBe('after')
  })

  it('collects a deleted subtree that is entirely deleted', () => {
    const doc = new Y.Doc({ gcFilter: collectable })
    const paragraph = new Y.XmlElement('paragraph')
    paragraph.insert(0, [new Y.XmlText('text')])
    doc.getXmlFragment('default').insert(0, [paragraph])
    const item = paragraph._item!
    doc.getXmlFragment('default').delete(0, 1)
    expect(item.content).toBeInstanceOf(Y.ContentDeleted)
  })
})
