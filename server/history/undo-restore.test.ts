import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { markdownToDocument } from '../../shared/content/markdown.ts'
import { documentToPlainText } from '../../shared/content/plain-text.ts'
import { bodyDocument, replaceBody } from '../../shared/content/yjs-document.ts'
import { undoRestoreUpdate } from './undo-restore.ts'

const text = (ydoc: Y.Doc) => documentToPlainText(bodyDocument(ydoc))

describe('undoing a restore', () => {
  it('[HIST4] reverts exactly the restore and keeps edits made since, including to restored text', () => {
    const live = new Y.Doc()
    live.transact(() => replaceBody(live, markdownToDocument('alpha changed\n\nbeta')))
    const before = Y.encodeStateAsUpdate(live)
    let restoreUpdate: Uint8Array | null = null
    const capture = (update: Uint8Array) => (restoreUpdate = update)
    live.on('update', capture)
    live.transact(() => replaceBody(live, markdownToDocument('alpha\n\nbeta')))
    live.off('update', capture)
    expect(text(live)).toBe('alpha\n\nbeta')

    // Someone edits after the restore.
    const other = new Y.Doc()
    Y.applyUpdate(other, Y.encodeStateAsUpdate(live))
    const beta = (other.getXmlFragment('default').get(1) as Y.XmlElement).get(0) as Y.XmlText
    beta.insert(4, ' by bob')
    Y.applyUpdate(live, Y.encodeStateAsUpdate(other, Y.encodeStateVector(live)))

    const undo = undoRestoreUpdate(before, restoreUpdate!, live)
    expect(undo).not.toBeNull()
    Y.applyUpdate(live, undo!)
    expect(text(live)).toBe('alpha changed\n\nbeta by bob')
    // Applying it elsewhere converges too.
    Y.applyUpdate(other, Y.encodeStateAsUpdate(live, Y.encodeStateVector(other)))
    expect(text(other)).toBe('alpha changed\n\nbeta by bob')
  })
})
