/**
 * Which documents have frames of a burst held back to the next event-loop turn.
 *
 * A channel guard hands a connection's frames on at most `MAX_FRAMES_PER_TURN` per turn (SEC3). When it stops at that cap with frames still queued, it marks the documents it fed in
 * this turn until its next turn; the broadcast of those documents waits meanwhile
 * (server/sync/burst-coalescing.ts), so a burst goes to readers as one merged update instead of
 * one per turn.
 */

/** Reference counts of the documents marked by guards (several guards may mark one document). */
export class ContinuingBursts {
  private readonly marks = new Map<string, number>()

  /** A guard will hand on more frames for `document` in its next turn. */
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

  /** Whether some connection's burst into `document` continues in a later turn. */
  continues(document: string): boolean {
    return this.marks.has(document)
  }
}

/** The document a frame's address names (`documentName` or `documentName\0sessionId`). */
export function documentOfAddress(address: string): string {
  const end = address.indexOf('\0')
  return end === -1 ? address : address.slice(0, end)
}
