/**
 * Editing commands the toolbar and keymap share, and the "is it active here" checks behind the
 * toolbar's pressed states.
 */
import { lift, setBlockType, toggleMark, wrapIn } from 'prosemirror-commands'
import type { Attrs, MarkType, NodeType } from 'prosemirror-model'
import { liftListItem, wrapInList } from 'prosemirror-schema-list'
import type { Command, EditorState } from 'prosemirror-state'
import { safeHref } from '../../shared/links.ts'
import { schema } from '../../shared/schema.ts'

const { nodes, marks } = schema

/** True when `type` is on any of the selected text, or (caret only) applies to the next typed text. */
export function markActive(state: EditorState, type: MarkType): boolean {
  const { from, $from, to, empty } = state.selection
  if (empty) return !!type.isInSet(state.storedMarks ?? $from.marks())
  return state.doc.rangeHasMark(from, to, type)
}

/** True when the selection's textblock is `type` (with `attrs`, when given). */
export function blockActive(state: EditorState, type: NodeType, attrs?: Attrs): boolean {
  const { $from, to } = state.selection
  if (to > $from.end()) return false
  if ($from.parent.type !== type) return false
  return !attrs || Object.entries(attrs).every(([key, value]) => $from.parent.attrs[key] === value)
}

/** True when the selection sits inside a node of `type` (the nearest list counts for lists). */
export function wrapperActive(state: EditorState, type: NodeType): boolean {
  const { $from } = state.selection
  const lists = [nodes.bulletList, nodes.orderedList, nodes.taskList]
  for (let depth = $from.depth; depth > 0; depth--) {
    const node = $from.node(depth)
    if (node.type === type) return true
    // Only the innermost list decides which list button is pressed.
    if (lists.includes(node.type) && lists.includes(type)) return false
  }
  return false
}

/** Toggles `mark` on the selection. */
export function toggle(type: MarkType): Command {
  return toggleMark(type)
}

/** Makes the textblock a heading of `level`, or back into a paragraph when it already is one. */
export function toggleHeading(level: 1 | 2 | 3): Command {
  return (state, dispatch) =>
    blockActive(state, nodes.heading!, { level })
      ? setBlockType(nodes.paragraph!)(state, dispatch)
      : setBlockType(nodes.heading!, { level })(state, dispatch)
}

/** Toggles a code block. */
export const toggleCodeBlock: Command = (state, dispatch) =>
  blockActive(state, nodes.codeBlock!) ? setBlockType(nodes.paragraph!)(state, dispatch) : setBlockType(nodes.codeBlock!)(state, dispatch)

/** Wraps the selection in a quote, or lifts it out of one. */
export const toggleBlockquote: Command = (state, dispatch) =>
  wrapperActive(state, nodes.blockquote!) ? lift(state, dispatch) : wrapIn(nodes.blockquote!)(state, dispatch)

/**
 * Wraps the selection in a list of `type`, or lifts it out when already in one. Switching between
 * bullet and numbered lists retypes the list in place; to or from a task list, the items are
 * lifted out and wrapped again, in one transaction (one undo step).
 */
export function toggleList(type: NodeType): Command {
  const item = type === nodes.taskList ? nodes.taskItem! : nodes.listItem!
  return (state, dispatch) => {
    if (wrapperActive(state, type)) return liftListItem(item)(state, dispatch)
    const list = nearestList(state)
    if (list && list.type !== nodes.taskList && type !== nodes.taskList) {
      if (dispatch) dispatch(state.tr.setNodeMarkup(list.pos, type))
      return true
    }
    if (list) return sequence(liftListItem(list.type === nodes.taskList ? nodes.taskItem! : nodes.listItem!), wrapInList(type))(state, dispatch)
    return wrapInList(type)(state, dispatch)
  }
}

/** Runs `commands` one after the other as a single transaction; fails if any fails. */
export function sequence(...commands: Command[]): Command {
  return (state, dispatch) => {
    if (!dispatch) return commands[0]?.(state) ?? false
    const combined = state.tr
    let current = state
    for (const command of commands) {
      const applied = command(current, (tr) => {
        for (const step of tr.steps) combined.step(step)
        current = current.apply(tr)
      })
      if (!applied) return false
    }
    dispatch(combined.scrollIntoView())
    return true
  }
}

/** The innermost list around the selection: its type and position. */
function nearestList(state: EditorState): { type: NodeType; pos: number } | null {
  const { $from } = state.selection
  for (let depth = $from.depth; depth > 0; depth--) {
    const type = $from.node(depth).type
    if (type === nodes.bulletList || type === nodes.orderedList || type === nodes.taskList) return { type, pos: $from.before(depth) }
  }
  return null
}

/** Inserts a horizontal rule after the current block. */
export const insertHorizontalRule: Command = (state, dispatch) => {
  if (dispatch) dispatch(state.tr.replaceSelectionWith(nodes.horizontalRule!.create()).scrollIntoView())
  return true
}

/** Inserts a hard line break. */
export const insertHardBreak: Command = (state, dispatch) => {
  if (dispatch) dispatch(state.tr.replaceSelectionWith(nodes.hardBreak!.create()).scrollIntoView())
  return true
}

/**
 * Sets a link on the selection (or removes it when `href` is empty). Refuses hrefs whose scheme
 * is not http(s) or mailto [LINK1]; a bare domain gets `https://`.
 */
export function setLink(href: string): Command {
  return (state, dispatch) => {
    const { from, to, empty } = state.selection
    const type = marks.link!
    const trimmed = href.trim()
    if (trimmed === '') {
      if (dispatch) dispatch(state.tr.removeMark(from, to, type))
      return true
    }
    const safe = normaliseHref(trimmed)
    if (!safe) return false
    if (!dispatch) return true
    const tr = state.tr
    if (empty) {
      // No selection: insert the address itself as linked text.
      tr.insertText(trimmed, from)
      tr.addMark(from, from + trimmed.length, type.create({ href: safe }))
    } else {
      tr.removeMark(from, to, type).addMark(from, to, type.create({ href: safe }))
    }
    dispatch(tr.scrollIntoView())
    return true
  }
}

/** `href` made absolute (bare domains and addresses get a scheme) when safe, else `null`. */
export function normaliseHref(href: string): string | null {
  if (safeHref(href)) return safeHref(href)
  if (/^[^\s@/:]+@[^\s@/]+\.[^\s@/]+$/.test(href)) return safeHref(`mailto:${href}`)
  if (!/^[a-z][a-z0-9+.-]*:/i.test(href)) return safeHref(`https://${href}`)
  return null
}

/** The href of the link at the selection, or `null`. */
export function linkAt(state: EditorState): string | null {
  const { $from, from, to, empty } = state.selection
  const type = marks.link!
  const found = empty ? type.isInSet($from.marks()) : undefined
  if (found) return found.attrs.href as string
  let href: string | null = null
  state.doc.nodesBetween(from, to, (node) => {
    const mark = type.isInSet(node.marks)
    if (mark) href = mark.attrs.href as string
  })
  return href
}
