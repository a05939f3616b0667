/**
 * The ProseMirror editor bound to a Y.Doc: y-prosemirror keeps the document, remote carets and a
 * per-user undo stack (only my own changes are undone [EDIT5]); our toolbar, keymap, markdown
 * input rules and paste rules sit on top.
 */
import { inputRules } from 'prosemirror-inputrules'
import { EditorState } from 'prosemirror-state'
import { EditorView } from 'prosemirror-view'
import { yCursorPlugin, ySyncPlugin, yUndoPlugin } from 'y-prosemirror'
import type { Awareness } from 'y-protocols/awareness'
import type * as Y from 'yjs'
import { markdownInputRules } from '../../shared/input-rules.ts'
import { safeHref } from '../../shared/links.ts'
import { cleanPastedHtml, sanitizeSlice } from '../../shared/paste-rules.ts'
import { schema } from '../../shared/schema.ts'
import { buildCursor, buildSelection } from '../presence/cursors.ts'
import { publishCaretWhenIdle } from '../presence/idle-cursor-publisher.ts'
import { clientSettings } from '../settings.ts'
import { editorKeymaps } from './keymap.ts'
import { linkDialogCommand } from './link-dialog.ts'
import { taskItemView } from './task-item-view.ts'
import { toolbarPlugin } from './toolbar.ts'
import { windowedRendering } from './windowing/windowed-rendering.ts'

/** A mounted editor. */
export interface Editor {
  readonly view: EditorView
  /** Read-only mode (viewers): `false` blocks every edit and disables the toolbar. Default true. */
  setEditable(editable: boolean): void
  destroy(): void
}

/** Where the editor goes. */
export interface EditorMounts {
  /** The editing surface. */
  editor: HTMLElement
  /** Where the toolbar buttons go. */
  toolbar: HTMLElement
}

/** Creates an editor editing `fragment`, showing the carets in `awareness`. */
export function createEditor(mounts: EditorMounts, fragment: Y.XmlFragment, awareness: Awareness): Editor {
  let editable = true
  const openLink = linkDialogCommand(mounts.editor)
  const state = EditorState.create({
    schema,
    plugins: [
      ySyncPlugin(fragment),
      publishCaretWhenIdle(yCursorPlugin(awareness, {
        cursorBuilder: buildCursor,
        selectionBuilder: buildSelection,
        // Awareness is network input: a `user` that is not an object would break rendering.
        awarenessStateFilter: (local: number, clientId: number, state: { user?: unknown }) =>
          local !== clientId && typeof state.user === 'object' && state.user !== null,
      })),
      yUndoPlugin(),
      // Before the keymaps: in a windowed document it handles Ctrl-Home / Ctrl-End itself.
      windowedRendering({ minBlocks: clientSettings().windowedRenderingMinBlocks }),
      ...editorKeymaps(openLink),
      inputRules({ rules: markdownInputRules(schema) }),
      toolbarPlugin(mounts.toolbar, openLink),
    ],
  })
  const view = new EditorView(mounts.editor, {
    state,
    editable: () => editable,
    nodeViews: { taskItem: taskItemView },
    attributes: { 'aria-label': 'Document', 'aria-multiline': 'true', role: 'textbox', spellcheck: 'true' },
    transformPastedHTML: (html) => cleanPastedHtml(html, (text) => new DOMParser().parseFromString(text, 'text/html')),
    // However a slice was built (HTML, another editor, a drop), unsafe links do not get in [EDIT4].
    transformPasted: (slice) => sanitizeSlice(slice, schema),
    handleClickOn: (_view, _pos, _node, _nodePos, event) => openLinkOnModClick(event),
  })
  return {
    view,
    setEditable(value) {
      editable = value
      // Re-render attributes (contenteditable) and the toolbar's disabled states.
      view.setProps({ editable: () => editable })
    },
    destroy() {
      // y-prosemirror flushes batched plugin metadata on a timer and may dispatch after the view
      // is gone (reading a destroyed view throws); make late dispatches no-ops.
      view.setProps({ dispatchTransaction: () => undefined })
      view.destroy()
    },
  }
}

/** Ctrl/Cmd-click on a link opens it in a new tab, if its scheme is allowed [LINK1]. */
function openLinkOnModClick(event: MouseEvent): boolean {
  if (!(event.ctrlKey || event.metaKey)) return false
  const anchor = (event.target as Element | null)?.closest?.('a')
  const href = safeHref(anchor?.getAttribute('href'))
  if (!href) return false
  window.open(href, '_blank', 'noopener,noreferrer')
  return true
}
