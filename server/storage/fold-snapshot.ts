/**
 * Folding a document's stored log into a snapshot without ever losing what another writer stored.
 *
 * With several server processes on one database (scale-out), the process compacting a document
 * may not have received every update another process appended (Redis lag or outage). Replacing
 * the stored state with its in-memory copy would truncate the document, so a snapshot is always
 * the merge of what is stored and what the compacting process holds: Yjs updates are a
 * state-based CRDT, so merging is idempotent and order-independent.
 */
import * as Y from 'yjs'

/** Merges the stored snapshot, the stored log and `state` into one update (the new snapshot). */
export function foldSnapshot(storedSnapshot: Uint8Array | null, storedLog: readonly Uint8Array[], state: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = []
  if (storedSnapshot && storedSnapshot.byteLength > 0) parts.push(storedSnapshot)
  parts.push(...storedLog, state)
  return parts.length === 1 ? state : Y.mergeUpdates(parts)
}
