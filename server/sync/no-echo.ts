/**
 * Hocuspocus extension: a client's own update is not sent back to it.
 *
 * Hocuspocus 4 broadcasts each update (merged per event-loop turn) to every connection of the
 * document, the sender included. The sender already has it: applying the echo is an empty
 * transaction, but y-prosemirror still maps the selection for it (~1 ms a keystroke at 5,000
 * paragraphs in the browser), and the server writes one more frame per keystroke (a third of the
 * writes when two people edit a document). Here, when everything in a broadcast came from one
 * connection, that connection is left out.
 *
 * Hocuspocus has no option for this, so the document's (private) `broadcastUpdate` is wrapped,
 * and the origins of the updates it will send are collected in `afterTransaction`, which Yjs runs
 * before the `update` event that queues (or, past `flushMaxBytes`, immediately flushes) them. The
 * collected set is a superset of the batch's origins, so one origin in it means one in the batch.
 * If a Hocuspocus upgrade renames these internals, nothing is wrapped and echoes simply continue
 * (tests/sync.test.ts [SYNC3] would then fail).
 */
import { OutgoingMessage, type Document, type Extension } from '@hocuspocus/server'
import * as Y from 'yjs'
import type { DocumentBroadcast } from './broadcast-writes.ts'
import { everyLoadedDocument } from './document-extension.ts'
import { connectionOfOrigin } from './transaction-origin.ts'

interface BroadcastInternals {
  broadcastUpdate(update: Uint8Array): void
  broadcast: DocumentBroadcast
}

/** Creates the extension. */
export function noEcho(): Extension {
  return everyLoadedDocument('no-echo', leaveOutSender)
}

/** Wraps `document`'s broadcast of updates so a batch from one connection skips that connection. */
export function leaveOutSender(document: Document): void {
  const internals = document as unknown as Partial<BroadcastInternals>
  const original = internals.broadcastUpdate
  if (typeof original !== 'function' || typeof internals.broadcast !== 'function') return
  const origins = new Set<unknown>()
  document.on('afterTransaction', (transaction: Y.Transaction) => {
    if (changed(transaction)) origins.add(connectionOfOrigin(transaction.origin))
  })
  internals.broadcastUpdate = function (this: Document, update: Uint8Array) {
    const only = origins.size === 1 ? [...origins][0] : null
    origins.clear()
    if (!only) return original.call(this, update)
    // The message Document.broadcastUpdate sends, to everyone but the sender, through the
    // document's `broadcast` as it is now (broadcast-writes.ts wraps it too).
    ;(this as unknown as BroadcastInternals).broadcast((address) => new OutgoingMessage(address).createSyncMessage().writeUpdate(update).toUint8Array(), (connection) => connection !== only)
  }
}

/** Whether Yjs will emit an `update` for `transaction` (the test Yjs itself applies). */
function changed(transaction: Y.Transaction): boolean {
  if (transaction.deleteSet.clients.size > 0) return true
  for (const [client, clock] of transaction.afterState) if (transaction.beforeState.get(client) !== clock) return true
  return false
}
