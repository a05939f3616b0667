/**
 * The always-visible status indicator: offline / connecting / unreachable (with "Retry now") /
 * syncing / saving / "All changes saved" with the time / refusals, and a warning when this
 * browser cannot keep documents (IndexedDB failed) [STAT1-STAT4, OFF4].
 */
import { clientSettings } from '../settings.ts'
import type { OpenDocument } from '../sync/open-document.ts'
import { describeStatus, type StatusFacts } from './describe-status.ts'
import type { SaveTracker } from './save-tracker.ts'

/** Keeps `element` (text, `data-state`) and its retry button current; returns a disposer. */
export function bindStatus(element: HTMLElement, opened: OpenDocument, saves: SaveTracker): () => void {
  const text = document.createElement('span')
  text.className = 'status-text'
  const retry = document.createElement('button')
  retry.type = 'button'
  retry.className = 'status-retry'
  retry.textContent = 'Retry now'
  retry.addEventListener('click', () => opened.retryNow())
  const storeWarning = document.createElement('span')
  storeWarning.className = 'status-store-warning'
  // Which transport carries the connection, shown only when it is the HTTP fallback.
  const transport = document.createElement('span')
  transport.className = 'status-transport'
  element.replaceChildren(text, transport, retry, storeWarning)

  const facts = (): StatusFacts => ({
    browserOnline: navigator.onLine,
    socket: opened.socket.status as StatusFacts['socket'],
    failedAttempts: opened.failedAttempts,
    unreachableAfter: clientSettings().unreachableAfterFailures,
    synced: opened.provider.synced,
    pendingChanges: saves.pendingChanges,
    savedAt: saves.savedAt,
    localStore: opened.local.state,
    refusal: opened.refusal ? { kind: opened.refusal.kind, detail: opened.refusal.reason } : null,
  })
  const render = () => {
    const view = describeStatus(facts())
    element.dataset.state = view.state
    element.dataset.pending = String(saves.pendingChanges)
    text.textContent = view.text
    retry.hidden = !view.canRetry
    element.dataset.transport = opened.transport.current
    const overHttp = opened.transport.current === 'http' && opened.socket.status === 'connected'
    transport.hidden = !overHttp
    transport.textContent = overHttp ? describeFallback(opened.transport.reason) : ''
    const storeFailed = opened.local.state === 'failed'
    element.dataset.localStore = opened.local.state
    storeWarning.hidden = !storeFailed
    storeWarning.textContent = storeFailed ? `This browser is not keeping a copy on this device (${opened.local.error ?? 'IndexedDB unavailable'}).` : ''
  }
  const unsubscribers = [saves.onChange(render), opened.onConnectionChange(render), opened.local.onChange(render)]
  window.addEventListener('online', render)
  window.addEventListener('offline', render)
  render()
  return () => {
    unsubscribers.forEach((unsubscribe) => unsubscribe())
    window.removeEventListener('online', render)
    window.removeEventListener('offline', render)
  }
}

/** The words for the HTTP fallback, by why it is in use. */
function describeFallback(reason: string | null): string {
  if (reason === 'forced') return ' · via HTTP'
  const why = reason === 'websocket-dropping' ? 'WebSocket keeps dropping' : 'WebSocket blocked'
  return ` · via HTTP (${why})`
}
