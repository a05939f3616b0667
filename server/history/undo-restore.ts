/**
 * Undoing a restore on the server while keeping everything that happened since.
 *
 * A restore is one Yjs update `R` applied to state `C`. To undo it later, on top of the current
 * document `D = C + R + E` (E: later and concurrent edits), we rebuild `C + R` in a scratch
 * document with a Yjs `UndoManager` tracking `R`, bring in `E`, and let the undo manager revert
 * exactly `R` — the same operation as the user's own undo in the editor. What the undo produced
 * is returned as an update for the live document. Text inserted by the restore is removed, text
 * it removed comes back, and `E` stays.
 */
import * as Y from 'yjs'
import { BODY_FRAGMENT } from '../../shared/protocol.ts'

const RESTORE = Symbol('restore')

/**
 * The update that undoes `restoreUpdate` (applied to `before`) on `current`. Apply it to the
 * live document in one transaction. Returns `null` when there is nothing left to undo.
 */
export function undoRestoreUpdate(before: Uint8Array, restoreUpdate: Uint8Array, current: Y.Doc): Uint8Array | null {
  // No garbage collection, so content the restore deleted is still there to be brought back.
  const scratch = new Y.Doc({ gc: false })
  Y.applyUpdate(scratch, before)
  const undo = new Y.UndoManager(scratch.getXmlFragment(BODY_FRAGMENT), { trackedOrigins: new Set([RESTORE]), captureTimeout: 0 })
  Y.applyUpdate(scratch, restoreUpdate, RESTORE)
  Y.applyUpdate(scratch, Y.encodeStateAsUpdate(current, Y.encodeStateVector(scratch)))
  if (undo.undoStack.length === 0) return null
  undo.undo()
  undo.destroy()
  const update = Y.encodeStateAsUpdate(scratch, Y.encodeStateVector(current))
  scratch.destroy()
  return update
}
