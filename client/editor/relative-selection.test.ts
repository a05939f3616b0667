/**
 * Our patch to y-prosemirror (patches/y-prosemirror+1.3.7.patch): the selection as Yjs relative
 * positions, computed several times per keystroke, starts its walk at the caret's top-level block
 * instead of summing the size of every block before it. The positions must be exactly the ones
 * the full walk gives, and the cost must not grow with the blocks before the caret.
 */
import type { Node } from 'prosemirror-model'
import type { EditorState } from 'prosemirror-state'
import { describe, expect, it } from 'vitest'
import { absolutePositionToRelativePosition, getRelativeSelection, initProseMirrorDoc, prosemirrorToYXmlFragment, relativePositionToAbsolutePosition } from 'y-prosemirror'
import * as Y from 'yjs'
import { schema } from '../../shared/schema.ts'

type Mapping = ReturnType<typeof initProseMirrorDoc>['mapping']
type Binding = Parameters<typeof getRelativeSelection>[0]

/** A document with every kind of block: nesting, marks, empty blocks, leaves, code. */
function mixedDocument(): Node {
  const text = (value: string, marks: string[] = []) => schema.text(value, marks.map((mark) => schema.mark(mark)))
  const paragraph = (...content: Node[]) => schema.node('paragraph', null, content)
  const item = (...content: Node[]) => schema.node('listItem', null, content)
  return schema.node('doc', null, [
    schema.node('heading', { level: 1 }, [text('Title')]),
    paragraph(text('plain '), text('bold', ['bold']), text(' and '), text('both', ['bold', 'italic'])),
    paragraph(),
    schema.node('bulletList', null, [item(paragraph(text('one'))), item(paragraph(text('two')), schema.node('bulletList', null, [item(paragraph(text('nested')))]))]),
    schema.node('horizontalRule'),
    schema.node('codeBlock', null, [text('let x = 1\nx += 1')]),
    schema.node('taskList', null, [schema.node('taskItem', { checked: true }, [paragraph(text('done'))]), schema.node('taskItem', null, [paragraph()])]),
    schema.node('blockquote', null, [paragraph(text('quoted')), paragraph(text('twice'))]),
    paragraph(text('line'), schema.node('hardBreak'), text('break')),
    schema.node('orderedList', { start: 3 }, [item(paragraph())]),
    paragraph(text('last')),
  ])
}

/** The document in a Y.Doc, with history: two blocks deleted (their items stay in the list) and one inserted. */
function bound(doc: Node): { type: Y.XmlFragment; doc: Node; mapping: Mapping } {
  const ydoc = new Y.Doc()
  const type = ydoc.getXmlFragment('default')
  prosemirrorToYXmlFragment(doc, type)
  type.delete(2, 1)
  type.delete(5, 1)
  const inserted = new Y.XmlElement('paragraph')
  inserted.insert(0, [new Y.XmlText('inserted')])
  type.insert(3, [inserted])
  const loaded = initProseMirrorDoc(type, schema)
  return { type, doc: loaded.doc, mapping: loaded.mapping }
}

/** The part of an editor state getRelativeSelection reads: a selection from `anchor` to `head`. */
function stateWithSelection(doc: Node, anchor: number, head = anchor): EditorState {
  return { selection: { jsonID: 'text', anchor, head, $anchor: doc.resolve(anchor), $head: doc.resolve(head) } } as unknown as EditorState
}

function fullWalk(pos: number, type: Y.XmlFragment, mapping: Mapping): Y.RelativePosition {
  return absolutePositionToRelativePosition(pos, type, mapping) as Y.RelativePosition
}

describe('selection as Yjs relative positions (patched y-prosemirror)', () => {
  it('gives, at every position of a mixed document, exactly what the full walk from the start gives', () => {
    const { type, doc, mapping } = bound(mixedDocument())
    const binding = { type, mapping } as unknown as Binding
    for (let pos = 0; pos <= doc.content.size; pos++) {
      const { anchor, head } = getRelativeSelection(binding, stateWithSelection(doc, pos))
      const expected = fullWalk(pos, type, mapping)
      expect(Y.compareRelativePositions(anchor, expected), `position ${pos}`).toBe(true)
      expect(Y.compareRelativePositions(head, expected), `position ${pos}`).toBe(true)
      expect(relativePositionToAbsolutePosition(type.doc!, type, anchor, mapping)).toBe(pos)
    }
  })

  it('falls back to the full walk where the editor and Yjs disagree on the block', () => {
    const { type, doc, mapping } = bound(mixedDocument())
    const binding = { type, mapping } as unknown as Binding
    // A paragraph typed in the editor and not yet in Yjs: from it on, the block at an index in
    // the editor is the one after it in Yjs, and an edited block is not the node Yjs maps.
    const added = schema.node('paragraph', null, [schema.text('new')])
    const last = doc.lastChild!
    const edited = doc.copy(doc.content.addToStart(added).replaceChild(doc.childCount, last.copy(last.content)))
    for (let pos = 0; pos <= edited.content.size; pos++) {
      const { head } = getRelativeSelection(binding, stateWithSelection(edited, pos))
      expect(Y.compareRelativePositions(head, fullWalk(pos, type, mapping)), `position ${pos}`).toBe(true)
    }
  })

  it('looks up only the caret’s own block, however many come before it', () => {
    const paragraphs = Array.from({ length: 5_000 }, (_, i) => schema.node('paragraph', null, [schema.text(`Paragraph ${i}`)]))
    const { type, doc, mapping } = bound(schema.node('doc', null, paragraphs))
    let lookups = 0
    const counted = new Proxy(mapping, {
      get(target, key) {
        if (key === 'get') return (type: Y.AbstractType<unknown>) => (lookups++, target.get(type))
        const value = Reflect.get(target, key, target) as unknown
        return typeof value === 'function' ? value.bind(target) : value
      },
    })
    const binding = { type, mapping: counted } as unknown as Binding
    const end = doc.content.size - 1
    const { head } = getRelativeSelection(binding, stateWithSelection(doc, end - 4, end))
    expect(Y.compareRelativePositions(head, fullWalk(end, type, mapping))).toBe(true)
    // The full walk looks up every block before the caret: 4,999 here, twice (anchor and head).
    expect(lookups).toBeLessThan(10)
  })
})
