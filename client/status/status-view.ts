/**
 * The always-visible status indicator: offline / connecting / unreachable (with "Retry now") /
 * syncing / saving / "All changes saved" with the time / refusals, and a warning when this
 * browser cannot keep documents (IndexedDB failed) [STAT1-STAT4, OFF4].
 *
 * Changing the indicator's text is not free: in a long document every text change in the page
 * costs the frame it lands in several milliseconds (measured with bench/profile-browser.ts: about
 * 4 ms per frame at 5,000 paragraphs), and a server acknowledging each keystroke would flip
 * "Saving…" and "All changes saved" twice per keystroke. So the DOM is written only where it
 * changes, and while someone types the indicator keeps "Saving…" until the typing has paused for
 * {@link SAVED_AFTER_PAUSE_MS}: it may say "Saving…" a moment longer than needed, never "saved"
 * too early [STAT1, STAT5].
 */
import { clientSettings } from '../settings.ts'
import type { OpenDocument } from '../sync/open-document.ts'
import { describeStatus, type StatusFacts } from './describe-status.ts'
import type { SaveTracker } from './save-tracker.ts'

/** How long after the last local change "All changes saved" may replace "Saving…". */
export const SAVED_AFTER_PAUSE_MS = 1_000

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
  let lastPending = saves.pendingChanges
  let lastLocalChangeAt = -Infinity
  let shownState: string | undefined
  let settleTimer: ReturnType<typeof setTimeout> | null = null
  const render = () => {
    if (saves.pendingChanges > lastPending) lastLocalChangeAt = performance.now()
    lastPending = saves.pendingChanges
    let view = describeStatus(facts())
    const sincePause = performance.now() - lastLocalChangeAt
    if (view.state === 'saved' && shownState === 'saving' && sincePause < SAVED_AFTER_PAUSE_MS) {
      // Still typing: keep "Saving…" (true a moment ago, and soon again); look again after the pause.
      view = { state: 'saving', text: 'Saving…', canRetry: false }
      if (settleTimer === null) {
        settleTimer = setTimeout(() => {
          settleTimer = null
          render()
        }, SAVED_AFTER_PAUSE_MS - sincePause)
      }
    }
    shownState = view.state
    setData(element, 'state', view.state)
    setData(element, 'pending', String(saves.pendingChanges))
    setText(text, view.text)
    setHidden(retry, !view.canRetry)
    setData(element, 'transport', opened.transport.current)
    const overHttp = opened.transport.current === 'http' && opened.socket.status === 'connected'
    setHidden(transport, !overHttp)
    setText(transport, overHttp ? describeFallback(opened.transport.reason) : '')
    const storeFailed = opened.local.state === 'failed'
    setData(element, 'localStore', opened.local.state)
    setHidden(storeWarning, !storeFailed)
    setText(storeWarning, storeFailed ? `This browser is not keeping a copy on this device (${opened.local.error ?? 'IndexedDB unavailable'}).` : '')
  }
  const unsubscribers = [saves.onChange(render), opened.onConnectionChange(render), opened.local.onChange(render)]
  window.addEventListener('online', render)
  window.addEventListener('offline', render)
  render()
  return () => {
    if (settleTimer !== null) clearTimeout(settleTimer)
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

/** DOM writes that happen only when the value changes (an equal write still costs a frame work). */
function setText(node: HTMLElement, value: string): void {
  if (node.textContent !== value) node.textContent = value
}

function setData(node: HTMLElement, key: string, value: string): void {
  if (node.dataset[key] !== value) node.dataset[key] = value
}

function setHidden(node: HTMLElement, hidden: boolean): void {
  if (node.hidden !== hidden) node.hidden = hidden
}
