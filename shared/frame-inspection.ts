/**
 * Full decoding of a client-to-server Hocuspocus frame before the server acts on it.
 *
 * Hocuspocus decodes frames lazily while handling them, so a truncated or bit-flipped frame
 * fails somewhere in the middle (after hooks ran, sometimes after part of it was applied) and is
 * answered with a generic reset. Here every field of every message type a client may send is
 * decoded up front, with each variable-length field bounded, and anything left over is an error:
 * the caller closes with one specific code (`malformed-message` or `update-too-large`).
 *
 * Wire format: `varString address` (`documentName` or `documentName\0sessionId`), `varUint type`,
 * then the type's payload (see @hocuspocus/server `MessageReceiver`, y-protocols sync/awareness).
 */
import * as decoding from 'lib0/decoding'
import { checkUpdateBounds, type UpdateBounds } from './update-bounds.ts'

/** Hocuspocus message types (the numbering of @hocuspocus/server `MessageType`). */
export const MESSAGE_TYPES = {
  sync: 0,
  awareness: 1,
  auth: 2,
  queryAwareness: 3,
  syncReply: 4,
  stateless: 5,
  broadcastStateless: 6,
  close: 7,
  syncStatus: 8,
} as const

/** y-protocols sync sub-types. */
export const SYNC_TYPES = { step1: 0, step2: 1, update: 2 } as const

/** Hocuspocus auth sub-types. */
export const AUTH_TYPES = { token: 0, permissionDenied: 1, authenticated: 2 } as const

/** Field bounds of {@link inspectFrame}. */
export interface FrameBounds extends UpdateBounds {
  /** Longest address (document name plus optional session id), bytes. */
  maxAddressBytes: number
  /** Longest token in an auth message, bytes. */
  maxTokenBytes: number
  /** Largest awareness update, bytes. */
  maxAwarenessBytes: number
  /** Most client states in one awareness update. */
  maxAwarenessStates: number
  /** Largest stateless payload, bytes. */
  maxStatelessBytes: number
  /** Most entries in a sync-step-1 state vector. */
  maxStateVectorEntries: number
}

/** A frame that decoded completely. `update` is the Yjs update a sync step 2 / update carries. */
export interface InspectedFrame {
  ok: true
  address: string
  type: number
  /** Sync sub-type for sync frames. */
  syncType?: number
  update?: Uint8Array
}

/** A frame refused: `malformed` (does not decode) or `too-large` (a Yjs update over its bounds). */
export interface RefusedFrame {
  ok: false
  kind: 'malformed' | 'too-large'
  detail: string
}

/** Thrown inside the decoder for a field that breaks a bound; becomes a `malformed` verdict. */
class FrameError extends Error {}

/** Decodes `frame` completely, or says why not. Never throws. */
export function inspectFrame(frame: Uint8Array, bounds: FrameBounds): InspectedFrame | RefusedFrame {
  try {
    const decoder = decoding.createDecoder(frame)
    const address = readBoundedString(decoder, bounds.maxAddressBytes, 'address')
    if (address === '') throw new FrameError('empty address')
    const type = decoding.readVarUint(decoder)
    const result: InspectedFrame = { ok: true, address, type }
    switch (type) {
      case MESSAGE_TYPES.sync:
      case MESSAGE_TYPES.syncReply: {
        const syncType = decoding.readVarUint(decoder)
        result.syncType = syncType
        if (syncType === SYNC_TYPES.step1) {
          readStateVector(decoding.readVarUint8Array(decoder), bounds.maxStateVectorEntries)
        } else if (syncType === SYNC_TYPES.step2 || syncType === SYNC_TYPES.update) {
          const update = decoding.readVarUint8Array(decoder)
          const problem = checkUpdateBounds(update, bounds)
          if (problem) return { ok: false, kind: problem.kind, detail: problem.detail }
          result.update = update
        } else {
          throw new FrameError(`unknown sync type ${syncType}`)
        }
        break
      }
      case MESSAGE_TYPES.awareness: {
        const update = decoding.readVarUint8Array(decoder)
        if (update.byteLength > bounds.maxAwarenessBytes) throw new FrameError(`awareness update over ${bounds.maxAwarenessBytes} bytes`)
        readAwareness(update, bounds.maxAwarenessStates)
        break
      }
      case MESSAGE_TYPES.auth: {
        const authType = decoding.readVarUint(decoder)
        if (authType !== AUTH_TYPES.token) throw new FrameError(`clients only send auth type ${AUTH_TYPES.token}`)
        readBoundedString(decoder, bounds.maxTokenBytes, 'token')
        // Newer providers append their version.
        if (decoding.hasContent(decoder)) readBoundedString(decoder, 64, 'provider version')
        break
      }
      case MESSAGE_TYPES.queryAwareness:
      case MESSAGE_TYPES.close:
        break
      case MESSAGE_TYPES.stateless:
        readBoundedString(decoder, bounds.maxStatelessBytes, 'stateless payload')
        break
      default:
        // broadcastStateless is server-internal; sync-status and the rest are server-to-client.
        throw new FrameError(`message type ${type} is not sent by clients`)
    }
    if (decoding.hasContent(decoder)) throw new FrameError(`${frame.byteLength - decoder.pos} trailing bytes`)
    return result
  } catch (error) {
    return { ok: false, kind: 'malformed', detail: error instanceof FrameError ? error.message : describeDecodeError(error) }
  }
}

/**
 * The message type of a server-to-client frame, read without decoding its address (this runs for
 * every frame of every broadcast); -1 when it does not decode.
 */
export function peekOutgoingType(frame: Uint8Array): number {
  try {
    const decoder = decoding.createDecoder(frame)
    // Read the length first: `pos += read()` would add to the position from before the read.
    const addressBytes = decoding.readVarUint(decoder)
    decoder.pos += addressBytes
    return decoding.readVarUint(decoder)
  } catch {
    return -1
  }
}

/** Reads the address of a server-to-client frame and, for auth frames, the auth sub-type. */
export function peekOutgoing(frame: Uint8Array): { address: string; type: number; authType?: number } | null {
  try {
    const decoder = decoding.createDecoder(frame)
    const address = decoding.readVarString(decoder)
    const type = decoding.readVarUint(decoder)
    if (type !== MESSAGE_TYPES.auth) return { address, type }
    return { address, type, authType: decoding.readVarUint(decoder) }
  } catch {
    return null
  }
}

// One decoder for every frame: a non-streaming `decode` keeps no state between calls.
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true })

function readBoundedString(decoder: decoding.Decoder, maxBytes: number, what: string): string {
  const start = decoder.pos
  const length = decoding.readVarUint(decoder)
  if (length > maxBytes) throw new FrameError(`${what} over ${maxBytes} bytes`)
  if (length > decoder.arr.length - decoder.pos) throw new FrameError(`${what} truncated`)
  decoder.pos = start
  const bytes = decoding.readVarUint8Array(decoder)
  try {
    return STRICT_UTF8.decode(bytes)
  } catch {
    throw new FrameError(`${what} is not UTF-8`)
  }
}

function readStateVector(bytes: Uint8Array, maxEntries: number): void {
  const decoder = decoding.createDecoder(bytes)
  const entries = decoding.readVarUint(decoder)
  if (entries > maxEntries) throw new FrameError(`state vector has ${entries} entries, over ${maxEntries}`)
  for (let i = 0; i < entries; i++) {
    decoding.readVarUint(decoder)
    decoding.readVarUint(decoder)
  }
  if (decoding.hasContent(decoder)) throw new FrameError('trailing bytes in state vector')
}

function readAwareness(bytes: Uint8Array, maxStates: number): void {
  const decoder = decoding.createDecoder(bytes)
  const states = decoding.readVarUint(decoder)
  if (states > maxStates) throw new FrameError(`awareness update has ${states} states, over ${maxStates}`)
  for (let i = 0; i < states; i++) {
    decoding.readVarUint(decoder) // client id
    decoding.readVarUint(decoder) // clock
    const json = readBoundedString(decoder, bytes.byteLength, 'awareness state')
    let state: unknown
    try {
      state = JSON.parse(json)
    } catch {
      throw new FrameError('awareness state is not JSON')
    }
    // y-protocols stores `null` (gone) or an object; anything else breaks its consumers.
    if (state !== null && (typeof state !== 'object' || Array.isArray(state))) throw new FrameError('awareness state is not an object')
  }
  if (decoding.hasContent(decoder)) throw new FrameError('trailing bytes in awareness update')
}

function describeDecodeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  return `does not decode (${message.slice(0, 60)})`
}
