/**
 * The formatting toolbar: one button per command, pressed (`aria-pressed`) when its format is
 * active at the selection, disabled when it cannot apply or the editor is read-only.
 */
import { Plugin, type Command, type EditorState } from 'prosemirror-state'
import type { EditorView } from 'prosemirror-view'
import { redoCommand, undoCommand } from 'y-prosemirror'
import { schema } from '../../shared/schema.ts'
import { deferToIdle } from './defer-to-idle.ts'
import {
  blockActive,
  insertHorizontalRule,
  markActive,
  toggle,
  toggleBlockquote,
  toggleCodeBlock,
  toggleHeading,
  toggleList,
  wrapperActive,
} from './commands.ts'

const { nodes, marks } = schema
const isMac = typeof navigator !== 'undefined' && /Mac|iP(hone|ad)/.test(navigator.platform)
const mod = isMac ? '⌘' : 'Ctrl+'

/** One toolbar button. */
interface ToolbarItem {
  /** Stable id, used as `data-command` (tests and styling). */
  id: string
  label: string
  title: string
  run: Command
  active?: (state: EditorState) => boolean
}

/** Everything on the toolbar, in order; `null` draws a separator. */
function items(openLinkDialog: Command): (ToolbarItem | null)[] {
  return [
    { id: 'undo', label: '↶', title: `Undo (${mod}Z)`, run: undoCommand },
    { id: 'redo', label: '↷', title: `Redo (${mod}Shift+Z)`, run: redoCommand },
    null,
    { id: 'paragraph', label: '¶', title: 'Normal text', run: setParagraph, active: (s) => blockActive(s, nodes.paragraph!) },
    { id: 'heading1', label: 'H1', title: 'Heading 1 (# )', run: toggleHeading(1), active: (s) => blockActive(s, nodes.heading!, { level: 1 }) },
    { id: 'heading2', label: 'H2', title: 'Heading 2 (## )', run: toggleHeading(2), active: (s) => blockActive(s, nodes.heading!, { level: 2 }) },
    { id: 'heading3', label: 'H3', title: 'Heading 3 (### )', run: toggleHeading(3), active: (s) => blockActive(s, nodes.heading!, { level: 3 }) },
    null,
    { id: 'bold', label: 'B', title: `Bold (${mod}B)`, run: toggle(marks.bold!), active: (s) => markActive(s, marks.bold!) },
    { id: 'italic', label: 'I', title: `Italic (${mod}I)`, run: toggle(marks.italic!), active: (s) => markActive(s, marks.italic!) },
    { id: 'underline', label: 'U', title: `Underline (${mod}U)`, run: toggle(marks.underline!), active: (s) => markActive(s, marks.underline!) },
    { id: 'strike', label: 'S', title: `Strikethrough (${mod}Shift+S)`, run: toggle(marks.strike!), active: (s) => markActive(s, marks.strike!) },
    { id: 'code', label: '</>', title: `Inline code (${mod}E)`, run: toggle(marks.code!), active: (s) => markActive(s, marks.code!) },
    { id: 'link', label: 'Link', title: `Link (${mod}K)`, run: openLinkDialog, active: (s) => markActive(s, marks.link!) },
    null,
    { id: 'bulletList', label: '•', title: 'Bullet list (- )', run: toggleList(nodes.bulletList!), active: (s) => wrapperActive(s, nodes.bulletList!) },
    { id: 'orderedList', label: '1.', title: 'Numbered list (1. )', run: toggleList(nodes.orderedList!), active: (s) => wrapperActive(s, nodes.orderedList!) },
    { id: 'taskList', label: '☑', title: 'Task list ([ ] )', run: toggleList(nodes.taskList!), active: (s) => wrapperActive(s, nodes.taskList!) },
    { id: 'blockquote', label: '❝', title: 'Quote (> )', run: toggleBlockquote, active: (s) => wrapperActive(s, nodes.blockquote!) },
    { id: 'codeBlock', label: '{ }', title: 'Code block (```)', run: toggleCodeBlock, active: (s) => blockActive(s, nodes.codeBlock!) },
    { id: 'horizontalRule', label: '―', title: 'Divider (---)', run: insertHorizontalRule },
  ]
}

const setParagraph: Command = (state, dispatch) => {
  const { $from } = state.selection
  if (!$from.parent.isTextblock) return false
  if (dispatch && $from.parent.type !== nodes.paragraph) dispatch(state.tr.setBlockType(state.selection.from, state.selection.to, nodes.paragraph!))
  return true
}

/** A plugin that renders the toolbar into `bar` and keeps its pressed/disabled states current. */
export function toolbarPlugin(bar: HTMLElement, openLinkDialog: Command): Plugin {
  return new Plugin({
    view(view) {
      bar.replaceChildren()
      bar.setAttribute('role', 'toolbar')
      bar.setAttribute('aria-label', 'Formatting')
      const buttons: { item: ToolbarItem; button: HTMLButtonElement }[] = []
      for (const item of items(openLinkDialog)) {
        if (!item) {
          const separator = document.createElement('span')
          separator.className = 'toolbar-separator'
          bar.appendChild(separator)
          continue
        }
        const button = document.createElement('button')
        button.type = 'button'
        button.textContent = item.label
        button.title = item.title
        button.setAttribute('aria-label', item.title)
        button.dataset.command = item.id
        // Keep the editor's selection: act on mousedown, never take focus.
        button.addEventListener('mousedown', (event) => {
          event.preventDefault()
          item.run(view.state, view.dispatch, view)
          view.focus()
        })
        button.addEventListener('keydown', (event) => {
          if (event.key === 'Enter' || event.key === ' ') {
            event.preventDefault()
            item.run(view.state, view.dispatch, view)
          }
        })
        bar.appendChild(button)
        buttons.push({ item, button })
      }
      const refresh = (current: EditorView) => {
        for (const { item, button } of buttons) {
          if (item.active) {
            const pressed = String(item.active(current.state))
            if (button.getAttribute('aria-pressed') !== pressed) button.setAttribute('aria-pressed', pressed)
          }
          const disabled = !current.editable || !item.run(current.state, undefined, current)
          if (button.disabled !== disabled) button.disabled = disabled
        }
      }
      refresh(view)
      // Dry-running every command costs about a millisecond per keystroke in a long document (the
      // wrap and block checks match the content before the caret): do it once the keystroke has
      // been painted and the page is idle, at most once for a burst of keys.
      // Becoming read-only (or editable again) is shown at once, not when idle.
      const later = deferToIdle(() => refresh(view))
      let editable = view.editable
      const update = (current: EditorView) => {
        if (current.editable === editable) return later.schedule()
        editable = current.editable
        later.cancel()
        refresh(current)
      }
      return { update, destroy: () => (later.cancel(), bar.replaceChildren()) }
    },
  })
}
