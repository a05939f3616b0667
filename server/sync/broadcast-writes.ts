/**
 * Hocuspocus extension: a broadcast goes to its readers' sockets as soon as every connection has
 * been handed it, not when the rest of the event-loop tick's work is done.
 *
 * The shared-frame transport (shared-frame-socket.ts) holds each socket's first frame of a tick
 * until the tick ends, so that a broadcast's frames are written together, split with the fan-out
 * thread. But a keystroke's tick goes on after its broadcast: Hocuspocus's update hooks, the change
 * log, the store's hand-off, the held acknowledgement. Here the document's `broadcast`, which every
 * update and presence broadcast goes through, writes the frames it queued when it returns. Measured
 * with `node bench/fanout-phases.ts` (100 thin readers, one keystroke per 100 ms), the time from a
 * broadcast's end to its first write went from 42 µs at the median and 385 µs at the p99 to 1-2 µs.
 *
 * It also marks the broadcast's start and end for bench/fanout-phases.ts (fanout-phases.ts).
 *
 * Hocuspocus has no hook for this, so the document's `broadcast` is wrapped, as no-echo.ts wraps
 * `broadcastUpdate`. If an upgrade renames it, nothing is wrapped and frames go out at the end of
 * the tick as before (tests/sync.test.ts [SYNC4] would then fail).
 */
import type { Connection, Document, Extension } from '@hocuspocus/server'
import { everyLoadedDocument } from './document-extension.ts'
import { notePhase } from './fanout-phases.ts'
import { writeTickFramesNow } from './shared-frame-socket.ts'

/** Hocuspocus's (private) `Document.broadcast`: `encode` once per address, sent to every connection `filter` keeps. */
export type DocumentBroadcast = (encode: (address: string) => Uint8Array, filter?: (connection: Connection) => boolean) => void

interface BroadcastInternals {
  broadcast: DocumentBroadcast
}

/** Creates the extension. */
export function broadcastWrites(): Extension {
  return everyLoadedDocument('broadcast-writes', writeWhenBroadcast)
}

/** Makes `document`'s broadcasts write their frames as they return. */
export function writeWhenBroadcast(document: Document): void {
  const internals = document as unknown as Partial<BroadcastInternals>
  const original = internals.broadcast
  if (typeof original !== 'function') return
  internals.broadcast = function (this: Document, ...args: Parameters<DocumentBroadcast>) {
    notePhase('broadcast-start')
    original.apply(this, args)
    notePhase('broadcast-end')
    writeTickFramesNow()
  }
}
