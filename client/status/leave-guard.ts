/**
 * Asks before the tab closes when a change would be lost: not yet acknowledged by the server
 * and not yet committed to IndexedDB (or IndexedDB is not working) [STAT3].
 */
import type { LocalStore } from '../offline/local-store.ts'
import type { SaveTracker } from './save-tracker.ts'

/** True when closing now would lose a change. */
export function wouldLoseChanges(saves: SaveTracker, local: LocalStore): boolean {
  return !saves.allAcknowledged && saves.pendingChanges > 0 && !local.flushed
}

/** Installs the `beforeunload` guard; returns a function removing it. */
export function guardUnsavedChanges(saves: SaveTracker, local: LocalStore): () => void {
  const onBeforeUnload = (event: BeforeUnloadEvent) => {
    if (!wouldLoseChanges(saves, local)) return
    event.preventDefault()
    // Older browsers need returnValue set to show the prompt.
    event.returnValue = ''
  }
  window.addEventListener('beforeunload', onBeforeUnload)
  return () => window.removeEventListener('beforeunload', onBeforeUnload)
}
