import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { markdownToDocument } from '../../shared/content/markdown.ts'
import { replaceBody } from '../../shared/content/yjs-document.ts'
import { changesSince } from './version-changes.ts'

const ALICE = { id: 'alice', name: 'Alice' }
const BOB = { id: 'bob', name: 'Bob' }

function fork(source: Y.Doc, clientID: number): Y.Doc {
  const copy = new Y.Doc()
  copy.clientID = clientID
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(source))
  return copy
}

describe('changes since a version', () => {
  it('[HIST3] marks added blocks by author and removed blocks, nested in lists', () => {
    const base = new Y.Doc()
    base.clientID = 1
    base.transact(() => replaceBody(base, markdownToDocument('intro\n\n- keep item\n- gone item\n\nold paragraph')))
    const version = fork(base, 99)
    const current = fork(base, 2)
    current.transact(() => replaceBody(current, markdownToDocument('intro\n\n- keep item\n- new item')))
    const blocks = changesSince(version, current, new Map([[1, ALICE], [2, BOB]]))
    const summary = blocks.map((block) => [block.type, block.depth, block.change?.kind ?? null, block.change?.author?.name ?? null, block.runs.map((run) => `${run.change?.kind ?? '='}:${run.text}`).join('|')])
    expect(summary).toContainEqual(['paragraph', 0, null, null, '=:intro'])
    expect(summary).toContainEqual(['paragraph', 2, null, null, '=:keep item'])
    expect(summary).toContainEqual(['paragraph', 0, 'removed', null, 'removed:old paragraph'])
    // The diff rewrote the second item's text in place: old text removed, new text added by Bob.
    const second = blocks.find((block) => block.runs.some((run) => run.text.includes('new')))!
    expect(second.runs.filter((run) => run.change?.kind === 'added').every((run) => run.change?.author?.name === 'Bob')).toBe(true)
    expect(second.runs.map((run) => (run.change?.kind === 'removed' ? '' : run.text)).join('')).toBe('new item')
  })

  it('[HIST3] splits text a client typed before and after the version, which Yjs merges into one item', () => {
    const doc = new Y.Doc()
    doc.clientID = 7
    doc.transact(() => replaceBody(doc, markdownToDocument('abc')))
    const version = fork(doc, 99)
    const text = (doc.getXmlFragment('default').get(0) as Y.XmlElement).get(0) as Y.XmlText
    text.insert(3, 'def')
    const blocks = changesSince(version, doc, new Map([[7, ALICE]]))
    expect(blocks[0]!.runs).toEqual([
      { text: 'abc', change: null },
      { text: 'def', change: { kind: 'added', author: ALICE } },
    ])
  })
})
