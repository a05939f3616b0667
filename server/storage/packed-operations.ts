/**
 * A batch of {@link StoreOperation}s as one buffer, for the hop to the store's worker thread.
 *
 * `postMessage` structured-clones a batch of hundreds of small updates object by object (7% of the
 * server's CPU replaying a trace: the clone, and marking each array for transfer). One buffer
 * built here is copied once and transferred, not cloned. Pure, no I/O.
 *
 * Layout (lib0 encoding): the number of operations, then per operation its kind (0 append,
 * 1 snapshot), the document name and the update or state bytes.
 */
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import type { StoreOperation } from './document-store.ts'

const APPEND = 0
const SNAPSHOT = 1

/** `operations` in one buffer (its own, never a view: it can be transferred). */
export function packOperations(operations: readonly StoreOperation[]): Uint8Array<ArrayBuffer> {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, operations.length)
  for (const operation of operations) {
    encoding.writeVarUint(encoder, operation.kind === 'append' ? APPEND : SNAPSHOT)
    encoding.writeVarString(encoder, operation.document)
    encoding.writeVarUint8Array(encoder, operation.kind === 'append' ? operation.update : operation.state)
  }
  return encoding.toUint8Array(encoder) as Uint8Array<ArrayBuffer>
}

/** The operations {@link packOperations} packed (their bytes are views into `packed`). */
export function unpackOperations(packed: Uint8Array): StoreOperation[] {
  const decoder = decoding.createDecoder(packed)
  const count = decoding.readVarUint(decoder)
  const operations: StoreOperation[] = []
  for (let i = 0; i < count; i++) {
    const kind = decoding.readVarUint(decoder)
    const document = decoding.readVarString(decoder)
    const bytes = decoding.readVarUint8Array(decoder)
    if (kind === APPEND) operations.push({ kind: 'append', document, update: bytes })
    else if (kind === SNAPSHOT) operations.push({ kind: 'snapshot', document, state: bytes })
    else throw new RangeError(`unknown store operation kind ${kind}`)
  }
  return operations
}
