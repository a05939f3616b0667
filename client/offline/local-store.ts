/**
 * The device copy of a document (y-indexeddb), with two things y-indexeddb does not offer:
 * failures are reported (private mode, quota, a blocked database) instead of swallowed [OFF4],
 * and "is every local change committed to IndexedDB yet?" can be asked, so closing the tab
 * warns only when something would be lost [STAT3].
 *
 * y-indexeddb folds its update log into one snapshot every 500 updates (PREFERRED_TRIM_SIZE), so
 * the database stays bounded however long a document is edited offline [OFF3].
 */
import { IndexeddbPersistence } from 'y-indexeddb'
import type * as Y from 'yjs'

/** State of the device copy. */
export type LocalStoreState = 'opening' | 'ready' | 'failed'

/** A document's device copy. */
export interface LocalStore {
  readonly persistence: IndexeddbPersistence | null
  readonly state: LocalStoreState
  /** Why the store failed, when it did. */
  readonly error: string | null
  /** True when every local change so far is committed to IndexedDB. */
  readonly flushed: boolean
  /** Resolves once the stored content has been loaded into the Y.Doc (or the store failed). */
  readonly loaded: Promise<void>
  /** Subscribes to state and flush changes; returns an unsubscribe function. */
  onChange(listener: () => void): () => void
  /** Deletes the device copy (the document was deleted on the server); the Y.Doc keeps its content. */
  discard(): Promise<void>
  destroy(): void
}

/** Database name of document `name`'s device copy. */
export function localDatabaseName(name: string): string {
  return `collab:${name}`
}

/** Opens the device copy of `name` into `ydoc`. `isLocal` tells local edits from remote ones. */
export function openLocalStore(name: string, ydoc: Y.Doc, isLocal: (origin: unknown) => boolean): LocalStore {
  const listeners = new Set<() => void>()
  const notify = () => listeners.forEach((listener) => listener())
  let state: LocalStoreState = 'opening'
  let error: string | null = null
  let written = 0
  let committed = 0
  let probing = false

  const fail = (reason: unknown) => {
    if (state === 'failed') return
    state = 'failed'
    error = reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason)
    notify()
  }

  let persistence: IndexeddbPersistence | null = null
  try {
    persistence = new IndexeddbPersistence(localDatabaseName(name), ydoc)
    // y-indexeddb never catches its open promise: a refused database would vanish silently.
    ;(persistence as unknown as { _db: Promise<IDBDatabase> })._db.catch(fail)
  } catch (reason) {
    fail(reason)
  }
  // Writes that fail later (quota) reject promises y-indexeddb does not handle.
  const onRejection = (event: PromiseRejectionEvent) => {
    const reason = event.reason as { name?: unknown } | null
    if (reason && typeof reason === 'object' && ['QuotaExceededError', 'UnknownError', 'InvalidStateError', 'AbortError'].includes(String(reason.name))) {
      fail(reason)
    }
  }
  window.addEventListener('unhandledrejection', onRejection)

  const loaded = new Promise<void>((resolve) => {
    if (!persistence || state === 'failed') return resolve()
    void persistence.whenSynced.then(() => {
      if (state === 'opening') state = 'ready'
      notify()
      resolve()
    })
    listeners.add(() => state === 'failed' && resolve())
  })

  /**
   * IndexedDB runs transactions with overlapping scopes in order, so once a read of the updates
   * store opened after a write completes, that write is committed.
   */
  const probe = () => {
    const db = persistence?.db
    if (probing || !db || state === 'failed') return
    probing = true
    const target = written
    try {
      const transaction = db.transaction(['updates'], 'readonly')
      transaction.oncomplete = () => {
        probing = false
        committed = Math.max(committed, target)
        notify()
        if (committed < written) probe()
      }
      transaction.onerror = transaction.onabort = () => {
        probing = false
        fail(transaction.error ?? new Error('IndexedDB transaction failed'))
      }
    } catch (reason) {
      probing = false
      fail(reason)
    }
  }
  const onUpdate = (_update: Uint8Array, origin: unknown) => {
    if (!isLocal(origin) || origin === persistence) return
    written += 1
    notify()
    // y-indexeddb writes on the same 'update' event; probe after it has queued its write.
    queueMicrotask(probe)
  }
  ydoc.on('update', onUpdate)
  void loaded.then(probe)

  return {
    persistence,
    get state() {
      return state
    },
    get error() {
      return error
    },
    get flushed() {
      return state !== 'failed' && committed >= written
    },
    loaded,
    onChange(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    async discard() {
      ydoc.off('update', onUpdate)
      await persistence?.clearData()
    },
    destroy() {
      ydoc.off('update', onUpdate)
      window.removeEventListener('unhandledrejection', onRejection)
      listeners.clear()
      void persistence?.destroy()
    },
  }
}
