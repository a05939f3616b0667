import { describe, expect, it } from 'vitest'
import type { StoreOperation } from './document-store.ts'
import { packOperations, unpackOperations } from './packed-operations.ts'

describe('packed store operations', () => {
  it('[DUR8] a batch of appends and snapshots survives packing byte for byte, in order', () => {
    const operations: StoreOperation[] = [
      { kind: 'append', document: 'plan', update: Uint8Array.of(1, 2, 3) },
      { kind: 'append', document: 'ünïcode/😀', update: new Uint8Array(0) },
      { kind: 'snapshot', document: 'plan', state: new Uint8Array(70_000).fill(7) },
      // A view into a larger buffer packs only its own bytes.
      { kind: 'append', document: 'plan', update: new Uint8Array([9, 9, 4, 5, 9]).subarray(2, 4) },
    ]
    const packed = packOperations(operations)
    expect(packed.byteOffset).toBe(0)
    expect(packed.byteLength).toBe(packed.buffer.byteLength)
    const unpacked = unpackOperations(packed)
    expect(unpacked.map((op) => ({ ...op, bytes: [...(op.kind === 'append' ? op.update : op.state)].join() }))).toEqual(
      operations.map((op) => ({ ...op, bytes: [...(op.kind === 'append' ? op.update : op.state)].join() })),
    )
  })

  it('[DUR8] a corrupt batch is refused, not misread', () => {
    expect(() => unpackOperations(Uint8Array.of(1, 5, 0))).toThrow()
  })
})
