/**
 * The ProseMirror editor bound to a Y.Doc: y-prosemirror keeps the document, remote carets and a
 * per-user undo stack (only my own changes are undone).
 */
import { baseKeymap } from 'prosemirror-commands'
import { keymap } from 'prosemirror-keymap'
import { EditorState } from 'prosemirror-state'
import { EditorView } from 'prosemirror-view'
import { redo, undo, yCursorPlugin, ySyncPlugin, yUndoPlugin } from 'y-prosemirror'
import type { Awareness } from 'y-protocols/awareness'
import type * as Y from 'yjs'
import { schema } from '../../shared/schema.ts'

/** Creates an editor in `mount` editing `fragment`, showing the carets in `awareness`. */
export function createEditor(mount: HTMLElement, fragment: Y.XmlFragment, awareness: Awareness): EditorView {
  const state = EditorState.create({
    schema,
    plugins: [
      ySyncPlugin(fragment),
      yCursorPlugin(awareness),
      yUndoPlugin(),
      keymap({ 'Mod-z': undo, 'Mod-y': redo, 'Mod-Shift-z': redo }),
      keymap(baseKeymap),
    ],
  })
  return new EditorView(mount, { state })
}
