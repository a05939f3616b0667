/**
 * Bounds on a single Yjs update, checked before the update is applied anywhere.
 *
 * Yjs decodes an update into structs before integrating it, and a crafted update can claim far
 * more structure than an honest editor ever sends in one message (yjs#687: run-length encodings
 * and lengths that make the decoder or integration loop for a long time). Decoding a v1 update
 * consumes at least one byte per struct and per delete range, so the byte bound caps the work of
 * this check itself; the struct and delete-range bounds cap what integration would do with it.
 */
import * as Y from 'yjs'

/** Limits of {@link checkUpdateBounds}. */
export interface UpdateBounds {
  /** Largest update in bytes. */
  maxUpdateBytes: number
  /** Most structs (items, GC and skip ranges) one update may carry. */
  maxStructs: number
  /** Most delete-set ranges one update may carry. */
  maxDeleteRanges: number
}

/** Why an update was refused: it does not decode, or it is over a bound. */
export type UpdateProblem = { kind: 'malformed'; detail: string } | { kind: 'too-large'; detail: string }

/** Returns `null` when `update` decodes as a Yjs v1 update within `bounds`, else the problem. */
export function checkUpdateBounds(update: Uint8Array, bounds: UpdateBounds): UpdateProblem | null {
  if (update.byteLength > bounds.maxUpdateBytes) {
    return { kind: 'too-large', detail: `update of ${update.byteLength} bytes is over ${bounds.maxUpdateBytes}` }
  }
  let decoded: ReturnType<typeof Y.decodeUpdate>
  try {
    decoded = Y.decodeUpdate(update)
  } catch (error) {
    return { kind: 'malformed', detail: `update does not decode (${describe(error)})` }
  }
  if (decoded.structs.length > bounds.maxStructs) {
    return { kind: 'too-large', detail: `update has ${decoded.structs.length} structs, over ${bounds.maxStructs}` }
  }
  let ranges = 0
  for (const deletes of decoded.ds.clients.values()) ranges += deletes.length
  if (ranges > bounds.maxDeleteRanges) {
    return { kind: 'too-large', detail: `update has ${ranges} delete ranges, over ${bounds.maxDeleteRanges}` }
  }
  for (const struct of decoded.structs) {
    // Lengths and clocks past 2^53 lose precision and make integration arithmetic meaningless.
    if (!Number.isSafeInteger(struct.id.clock + struct.length) || struct.length < 0) {
      return { kind: 'malformed', detail: 'update has a struct with an impossible clock or length' }
    }
  }
  return null
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message.slice(0, 60) : 'unknown error'
}
