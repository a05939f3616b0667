/**
 * Folding a document's stored log into a snapshot without ever losing what another writer stored,
 * and without paying for what this writer already holds.
 *
 * With several server processes on one database (scale-out), the process compacting a document
 * may not have received every update another process appended (Redis lag or outage). Replacing
 * the stored state with its in-memory copy would truncate the document, so a snapshot is always
 * the merge of what is stored and what the compacting process holds: Yjs updates are a
 * state-based CRDT, so merging is idempotent and order-independent.
 *
 * Merging is what compaction costs, though: `Y.mergeUpdates` over a log of thousands of one-
 * keystroke updates re-sorts its inputs per struct and took ~150 ms for a 5,000-entry log of the
 * automerge-paper document, blocking the event loop each time a busy document compacted. Most of
 * the log is this process's own appends, which its `state` already holds, so {@link OwnWrites}
 * remembers them (and the snapshots this process wrote from its own state alone) and the fold
 * merges only what came from elsewhere. On one instance that is nothing: the new snapshot is
 * `state` itself.
 */
import { createHash } from 'node:crypto'
import * as Y from 'yjs'

/** A stored log entry: its sequence number in the store and its Yjs update. */
export interface LogEntry {
  seq: number
  data: Uint8Array
}

/**
 * What one store instance wrote itself, per document, as far as the writer's in-memory document
 * is known to hold it: the log entries it appended and the last snapshot it wrote from its own
 * state alone. Holds because the persistence layer is the only writer and appends every update
 * of the live document, compacts with the live document's whole state, and loads a document only
 * after its pending writes are durable (so a reloaded document holds what it wrote before).
 *
 * Changes are staged per write transaction ({@link OwnWrites.begin}) and kept only when it commits.
 */
export class OwnWrites {
  private readonly appended = new Map<string, Set<number>>()
  private readonly pureSnapshot = new Map<string, string>()

  /** Stages the notes of one write transaction; call `commit()` on the result after it committed. */
  begin(): OwnWritesBatch {
    return new OwnWritesBatch(this)
  }

  /** Forgets `document` (deleted). */
  forget(document: string): void {
    this.appended.delete(document)
    this.pureSnapshot.delete(document)
  }

  /** @internal Used by {@link OwnWritesBatch}. */
  isOwnEntry(document: string, seq: number): boolean {
    return this.appended.get(document)?.has(seq) ?? false
  }

  /** @internal */
  isOwnSnapshot(document: string, fingerprint: string): boolean {
    return this.pureSnapshot.get(document) === fingerprint
  }

  /** @internal */
  apply(appends: readonly [string, number][], folds: ReadonlyMap<string, string | null>): void {
    for (const [document, pure] of folds) {
      // The fold deleted every log entry stored before it, own or not.
      this.appended.delete(document)
      if (pure === null) this.pureSnapshot.delete(document)
      else this.pureSnapshot.set(document, pure)
    }
    for (const [document, seq] of appends) {
      let seqs = this.appended.get(document)
      if (!seqs) this.appended.set(document, (seqs = new Set()))
      seqs.add(seq)
    }
  }
}

/** The notes of one write transaction. */
export class OwnWritesBatch {
  private readonly owner: OwnWrites
  // Appends after a fold of the same document in this batch survive it; earlier ones do not.
  private appends: [string, number][] = []
  private readonly folds = new Map<string, string | null>()

  constructor(owner: OwnWrites) {
    this.owner = owner
  }

  /** Notes that this transaction appended entry `seq` of `document`. */
  appended(document: string, seq: number): void {
    this.appends.push([document, seq])
  }

  /**
   * The new snapshot of `document`: the merge of the stored snapshot, the stored log and `state`,
   * leaving out what this writer wrote itself (its `state` holds that already).
   */
  fold(document: string, storedSnapshot: Uint8Array | null, log: readonly LogEntry[], state: Uint8Array): Uint8Array {
    const ownInBatch = new Set(this.appends.filter(([name]) => name === document).map(([, seq]) => seq))
    const foldedBefore = this.folds.has(document)
    const parts: Uint8Array[] = []
    if (storedSnapshot && storedSnapshot.byteLength > 0) {
      const own = foldedBefore ? this.folds.get(document) === fingerprint(storedSnapshot) : this.owner.isOwnSnapshot(document, fingerprint(storedSnapshot))
      if (!own) parts.push(storedSnapshot)
    }
    for (const entry of log) {
      const own = ownInBatch.has(entry.seq) || (!foldedBefore && this.owner.isOwnEntry(document, entry.seq))
      if (!own) parts.push(entry.data)
    }
    const merged = parts.length === 0 ? state : Y.mergeUpdates([...parts, state])
    // Only a snapshot of this writer's state alone is known to be held by its document.
    this.folds.set(document, parts.length === 0 ? fingerprint(merged) : null)
    this.appends = this.appends.filter(([name]) => name !== document)
    return merged
  }

  /** Keeps this transaction's notes; call only after it committed. */
  commit(): void {
    this.owner.apply(this.appends, this.folds)
  }
}

/** Identifies a stored snapshot without keeping its bytes. */
function fingerprint(snapshot: Uint8Array): string {
  return createHash('sha1').update(snapshot).digest('base64')
}
