/**
 * The words on the status indicator, from the facts the editor knows. Pure, so every case is
 * unit-tested. "All changes saved" appears only when the server has acknowledged every local
 * change (and the server acknowledges only what is on disk) [STAT1].
 */
import { CLOSE_CODES } from '../../shared/close-codes.ts'

/** What the indicator is told. */
export interface StatusFacts {
  /** `navigator.onLine`: false means the browser knows it has no network. */
  browserOnline: boolean
  /** The WebSocket's state. */
  socket: 'connected' | 'connecting' | 'disconnected'
  /** Connection attempts that failed in a row since the last successful connection. */
  failedAttempts: number
  /** Failures in a row after which the server counts as unreachable. */
  unreachableAfter: number
  /** The sync handshake with the server has completed on this connection. */
  synced: boolean
  /** Local changes the server has not acknowledged yet. */
  pendingChanges: number
  /** When the server last acknowledged everything, or `null`. */
  savedAt: Date | null
  /** Whether local changes are kept in IndexedDB (`failed`: they are only in memory). */
  localStore: 'opening' | 'ready' | 'failed'
  /** A fatal refusal from the server, if any. */
  refusal: { kind: 'denied' | 'not-found'; detail: string } | null
}

/** One of the indicator's states (also its `data-state`). */
export type StatusState = 'offline' | 'connecting' | 'unreachable' | 'syncing' | 'saving' | 'saved' | 'denied' | 'not-found'

/** What the indicator shows. */
export interface StatusView {
  state: StatusState
  text: string
  /** Show the "Retry now" control. */
  canRetry: boolean
}

/** Derives the indicator from `facts`; `formatTime` renders the saved time. */
export function describeStatus(facts: StatusFacts, formatTime: (date: Date) => string = (date) => date.toLocaleTimeString()): StatusView {
  // The server refused a change as outside the schema (SEC8): not an access problem, say what it was.
  if (facts.refusal?.kind === 'denied' && facts.refusal.detail.startsWith(`${CLOSE_CODES.invalidContent.reason}:`)) {
    const why = facts.refusal.detail.slice(CLOSE_CODES.invalidContent.reason.length + 1).trim()
    return { state: 'denied', text: `Change refused by the server (${why})`, canRetry: false }
  }
  if (facts.refusal?.kind === 'denied') return { state: 'denied', text: `Access denied: ${facts.refusal.detail}`, canRetry: false }
  if (facts.refusal?.kind === 'not-found') return { state: 'not-found', text: `Document not found: ${facts.refusal.detail}`, canRetry: false }
  const kept = keptText(facts)
  if (!facts.browserOnline) return { state: 'offline', text: facts.pendingChanges > 0 ? `Offline: ${kept}` : 'Offline', canRetry: false }
  if (facts.socket !== 'connected') {
    if (facts.failedAttempts >= facts.unreachableAfter) {
      return { state: 'unreachable', text: `Server unreachable, retrying${facts.pendingChanges > 0 ? ` · ${kept}` : ''}`, canRetry: true }
    }
    return { state: 'connecting', text: facts.pendingChanges > 0 ? `Connecting… · ${kept}` : 'Connecting…', canRetry: false }
  }
  if (!facts.synced) return { state: 'syncing', text: 'Syncing…', canRetry: false }
  if (facts.pendingChanges > 0) return { state: 'saving', text: 'Saving…', canRetry: false }
  return { state: 'saved', text: facts.savedAt ? `All changes saved · ${formatTime(facts.savedAt)}` : 'All changes saved', canRetry: false }
}

function keptText(facts: StatusFacts): string {
  const changes = `${facts.pendingChanges} ${facts.pendingChanges === 1 ? 'change' : 'changes'}`
  return facts.localStore === 'failed' ? `${changes} only in this tab (this browser is not storing documents)` : `${changes} kept on this device`
}
