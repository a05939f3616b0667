/**
 * The narrow storage contract every backend implements (SQLite, PostgreSQL); `store-contract.ts`
 * is the test suite each must pass.
 *
 * A document is stored as an optional snapshot (a full Yjs state update) plus an append-only log
 * of the updates since that snapshot. Appending is cheap and happens before a client's change is
 * acknowledged; folding the log into a new snapshot happens in the background.
 */

/** One write in a batch. Batches are applied atomically and in order. */
export type StoreOperation =
  /** Append one Yjs update to a document's log. */
  | { kind: 'append'; document: string; update: Uint8Array }
  /**
   * Fold the document's log into its snapshot together with `state` (a Yjs update holding the
   * whole document as the writer sees it). The new snapshot is the merge of the stored snapshot,
   * every stored log entry and `state`, written in the same transaction that reads them, so a
   * writer that has not seen everything stored (another instance's appends) can never truncate
   * the document. Log entries folded in are removed.
   *
   * `state` must hold every update this store instance appended for the document before this
   * operation (the live document's whole state does): a store merges in only what it did not
   * write itself (see `fold-snapshot.ts`), so a lone writer's snapshot costs no merge at all.
   */
  | { kind: 'snapshot'; document: string; state: Uint8Array }

/** What is stored for one document. */
export interface StoredDocument {
  snapshot: Uint8Array | null
  /** Log entries after the snapshot, oldest first. */
  updates: Uint8Array[]
}

/** Summary of a stored document, for listings. */
export interface DocumentSummary {
  name: string
  updatedAt: Date
}

/** A storage backend. Methods reject when the backend is unreachable; callers retry. */
export interface DocumentStore {
  /** Loads a document, or `null` if nothing was ever stored under `name`. */
  load(name: string): Promise<StoredDocument | null>
  /** Applies `operations` atomically, in order. Resolves once they are durable. */
  write(operations: readonly StoreOperation[]): Promise<void>
  /** Removes everything stored for `name`. */
  delete(name: string): Promise<void>
  /** Lists stored documents, most recently updated first. */
  list(): Promise<DocumentSummary[]>
  /** Cheap reachability check for readiness probes. */
  ping(): Promise<void>
  /** Releases the backend. */
  close(): Promise<void>
}
