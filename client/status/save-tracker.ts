/**
 * Counts this tab's changes the server has not acknowledged, and remembers when everything was
 * last acknowledged. The provider's own counter restarts at every reconnect; this one keeps
 * counting offline edits until the server has acknowledged all of them [STAT1, STAT2].
 */
import type { OpenDocument } from '../sync/open-document.ts'

/** Live counts for the status indicator and the leave guard. */
export interface SaveTracker {
  /** Local changes made since the server last acknowledged everything. */
  readonly pendingChanges: number
  /** When the server last acknowledged everything (`null`: not yet in this tab). */
  readonly savedAt: Date | null
  /** True when the server has acknowledged every local change. */
  readonly allAcknowledged: boolean
  onChange(listener: () => void): () => void
  dispose(): void
}

/** Tracks acknowledgements for `opened`. */
export function trackSaves(opened: OpenDocument): SaveTracker {
  const { provider, socket, ydoc } = opened
  const listeners = new Set<() => void>()
  let pending = 0
  let savedAt: Date | null = null

  const acknowledged = () => socket.status === 'connected' && provider.synced && !provider.hasUnsyncedChanges
  const check = () => {
    if (acknowledged() && (pending > 0 || savedAt === null)) {
      pending = 0
      savedAt = new Date()
    }
    listeners.forEach((listener) => listener())
  }
  const onUpdate = (_update: Uint8Array, origin: unknown) => {
    if (!opened.isLocalOrigin(origin)) return
    pending += 1
    // The provider counted this change before us (it subscribed first); re-check anyway.
    check()
  }
  ydoc.on('update', onUpdate)
  provider.on('unsyncedChanges', check)
  provider.on('synced', check)
  provider.on('status', check)
  check()

  return {
    get pendingChanges() {
      return pending
    },
    get savedAt() {
      return savedAt
    },
    get allAcknowledged() {
      return pending === 0 && acknowledged()
    },
    onChange(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    dispose() {
      ydoc.off('update', onUpdate)
      provider.off('unsyncedChanges', check)
      provider.off('synced', check)
      provider.off('status', check)
      listeners.clear()
    },
  }
}
