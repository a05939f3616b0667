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

/** localStorage key remembering a document's unacknowledged count across reloads. */
function pendingKey(name: string): string {
  return `collab.pending.${name}`
}

/**
 * Tracks acknowledgements for `opened`. The count survives a reload (edits made offline before
 * it are still unacknowledged, and still on this device) until the server acknowledges them.
 */
export function trackSaves(opened: OpenDocument): SaveTracker {
  const { provider, socket, ydoc } = opened
  const listeners = new Set<() => void>()
  let pending = readPending(opened.name)
  let savedAt: Date | null = null
  let stored = pending
  let lowerTimer: ReturnType<typeof setTimeout> | null = null
  const store = (value: number) => {
    stored = value
    try {
      if (value === 0) localStorage.removeItem(pendingKey(opened.name))
      else localStorage.setItem(pendingKey(opened.name), String(value))
    } catch {
      // Storage refused (private mode): the count is only for this tab then.
    }
  }
  // A higher count is stored at once (a reload must not forget unacknowledged changes); a lower one
  // a second later, or when the page goes away: the server acknowledges each keystroke, and writing
  // then removing the key on every key cost ~0.5 ms a keystroke. Until then the stored count is
  // only too high, which a reload corrects as soon as the server confirms.
  const remember = () => {
    if (pending > stored) {
      store(pending)
    } else if (pending < stored && lowerTimer === null) {
      lowerTimer = setTimeout(() => {
        lowerTimer = null
        if (pending < stored) store(pending)
      }, 1_000)
    }
  }
  const storeNow = () => {
    if (pending !== stored) store(pending)
  }
  window.addEventListener('pagehide', storeNow)

  const acknowledged = () => socket.status === 'connected' && provider.synced && !provider.hasUnsyncedChanges
  const check = () => {
    if (acknowledged() && (pending > 0 || savedAt === null)) {
      pending = 0
      savedAt = new Date()
    }
    remember()
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
      if (lowerTimer !== null) clearTimeout(lowerTimer)
      storeNow()
      window.removeEventListener('pagehide', storeNow)
      ydoc.off('update', onUpdate)
      provider.off('unsyncedChanges', check)
      provider.off('synced', check)
      provider.off('status', check)
      listeners.clear()
    },
  }
}

function readPending(name: string): number {
  try {
    const value = Number(localStorage.getItem(pendingKey(name)) ?? 0)
    return Number.isSafeInteger(value) && value > 0 ? value : 0
  } catch {
    return 0
  }
}
