/**
 * Hocuspocus extension: a burst of updates goes to the readers as one broadcast, not one per
 * event-loop turn of it.
 *
 * Hocuspocus merges the updates applied in one turn and broadcasts them when the turn's I/O is
 * done (`flushDelay: 0`). The channel guard hands a connection's frames on at most 16 per turn so
 * other clients are read in between (SEC3); a burst that arrives in one TCP read (a fast typist's,
 * a paste's, a replay's hundreds of frames) was therefore broadcast once per turn, about every 32
 * frames, each broadcast a write to every reader. At 100 readers, 300 keystrokes typed at full
 * speed were 12 broadcasts here against bare Hocuspocus's 4 to 9.
 *
 * Here a document's scheduled broadcast waits, one turn at a time, while a burst into it
 * continues ({@link ContinuingBursts}) and everything waiting to go out came from connections in a
 * burst. It goes out once the bursts are handed on, as soon as an update from anyone else is among
 * it (another client's keystroke does not wait for a flooder's burst), when Hocuspocus's own byte
 * bound (`flushMaxBytes`) flushes the merged update anyway, or after {@link MAX_DEFERRED_TURNS}
 * turns. A throttled connection (one waiting for rate-limit tokens) is not in a burst.
 *
 * The other way round, an update that is the last its connection has queued (nothing more of it
 * this turn: its Hocuspocus message queue holds only this message and its guard holds nothing
 * back) is broadcast at once, with whatever else is pending, instead of after the rest of the
 * turn. A lone keystroke then reaches the readers before the work that follows it (the change
 * log, the store's hand-off, the hooks' promises): about 90 µs earlier of the ~460 µs from its
 * frame's arrival to the broadcast, measured at human rate, where each step runs on cold caches.
 * Updates that come from no client connection (the store, another instance) keep the per-turn
 * merge; the y-websocket endpoint's clients are Hocuspocus connections and are treated alike.
 *
 * Hocuspocus has no hook for this: the document's (private) `scheduleFlush` is replaced by the
 * same scheduling with the wait added. If an upgrade renames the internals, nothing is replaced
 * and broadcasts go out per turn as before (tests/sync.test.ts [SYNC4] would then fail).
 */
import type { Document, Extension } from '@hocuspocus/server'
import type * as Y from 'yjs'
import type { ContinuingBursts } from '../limits/continuing-bursts.ts'
import { everyLoadedDocument } from './document-extension.ts'
import { connectionOfOrigin } from './transaction-origin.ts'

/** Most turns a broadcast waits for a continuing burst (16 frames a turn: 256 frames). */
export const MAX_DEFERRED_TURNS = 16

interface FlushInternals {
  name: string
  flushDelay: number | false
  cancelFlush: (() => void) | null
  scheduleFlush(): void
  flush(): void
}

/** Creates the extension over the guards' `bursts`. */
export function burstCoalescing(bursts: ContinuingBursts): Extension {
  return everyLoadedDocument('burst-coalescing', (document) => deferBroadcastDuringBursts(document, bursts))
}

/** Makes `document`'s per-turn broadcast wait while `bursts` says a burst into it continues. */
export function deferBroadcastDuringBursts(document: Document, bursts: ContinuingBursts): void {
  const internals = document as unknown as Partial<FlushInternals>
  if (internals.flushDelay !== 0 || typeof internals.scheduleFlush !== 'function' || typeof internals.flush !== 'function' || !('cancelFlush' in internals)) return
  // Whether an update not from a connection in a burst waits in the pending broadcast.
  let othersWaiting = false
  // The origin of the update Hocuspocus is scheduling the broadcast of: Yjs emits
  // 'afterTransaction' before 'update', whose handler calls `scheduleFlush`. Cleared once used
  // and after every update, so a broadcast scheduled for presence never takes a stale one.
  let updateOrigin: unknown = null
  document.on('afterTransaction', (transaction: Y.Transaction) => {
    updateOrigin = transaction.origin
    if (!othersWaiting && !fromBurst(transaction.origin)) othersWaiting = true
  })
  document.on('update', () => {
    updateOrigin = null
  })
  internals.scheduleFlush = function (this: FlushInternals) {
    const origin = updateOrigin
    updateOrigin = null
    if (endsConnectionsTurn(origin)) {
      othersWaiting = false
      this.flush()
      return
    }
    if (this.cancelFlush !== null) return
    let deferred = 0
    let handle: NodeJS.Immediate
    const run = () => {
      if (deferred < MAX_DEFERRED_TURNS && !othersWaiting && bursts.continues(this.name)) {
        deferred++
        handle = setImmediate(run)
        return
      }
      this.cancelFlush = null
      othersWaiting = false
      this.flush()
    }
    handle = setImmediate(run)
    this.cancelFlush = () => clearImmediate(handle)
  }
}

/**
 * Whether a transaction came from a client connection with nothing more queued: the last message
 * in its Hocuspocus queue (the one being applied) and no frames held back by its guard.
 */
function endsConnectionsTurn(origin: unknown): boolean {
  const connection = connectionOfOrigin(origin)
  if (connection === null) return false
  const queue = (connection as unknown as { messageQueue?: unknown }).messageQueue
  return Array.isArray(queue) && queue.length <= 1 && !fromBurst(origin)
}

/** Whether a transaction came from a client connection that is in a burst (see channel-guard.ts). */
function fromBurst(origin: unknown): boolean {
  const connection = connectionOfOrigin(origin)
  return connection !== null && (connection.webSocket as { bursting?: unknown }).bursting === true
}
