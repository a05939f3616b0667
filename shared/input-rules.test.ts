import { inputRules } from 'prosemirror-inputrules'
import type { Node as PMNode } from 'prosemirror-model'
import { EditorState, TextSelection, type Transaction } from 'prosemirror-state'
import { describe, expect, it } from 'vitest'
import { markdownInputRules } from './input-rules.ts'
import { schema } from './schema.ts'

const plugin = inputRules({ rules: markdownInputRules(schema) })

/**
 * Types `text` one character at a time through the input-rules plugin's real `handleTextInput`,
 * as the browser would, falling back to plain insertion when no rule fires.
 */
function type(state: EditorState, text: string): EditorState {
  for (const char of text) {
    let next: Transaction | null = null
    const view = { state, composing: false, dispatch: (tr: Transaction) => (next = tr) }
    const { from, to } = state.selection
    const handled = plugin.props.handleTextInput!.call(plugin, view as never, from, to, char, () => state.tr)
    state = state.apply(handled && next ? next : state.tr.insertText(char, from, to))
  }
  return state
}

function empty(): EditorState {
  const state = EditorState.create({ schema, plugins: [plugin] })
  return state.apply(state.tr.setSelection(TextSelection.create(state.doc, 1)))
}

function shape(doc: PMNode): unknown {
  return doc.toJSON()
}

describe('markdown input rules', () => {
  it('[EDIT2] "# ", "## " and "### " make headings of level 1 to 3; "#### " stays text', () => {
    for (const level of [1, 2, 3]) {
      const doc = type(empty(), `${'#'.repeat(level)} Title`).doc
      expect(doc.firstChild!.type.name).toBe('heading')
      expect(doc.firstChild!.attrs.level).toBe(level)
      expect(doc.firstChild!.textContent).toBe('Title')
    }
    expect(type(empty(), '#### x').doc.firstChild!.type.name).toBe('paragraph')
  })

  it('[EDIT2] "- " and "* " make a bullet list, "1. " an ordered list, "3. " one starting at 3', () => {
    expect(shape(type(empty(), '- item').doc)).toEqual({
      type: 'doc',
      content: [{ type: 'bulletList', content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'item' }] }] }] }],
    })
    expect(type(empty(), '* item').doc.firstChild!.type.name).toBe('bulletList')
    const ordered = type(empty(), '1. one').doc.firstChild!
    expect(ordered.type.name).toBe('orderedList')
    expect(ordered.attrs.start).toBe(1)
    expect(type(empty(), '3. three').doc.firstChild!.attrs.start).toBe(3)
  })

  it('[EDIT2] "> " makes a quote, "[ ] " an open task, "[x] " a done task', () => {
    expect(type(empty(), '> quoted').doc.firstChild!.type.name).toBe('blockquote')
    const open = type(empty(), '[ ] todo').doc.firstChild!
    expect(open.type.name).toBe('taskList')
    expect(open.firstChild!.type.name).toBe('taskItem')
    expect(open.firstChild!.attrs.checked).toBe(false)
    expect(open.textContent).toBe('todo')
    expect(type(empty(), '[x] done').doc.firstChild!.firstChild!.attrs.checked).toBe(true)
  })

  it('[EDIT2] three backticks make a code block (with a language), and "---" a horizontal rule', () => {
    const code = type(empty(), '```ts x').doc.firstChild!
    expect(code.type.name).toBe('codeBlock')
    expect(code.attrs.language).toBe('ts')
    expect(code.textContent).toBe('x')
    const ruled = type(empty(), '---').doc
    expect(ruled.child(0).type.name).toBe('horizontalRule')
    expect(ruled.child(1).type.name).toBe('paragraph')
  })

  it('[EDIT2] **bold**, *italic*, ~~strike~~ and `code` become marks without their delimiters', () => {
    const marksOf = (text: string) => {
      const paragraph = type(empty(), text).doc.firstChild!
      return { text: paragraph.textContent, marks: paragraph.firstChild!.marks.map((mark) => mark.type.name) }
    }
    expect(marksOf('**bold**')).toEqual({ text: 'bold', marks: ['bold'] })
    expect(marksOf('*it*')).toEqual({ text: 'it', marks: ['italic'] })
    expect(marksOf('~~gone~~')).toEqual({ text: 'gone', marks: ['strike'] })
    expect(marksOf('`x = 1`')).toEqual({ text: 'x = 1', marks: ['code'] })
  })

  it('[EDIT2] rules do not fire inside a code block', () => {
    const state = type(empty(), '```  ')
    const inside = type(state, '# not a heading **nor bold**')
    expect(inside.doc.firstChild!.type.name).toBe('codeBlock')
    expect(inside.doc.firstChild!.textContent).toBe(' # not a heading **nor bold**')
  })
})
