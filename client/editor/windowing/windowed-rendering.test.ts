import type { Node } from 'prosemirror-model'
import { EditorState, Selection, TextSelection } from 'prosemirror-state'
import type { DecorationSet } from 'prosemirror-view'
import { describe, expect, it } from 'vitest'
import { schema } from '../../../shared/schema.ts'
import type { BlockRange } from './block-ranges.ts'
import { displayedBlocks, RENDERED_ATTRIBUTE, showBlocks, windowedRendering } from './windowed-rendering.ts'

const MIN_BLOCKS = 100

function paragraphs(count: number, label = 'Paragraph'): Node[] {
  return Array.from({ length: count }, (_, i) => schema.node('paragraph', null, [schema.text(`${label} ${i}`)]))
}

function editorState(blocks: number): EditorState {
  const plugin = windowedRendering({ minBlocks: MIN_BLOCKS })
  return EditorState.create({ schema, doc: schema.node('doc', null, paragraphs(blocks)), plugins: [plugin] })
}

/** The top-level blocks `state`'s decorations display, and the positions of its spacers. */
function decorated(state: EditorState): { displayed: number[]; spacers: number[] } {
  const set = state.plugins[0]!.props.decorations!.call(state.plugins[0]!, state) as DecorationSet
  const starts = new Map<number, number>()
  let pos = 0
  state.doc.forEach((child, offset, index) => {
    starts.set(offset, index)
    pos = offset + child.nodeSize
  })
  starts.set(pos, state.doc.childCount)
  const displayed: number[] = []
  const spacers: number[] = []
  for (const decoration of set.find()) {
    const index = starts.get(decoration.from)
    expect(index, `decoration at ${decoration.from} starts at a block boundary`).toBeDefined()
    if (decoration.from === decoration.to) spacers.push(index!)
    else {
      // A node decoration covering exactly one block, marking it displayed.
      expect(decoration.to - decoration.from).toBe(state.doc.child(index!).nodeSize)
      expect((decoration as unknown as { type: { attrs: Record<string, string> } }).type.attrs).toHaveProperty(RENDERED_ATTRIBUTE)
      displayed.push(index!)
    }
  }
  return { displayed: displayed.sort((a, b) => a - b), spacers: spacers.sort((a, b) => a - b) }
}

/** The indexes in `ranges`. */
function indexes(ranges: readonly BlockRange[]): number[] {
  return ranges.flatMap((range) => Array.from({ length: range.end - range.start }, (_, i) => range.start + i))
}

/** The decorations agree with the plugin's ranges: every displayed block marked, a spacer before each hidden run. */
function expectConsistent(state: EditorState): void {
  const { ranges } = displayedBlocks(state)
  const { displayed, spacers } = decorated(state)
  expect(displayed).toEqual(indexes(ranges))
  const runs: number[] = []
  for (let index = 0; index < state.doc.childCount; index++) {
    if (!displayed.includes(index) && (index === 0 || displayed.includes(index - 1))) runs.push(index)
  }
  expect(spacers).toEqual(runs)
}

function selectionBlock(state: EditorState): number {
  return state.selection.$head.index(0)
}

describe('windowed rendering: which blocks are displayed [EDIT7]', () => {
  it('displays every block below the threshold', () => {
    const state = editorState(MIN_BLOCKS - 1)
    expect(displayedBlocks(state).windowed).toBe(false)
    expect(decorated(state).displayed).toEqual([])
  })

  it('displays a window around the selection, and the view asks for more', () => {
    let state = editorState(1_000)
    expect(displayedBlocks(state).windowed).toBe(true)
    expectConsistent(state)
    const shown = indexes(displayedBlocks(state).ranges)
    expect(shown).toContain(0)
    expect(shown.length).toBeLessThan(100)

    state = state.apply(showBlocks(state.tr, { start: 400, end: 450 }))
    expectConsistent(state)
    // The viewport's blocks, and the selection's (still at the start).
    expect(displayedBlocks(state).ranges).toEqual([
      { start: 0, end: 2 },
      { start: 400, end: 450 },
    ])
  })

  it('follows the selection: a jump to the end displays the last block in the same transaction', () => {
    let state = editorState(1_000)
    state = state.apply(state.tr.setSelection(Selection.atEnd(state.doc)))
    expect(indexes(displayedBlocks(state).ranges)).toContain(999)
    expectConsistent(state)
    // A selection across the document displays both ends.
    state = state.apply(state.tr.setSelection(TextSelection.create(state.doc, 1, state.doc.content.size - 1)))
    const shown = indexes(displayedBlocks(state).ranges)
    expect(shown).toContain(0)
    expect(shown).toContain(999)
    expectConsistent(state)
  })

  it('keeps the decorations right through typing, new blocks and joins', () => {
    let state = editorState(1_000)
    state = state.apply(showBlocks(state.tr, { start: 500, end: 540 }))
    let pos = 0
    for (let i = 0; i < 520; i++) pos += state.doc.child(i).nodeSize
    state = state.apply(state.tr.setSelection(TextSelection.create(state.doc, pos + 3)))
    for (let i = 0; i < 20; i++) {
      state = state.apply(state.tr.insertText('x'))
      expectConsistent(state)
    }
    // Enter: a new block inside the window is displayed.
    state = state.apply(state.tr.split(state.selection.from))
    expectConsistent(state)
    expect(state.doc.childCount).toBe(1_001)
    expect(indexes(displayedBlocks(state).ranges)).toContain(selectionBlock(state))
    expect(indexes(displayedBlocks(state).ranges)).toContain(selectionBlock(state) - 1)
    // Backspace at a block's start joins it to the one before.
    state = state.apply(state.tr.join(state.selection.from - 1))
    expect(state.doc.childCount).toBe(1_000)
    expectConsistent(state)
    // Paragraph to heading keeps the block count but replaces the node.
    state = state.apply(state.tr.setBlockType(state.selection.from, state.selection.from, schema.nodes.heading!, { level: 1 }))
    expect(state.doc.child(selectionBlock(state)).type.name).toBe('heading')
    expectConsistent(state)
  })

  it('keeps its place when a collaborator edits elsewhere, even as a whole-document replacement', () => {
    let state = editorState(1_000)
    state = state.apply(showBlocks(state.tr, { start: 800, end: 850 }))
    // y-prosemirror applies a remote change by replacing the whole document; unchanged blocks keep their nodes.
    const blocks: Node[] = []
    state.doc.forEach((child, _offset, index) => blocks.push(index === 10 ? schema.node('paragraph', null, [schema.text('changed remotely')]) : child))
    blocks.splice(20, 0, ...paragraphs(5, 'Inserted'))
    // It restores the local selection (here: the start) in the same transaction.
    const tr = state.tr.replaceWith(0, state.doc.content.size, blocks)
    state = state.apply(tr.setSelection(TextSelection.create(tr.doc, 1)))
    expectConsistent(state)
    // The same blocks as before, now five further down.
    expect(displayedBlocks(state).ranges).toEqual([
      { start: 0, end: 2 },
      { start: 805, end: 855 },
    ])
    expect(state.doc.child(805).textContent).toBe('Paragraph 800')
  })

  it('maps its decorations through a whole-document replacement that edits inside blocks, displayed or not, without rebuilding them', () => {
    let state = editorState(1_000)
    state = state.apply(showBlocks(state.tr, { start: 300, end: 340 }))
    const before = decorated(state)
    const blocks: Node[] = []
    state.doc.forEach((child, _offset, index) =>
      blocks.push(
        index === 310
          ? schema.node('heading', { level: 2 }, [schema.text('Paragraph 310, now a longer heading')])
          : index === 700
            ? schema.node('paragraph', null, [schema.text('Paragraph 700, typed into by a collaborator out of sight')])
            : child,
      ),
    )
    const tr = state.tr.replaceWith(0, state.doc.content.size, blocks)
    const previous = state
    state = state.apply(tr.setSelection(TextSelection.create(tr.doc, 1)))
    expectConsistent(state)
    expect(decorated(state)).toEqual(before)
    // Mapped: the set is not a new one built from scratch (its spacers are the same widget objects).
    const spacerOf = (s: EditorState) => (s.plugins[0]!.props.decorations!.call(s.plugins[0]!, s) as DecorationSet).find().find((d) => d.from === d.to && d.from > 0)
    expect(spacerOf(state)!.spec).toBe(spacerOf(previous)!.spec)
  })

  it('stops windowing when the document shrinks well below the threshold', () => {
    let state = editorState(1_000)
    state = state.apply(state.tr.delete(state.doc.child(0).nodeSize, state.doc.content.size))
    expect(displayedBlocks(state).windowed).toBe(false)
    expect(decorated(state).displayed).toEqual([])
  })

  it('moves to the start or the end of the document on Ctrl-Home and Ctrl-End', () => {
    let state = editorState(1_000)
    const keyDown = state.plugins[0]!.props.handleKeyDown!
    const press = (key: string, shiftKey = false) => {
      const event = { key, ctrlKey: true, metaKey: false, altKey: false, shiftKey, keyCode: 0, type: 'keydown' } as unknown as KeyboardEvent
      const view = { state, dispatch: (tr: import('prosemirror-state').Transaction) => (state = state.apply(tr)) }
      return keyDown.call(state.plugins[0]!, view as never, event)
    }
    expect(press('End')).toBe(true)
    expect(state.selection.from).toBe(Selection.atEnd(state.doc).from)
    expect(indexes(displayedBlocks(state).ranges)).toContain(999)
    expect(press('Home', true)).toBe(true)
    expect(state.selection.from).toBe(1)
    expect(state.selection.to).toBe(Selection.atEnd(state.doc).from)
    expect(press('Home')).toBe(true)
    expect(state.selection.empty).toBe(true)
    expect(state.selection.from).toBe(1)
  })
})
