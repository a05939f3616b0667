/**
 * Hocuspocus extension: an update that would add content outside the schema is refused before
 * it is applied, stored or broadcast (SPEC SEC8-SEC9).
 *
 * In `beforeHandleMessage` (which runs before Hocuspocus applies a message), the Yjs update of a
 * sync-step-2 or update message is accepted at once when it is plain typing (plain-typing.ts);
 * otherwise it is first applied to the document's {@link ShadowDocument} and what it adds is
 * checked against `shared/content-rules.ts`. On a problem the sender is told with
 * a permission-denied message `invalid-content: <detail>` (the provider's
 * `onAuthenticationFailed`; the editor shows it and stops reconnecting, as for any fatal
 * refusal), its socket is closed with 4415, and the hook throws so Hocuspocus drops the message.
 */
import type { Connection, Document, Extension, Hocuspocus, beforeHandleMessagePayload } from '@hocuspocus/server'
import * as encoding from 'lib0/encoding'
import { CLOSE_CODES, formatCloseReason, type CloseCode } from '../../shared/close-codes.ts'
import { AUTH_TYPES, MESSAGE_TYPES, SYNC_TYPES } from '../../shared/frame-inspection.ts'
import * as decoding from 'lib0/decoding'
import type { ChannelStats } from '../limits/channel-protection.ts'
import type { Logger } from '../log.ts'
import { ConnectionRefused } from '../auth/authentication.ts'
import { isPlainTyping } from './plain-typing.ts'
import { ShadowDocument, type ContentProblem } from './shadow-document.ts'
import { mergedUpdatesOf } from '../sync/update-merging.ts'
import * as Y from 'yjs'

/** Thrown from the hook: Hocuspocus closes the document connection with `code`/`reason`. */
export class ContentRejected extends ConnectionRefused {}

/** Creates the extension; refusals are counted in `stats` (the channel's counters) when given. */
export function contentValidation(log: Logger, stats?: ChannelStats): Extension {
  const shadows = new Map<string, ShadowDocument>()
  const shadowOf = new WeakMap<Document, ShadowDocument>()

  const shadowFor = (document: Document): ShadowDocument => {
    let shadow = shadowOf.get(document)
    if (!shadow) {
      shadows.get(document.name)?.destroy()
      shadow = new ShadowDocument(document, { alreadyChecked: isCheckedOrigin })
      shadowOf.set(document, shadow)
      shadows.set(document.name, shadow)
    }
    return shadow
  }

  return {
    extensionName: 'content-validation',
    // Before any other extension looks at the message.
    priority: 1000,
    async beforeHandleMessage({ document, connection, update: frame }: beforeHandleMessagePayload) {
      // Read-only connections' updates are dropped by Hocuspocus anyway.
      if (connection.readOnly) return
      const update = carriedUpdate(frame)
      if (!update) return
      const shadow = shadowFor(document)
      if (isPlainTyping(document, update)) {
        shadow.accepted(update)
        return
      }
      let problem = shadow.check(update)
      if (!problem) return
      const merged = mergedUpdatesOf(frame)
      if (merged) {
        // The channel guard merged this burst: apply what came before the offending update, as
        // if the updates had been handed on one by one, and refuse that one.
        problem = applyValidPrefix(document, connection, shadow, merged)
        // Each is fine on its own; Hocuspocus applies the merge (now known) and acknowledges it.
        if (!problem) return
      }
      const entry = problem.kind === 'malformed' ? CLOSE_CODES.malformedMessage : CLOSE_CODES.invalidContent
      log.warn({ document: document.name, problem: problem.detail }, 'update refused')
      if (stats) stats.refused[entry.reason] = (stats.refused[entry.reason] ?? 0) + 1
      refuse(connection, entry, problem.detail)
      throw new ContentRejected(entry, problem.detail)
    },
    async afterUnloadDocument({ documentName, instance }: { documentName: string; instance: Hocuspocus }) {
      // A document of the same name may already be loading again; only drop an orphaned shadow.
      if (instance.documents.has(documentName)) return
      shadows.get(documentName)?.destroy()
      shadows.delete(documentName)
    },
  }
}

/**
 * Hocuspocus applies a client's update in a transaction whose origin is `{ source: 'connection' }`.
 * Every such update passed `beforeHandleMessage` above (read-only connections apply nothing), so
 * the shadow already holds it.
 */
function isCheckedOrigin(origin: unknown): boolean {
  return typeof origin === 'object' && origin !== null && (origin as { source?: unknown }).source === 'connection'
}

/**
 * Applies `updates` in order, each checked as a lone update would be, up to the first refused one;
 * returns its problem, or `null` when every one is fine. Applied with the origin Hocuspocus gives a
 * connection's updates, so they are stored, tracked and broadcast like any other.
 */
function applyValidPrefix(document: Document, connection: Connection, shadow: ShadowDocument, updates: readonly Uint8Array[]): ContentProblem | null {
  for (const update of updates) {
    if (isPlainTyping(document, update)) {
      shadow.accepted(update)
    } else {
      const problem = shadow.check(update)
      if (problem) return problem
    }
    Y.applyUpdate(document, update, { source: 'connection', connection })
  }
  return null
}

/** Tells the client why and closes its socket, so a hostile client cannot keep sending. */
function refuse(connection: Connection, entry: CloseCode, detail: string): void {
  const reason = formatCloseReason(entry, detail)
  const encoder = encoding.createEncoder()
  encoding.writeVarString(encoder, connection.messageAddress)
  encoding.writeVarUint(encoder, MESSAGE_TYPES.auth)
  encoding.writeVarUint(encoder, AUTH_TYPES.permissionDenied)
  encoding.writeVarString(encoder, reason)
  connection.send(encoding.toUint8Array(encoder))
  connection.webSocket.close(entry.code, reason)
}

/** The Yjs update a client frame carries (sync step 2 or update), or `null`. Frames were fully decoded by the channel guard. */
function carriedUpdate(frame: Uint8Array): Uint8Array | null {
  try {
    const decoder = decoding.createDecoder(frame)
    decoding.readVarString(decoder)
    const type = decoding.readVarUint(decoder)
    if (type !== MESSAGE_TYPES.sync && type !== MESSAGE_TYPES.syncReply) return null
    const syncType = decoding.readVarUint(decoder)
    if (syncType !== SYNC_TYPES.step2 && syncType !== SYNC_TYPES.update) return null
    return decoding.readVarUint8Array(decoder)
  } catch {
    return null
  }
}
