/**
 * Which documents a burst is still feeding.
 *
 * A channel guard hands a connection's frames on at most `MAX_FRAMES_PER_TURN` per turn (SEC3).
 * From the turn it stops at that cap with frames still queued until the turn its queue drains (or
 * its rate limits hold it back), the connection is in a burst, and the documents the burst feeds
 * are marked here; their broadcast waits meanwhile (server/sync/burst-coalescing.ts), so a burst
 * goes to readers as one merged update instead of one per turn.
 */

/** Reference counts of the documents marked by guards (several guards may mark one document). */
export class ContinuingBursts {
  private readonly marks = new Map<string, number>()

  /** A burst feeds `document` and continues in the next turn. */
  mark(document: string): void {
    this.marks.set(document, (this.marks.get(document) ?? 0) + 1)
  }

  /** Takes back one {@link mark}. */
  unmark(document: string): void {
    const count = this.marks.get(document)
    if (count === undefined) return
    if (count <= 1) this.marks.delete(document)
    else this.marks.set(document, count - 1)
  }

  /** Whether some connection's burst into `document` continues. */
  continues(document: string): boolean {
    return this.marks.has(document)
  }
}

/** The document a frame's address names (`documentName` or `documentName\0sessionId`). */
export function documentOfAddress(address: string): string {
  const end = address.indexOf('\0')
  return end === -1 ? address : address.slice(0, end)
}
