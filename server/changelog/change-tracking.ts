/**
 * Hocuspocus extension: turns every applied document update into a {@link DocumentChange} for the
 * features that follow changes (change log, documents registry, automatic versions, webhooks).
 *
 * Updates replayed from the store or relayed from another server instance are not new changes
 * and are skipped; they were tracked where they happened.
 */
import { shouldSkipStoreHooks, type Extension, type onChangePayload } from '@hocuspocus/server'
import * as decoding from 'lib0/decoding'
import * as Y from 'yjs'
import { LOAD_ORIGIN } from '../storage/persistence.ts'
import type { Author } from '../api/document-registry.ts'

/** One applied update. */
export interface DocumentChange {
  document: string
  /** The live document, after the update. */
  ydoc: Y.Doc
  at: Date
  user: Author | null
  bytes: number
  /** Yjs client ids whose structs the update carries. */
  clients: number[]
}

/** Receives changes; must not throw (errors are the listener's to log). */
export type ChangeListener = (change: DocumentChange) => void

/** Reads the user of a Hocuspocus context: connections and direct connections both carry `user`. */
export function contextUser(context: unknown): Author | null {
  const user = (context as { user?: { id?: unknown; name?: unknown } } | null | undefined)?.user
  if (!user || typeof user.id !== 'string') return null
  return { id: user.id, name: typeof user.name === 'string' ? user.name : user.id }
}

/** Creates the extension, calling every listener for each tracked change. */
export function changeTracking(listeners: readonly ChangeListener[]): Extension {
  return {
    extensionName: 'change-tracking',
    async onChange({ documentName, document, update, context, transactionOrigin }: onChangePayload) {
      if (transactionOrigin === LOAD_ORIGIN || shouldSkipStoreHooks(transactionOrigin)) return
      const change: DocumentChange = {
        document: documentName,
        ydoc: document,
        at: new Date(),
        user: contextUser(context),
        bytes: update.byteLength,
        clients: updateClients(update),
      }
      for (const listener of listeners) listener(change)
    },
  }
}

/** Client ids that inserted content in `update` (deletions alone carry no structs). */
export function updateClients(update: Uint8Array): number[] {
  try {
    // A v1 update starts with its number of client blocks, then each block with its number of
    // structs and its client id. A keystroke's update has one block: read the id from there rather
    // than decoding every struct once more (the update was already decoded to check and apply it).
    const decoder = decoding.createDecoder(update)
    const blocks = decoding.readVarUint(decoder)
    if (blocks === 0) return []
    if (blocks === 1) {
      decoding.readVarUint(decoder)
      return [decoding.readVarUint(decoder)]
    }
    return [...Y.parseUpdateMeta(update).to.keys()]
  } catch {
    return []
  }
}
