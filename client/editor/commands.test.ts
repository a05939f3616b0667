import { EditorState, TextSelection, type Command } from 'prosemirror-state'
import { describe, expect, it } from 'vitest'
import { schema } from '../../shared/schema.ts'
import { markActive, normaliseHref, setLink, toggleHeading, toggleList, wrapperActive } from './commands.ts'

const { nodes, marks } = schema

/** A state holding one paragraph `text`, with the caret (or selection) at `from`..`to`. */
function paragraph(text: string, from = 1, to = from): EditorState {
  const doc = schema.node('doc', null, [schema.node('paragraph', null, text ? [schema.text(text)] : [])])
  const state = EditorState.create({ schema, doc })
  return state.apply(state.tr.setSelection(TextSelection.create(doc, from, to)))
}

function run(state: EditorState, command: Command): EditorState {
  let next = state
  expect(command(state, (tr) => (next = state.apply(tr)))).toBe(true)
  return next
}

describe('editing commands', () => {
  it('[EDIT1] lists toggle on and off, switch between bullet and numbered in place, and to tasks in one step', () => {
    let state = run(paragraph('item'), toggleList(nodes.bulletList!))
    expect(state.doc.firstChild!.type.name).toBe('bulletList')
    expect(wrapperActive(state, nodes.bulletList!)).toBe(true)
    state = run(state, toggleList(nodes.orderedList!))
    expect(state.doc.firstChild!.type.name).toBe('orderedList')
    expect(wrapperActive(state, nodes.bulletList!)).toBe(false)
    state = run(state, toggleList(nodes.taskList!))
    expect(state.doc.firstChild!.type.name).toBe('taskList')
    expect(state.doc.firstChild!.firstChild!.type.name).toBe('taskItem')
    state = run(state, toggleList(nodes.taskList!))
    expect(state.doc.firstChild!.type.name).toBe('paragraph')
    expect(state.doc.textContent).toBe('item')
  })

  it('[EDIT1] headings toggle back to text; marks report their state at the selection', () => {
    let state = run(paragraph('title'), toggleHeading(2))
    expect(state.doc.firstChild!.type.name).toBe('heading')
    expect(state.doc.firstChild!.attrs.level).toBe(2)
    state = run(state, toggleHeading(2))
    expect(state.doc.firstChild!.type.name).toBe('paragraph')
    const selected = paragraph('bold words', 1, 5)
    expect(markActive(selected, marks.bold!)).toBe(false)
    expect(markActive(selected.apply(selected.tr.addMark(1, 5, marks.bold!.create())), marks.bold!)).toBe(true)
  })

  it('[LINK1] links accept http(s) and mailto (bare domains and addresses get a scheme) and refuse the rest', () => {
    expect(normaliseHref('https://example.com')).toBe('https://example.com')
    expect(normaliseHref('example.com/a')).toBe('https://example.com/a')
    expect(normaliseHref('ada@example.com')).toBe('mailto:ada@example.com')
    expect(normaliseHref('javascript:alert(1)')).toBeNull()
    expect(normaliseHref('data:text/html,x')).toBeNull()
    const selected = paragraph('docs', 1, 5)
    expect(setLink('javascript:alert(1)')(selected)).toBe(false)
    const linked = run(selected, setLink('example.com'))
    expect(linked.doc.firstChild!.firstChild!.marks[0]!.attrs.href).toBe('https://example.com')
    const unlinked = run(linked.apply(linked.tr.setSelection(TextSelection.create(linked.doc, 1, 5))), setLink(''))
    expect(unlinked.doc.firstChild!.firstChild!.marks).toEqual([])
  })
})
