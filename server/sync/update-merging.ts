/**
 * A burst of one client's update frames, read together, is handed to Hocuspocus as one update.
 *
 * Hocuspocus applies every update message in a Yjs transaction of its own and then runs, for each,
 * its observers, the update event, the hooks (validation, change tracking, the store's hand-off),
 * the broadcast merge and an acknowledgement. For a keystroke that is ~30 µs of main-thread work
 * around a few microseconds of integrating one character; typed at full speed (a replay, a paste
 * sent character by character, a client catching up), a TCP read holds dozens of such frames. The
 * channel guard collects the consecutive update frames of one authenticated document that it
 * admits in one task, and hands them on as a single frame carrying `Y.mergeUpdates` of them:
 * applying the merged update is applying them in order (Yjs's own guarantee), in one transaction.
 *
 * What each client frame was owed still happens:
 * - Every frame was decoded and bounds-checked on its own before merging (channel-guard.ts).
 * - Acknowledgements: the provider counts one per update it sent ("Saved" is when none is owed),
 *   so the merged frame's acknowledgement goes out once per frame it merged
 *   ({@link mergedUpdateAcks}, {@link AckRepeater}).
 * - Validation: if the merged update is refused, the frames before the offending one are applied
 *   one by one as before (content-validation.ts, {@link mergedUpdatesOf}), so a refusal loses no
 *   valid keystroke.
 */
import type { Extension, beforeHandleMessagePayload, afterHandleMessagePayload } from '@hocuspocus/server'
import * as encoding from 'lib0/encoding'
import * as Y from 'yjs'
import { MESSAGE_TYPES, SYNC_TYPES } from '../../shared/frame-inspection.ts'

/**
 * Most bytes of updates merged into one frame. Keystrokes are tens of bytes; a big paste gains
 * nothing from merging and would only make one large transaction, broadcast and store row.
 */
export const MAX_MERGED_UPDATE_BYTES = 64 * 1024

/** The client updates a merged frame stands for, in the order they were sent. */
const mergedFrames = new WeakMap<Uint8Array, readonly Uint8Array[]>()

/** A sync-update frame for `address` carrying `updates` merged; remembered as standing for them. */
export function mergedUpdateFrame(address: string, updates: readonly Uint8Array[]): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarString(encoder, address)
  encoding.writeVarUint(encoder, MESSAGE_TYPES.sync)
  encoding.writeVarUint(encoder, SYNC_TYPES.update)
  encoding.writeVarUint8Array(encoder, Y.mergeUpdates(updates as Uint8Array[]))
  const frame = encoding.toUint8Array(encoder)
  mergedFrames.set(frame, updates)
  return frame
}

/** The client updates `frame` merged, or `undefined` for a frame as the client sent it. */
export function mergedUpdatesOf(frame: Uint8Array): readonly Uint8Array[] | undefined {
  return mergedFrames.get(frame)
}

/** A connection's socket that can send the next acknowledgement for an address several times. */
export interface AckRepeater {
  /** The next sync-status message for `address` goes out `copies` times. */
  repeatNextAck(address: string, copies: number): void
  /** Forgets a repeat the message did not use (no acknowledgement was sent). */
  clearAckRepeat(address: string): void
}

function isAckRepeater(socket: unknown): socket is AckRepeater {
  return typeof (socket as Partial<AckRepeater> | null)?.repeatNextAck === 'function'
}

/**
 * Hocuspocus extension: a merged frame's acknowledgement counts once per frame it stands for.
 * Last of the `beforeHandleMessage` hooks, so a refusal by an earlier one leaves nothing armed.
 */
export function mergedUpdateAcks(): Extension {
  return {
    extensionName: 'merged-update-acks',
    priority: -1000,
    async beforeHandleMessage({ connection, update }: beforeHandleMessagePayload) {
      const updates = mergedFrames.get(update)
      if (updates && isAckRepeater(connection.webSocket)) connection.webSocket.repeatNextAck(connection.messageAddress, updates.length)
    },
    async afterHandleMessage({ connection, update }: afterHandleMessagePayload) {
      if (mergedFrames.has(update) && isAckRepeater(connection.webSocket)) connection.webSocket.clearAckRepeat(connection.messageAddress)
    },
  }
}
