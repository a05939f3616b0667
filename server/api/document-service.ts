/**
 * Reading and changing documents from the server side, through Hocuspocus direct connections:
 * a change made here is an ordinary CRDT update, so it is stored, acknowledged durably, merged
 * with concurrent edits and broadcast to connected editors like any other.
 */
import type { Hocuspocus } from '@hocuspocus/server'
import * as Y from 'yjs'
import type { DocumentStore } from '../storage/document-store.ts'
import type { DurableWriter } from '../storage/durable-writer.ts'
import type { Author, DocumentRegistry } from './document-registry.ts'

/** Options for {@link DocumentService}. */
export interface DocumentServiceOptions {
  hocuspocus: Hocuspocus
  store: DocumentStore
  writer: DurableWriter
  registry: DocumentRegistry
}

/** Server-side access to document content. */
export class DocumentService {
  private readonly options: DocumentServiceOptions

  constructor(options: DocumentServiceOptions) {
    this.options = options
  }

  /** True when `name` is registered, loaded or stored (and not deleted). */
  async exists(name: string): Promise<boolean> {
    const { registry, hocuspocus, store } = this.options
    if (registry.isDeleted(name)) return false
    if (hocuspocus.documents.has(name)) return true
    if (await registry.get(name)) return true
    return (await store.load(name)) !== null
  }

  /** Runs `read` on the current state of `name` (loading it if needed) and returns its result. */
  async read<T>(name: string, read: (ydoc: Y.Doc) => T): Promise<T> {
    const connection = await this.options.hocuspocus.openDirectConnection(name, {})
    try {
      return read(connection.document!)
    } finally {
      await connection.disconnect()
    }
  }

  /**
   * Applies `change` to `name` as one transaction made by `user`, and resolves once the update
   * is durable in the store. Returns what `change` returned.
   */
  async change<T>(name: string, user: Author, change: (ydoc: Y.Doc) => T): Promise<T> {
    const connection = await this.options.hocuspocus.openDirectConnection(name, { user })
    let result!: T
    try {
      await connection.transact((document) => {
        result = change(document)
      })
    } finally {
      await connection.disconnect()
    }
    await this.options.writer.whenDurable()
    return result
  }

  /**
   * Like {@link change}, and also returns the state just before the change and the exact Yjs
   * update it produced (`null` when it changed nothing).
   */
  async changeCapturing(name: string, user: Author, change: (ydoc: Y.Doc) => void): Promise<{ before: Uint8Array; update: Uint8Array | null }> {
    const connection = await this.options.hocuspocus.openDirectConnection(name, { user })
    const ydoc = connection.document!
    let update: Uint8Array | null = null
    const capture = (bytes: Uint8Array) => {
      update = bytes
    }
    // Nothing runs between reading `before` and the transaction: both are synchronous.
    const before = Y.encodeStateAsUpdate(ydoc)
    ydoc.on('update', capture)
    try {
      await connection.transact((document) => change(document))
    } finally {
      ydoc.off('update', capture)
      await connection.disconnect()
    }
    await this.options.writer.whenDurable()
    return { before, update }
  }

  /**
   * Closes every connection to `name`, waits until it is unloaded and written, then removes its
   * stored content. Reconnecting clients are refused by the tombstone the registry keeps.
   */
  async delete(name: string): Promise<void> {
    const { hocuspocus, store, writer } = this.options
    hocuspocus.closeConnections(name)
    const deadline = Date.now() + 10_000
    while (hocuspocus.documents.has(name) && Date.now() < deadline) {
      const document = hocuspocus.documents.get(name)
      if (document && document.getConnectionsCount() === 0) await hocuspocus.unloadDocument(document)
      else await new Promise((resolve) => setTimeout(resolve, 20))
    }
    // The unload may have queued a final compaction; it must land before the delete, not after.
    await writer.whenDurable()
    await store.delete(name)
  }
}
