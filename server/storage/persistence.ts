/**
 * Hocuspocus extension: documents load from the store on first open, and every change is appended
 * to the store's update log the moment it is applied (see {@link DurableWriter}); the log is
 * folded into a snapshot in the background and when the document unloads.
 */
import { shouldSkipStoreHooks, type Extension, type onLoadDocumentPayload, type beforeUnloadDocumentPayload } from '@hocuspocus/server'
import * as Y from 'yjs'
import type { DocumentStore } from './document-store.ts'
import type { DurableWriter } from './durable-writer.ts'

/** Transaction origin of state applied from the store, so it is not written back. */
export const LOAD_ORIGIN = Symbol('loaded-from-store')

/** Tunables for {@link persistence}. */
export interface PersistenceOptions {
  /** Fold the log into a snapshot once it holds this many updates. Default 500. */
  compactAfterUpdates?: number
  /** Delay between reaching the threshold and compacting, so bursts coalesce. Default 1,000 ms. */
  compactionDelayMs?: number
}

/** Creates the persistence extension. */
export function persistence(store: DocumentStore, writer: DurableWriter, options: PersistenceOptions = {}): Extension {
  const compactAfterUpdates = options.compactAfterUpdates ?? 500
  const compactionDelayMs = options.compactionDelayMs ?? 1_000
  // Per loaded document: updates in the log since the last snapshot, and a pending compaction timer.
  const logLength = new Map<Y.Doc, number>()
  const timers = new Map<Y.Doc, NodeJS.Timeout>()

  const compact = (name: string, document: Y.Doc) => {
    clearTimeout(timers.get(document))
    timers.delete(document)
    // Everything in `document` was enqueued before this snapshot, so the snapshot covers it.
    writer.enqueue({ kind: 'snapshot', document: name, state: Y.encodeStateAsUpdate(document) })
    logLength.set(document, 0)
  }

  return {
    extensionName: 'persistence',

    async onLoadDocument({ document, documentName }: onLoadDocumentPayload) {
      // A document unloaded and reopened quickly may still have writes in flight; read after them.
      await writer.whenDurable()
      const stored = await store.load(documentName)
      if (stored) {
        document.transact(() => {
          if (stored.snapshot) Y.applyUpdate(document, stored.snapshot)
          for (const update of stored.updates) Y.applyUpdate(document, update)
        }, LOAD_ORIGIN)
      }
      logLength.set(document, stored?.updates.length ?? 0)
      // Registered synchronously on the Y.Doc (not through the async onChange hook) so the append
      // is queued before Hocuspocus sends the sender its acknowledgement.
      document.on('update', (update: Uint8Array, origin: unknown) => {
        if (origin === LOAD_ORIGIN || shouldSkipStoreHooks(origin)) return
        writer.enqueue({ kind: 'append', document: documentName, update })
        const length = (logLength.get(document) ?? 0) + 1
        logLength.set(document, length)
        if (length >= compactAfterUpdates && !timers.has(document)) {
          timers.set(document, setTimeout(() => compact(documentName, document), compactionDelayMs))
        }
      })
      if ((stored?.updates.length ?? 0) >= compactAfterUpdates) compact(documentName, document)
    },

    async beforeUnloadDocument({ document, documentName }: beforeUnloadDocumentPayload) {
      if ((logLength.get(document) ?? 0) > 0) compact(documentName, document)
      clearTimeout(timers.get(document))
      timers.delete(document)
      logLength.delete(document)
    },
  }
}
