/**
 * Restoring a version in the editor: the version's content replaces the document through an
 * ordinary ProseMirror transaction, so y-prosemirror turns it into a (diffed) Yjs change of this
 * user — it merges with others' concurrent edits, and the user's undo (Ctrl-Z) reverts it.
 */
import { Node as PMNode } from 'prosemirror-model'
import type { EditorView } from 'prosemirror-view'
import { yUndoPluginKey } from 'y-prosemirror'
import { schema } from '../../shared/schema.ts'

/** Replaces the editor's document with `content` (ProseMirror JSON of our schema), as one undo step. */
export function restoreInEditor(view: EditorView, content: unknown): void {
  const doc = PMNode.fromJSON(schema, content)
  // The undo manager merges changes made within its capture timeout into one step; a restore
  // right after typing must still be undone on its own.
  const undoManager = (yUndoPluginKey.getState(view.state) as { undoManager?: { stopCapturing(): void } } | undefined)?.undoManager
  undoManager?.stopCapturing()
  const { state } = view
  view.dispatch(state.tr.replaceWith(0, state.doc.content.size, doc.content).scrollIntoView())
  undoManager?.stopCapturing()
}
