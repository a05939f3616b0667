/**
 * The channel guard merges update frames in a microtask, where an exception would escape: merging
 * any updates the guard admits (each decoded in full and within its bounds) must not throw, and a
 * merged frame must stand for the updates it merged.
 */
import { describe, expect, it } from 'vitest'
import * as decoding from 'lib0/decoding'
import * as prng from 'lib0/prng'
import * as Y from 'yjs'
import { MESSAGE_TYPES, SYNC_TYPES } from '../../shared/frame-inspection.ts'
import { checkUpdateBounds } from '../../shared/update-bounds.ts'
import { paragraphText } from '../../tests/helpers/clients.ts'
import { mergedUpdateFrame, mergedUpdatesOf } from './update-merging.ts'

const BOUNDS = { maxUpdateBytes: 1 << 20, maxStructs: 10_000, maxDeleteRanges: 10_000 }

/** Keystroke updates (insertions and deletions) of one paragraph. */
function keystrokes(count: number): Uint8Array[] {
  const doc = new Y.Doc()
  const updates: Uint8Array[] = []
  doc.on('update', (update: Uint8Array) => updates.push(update))
  const text = paragraphText(doc)
  for (let i = 0; i < count; i++) {
    if (i % 5 === 4) text.delete(0, 1)
    else text.insert(text.length, 'ab')
  }
  return updates
}

describe('update merging', () => {
  it('[SYNC5] a merged frame is a sync update for the address, applying to what its updates apply to, and knows them', () => {
    const updates = keystrokes(20)
    const frame = mergedUpdateFrame('doc', updates)
    expect(mergedUpdatesOf(frame)).toBe(updates)
    expect(mergedUpdatesOf(Uint8Array.from(frame))).toBeUndefined()
    const decoder = decoding.createDecoder(frame)
    expect(decoding.readVarString(decoder)).toBe('doc')
    expect(decoding.readVarUint(decoder)).toBe(MESSAGE_TYPES.sync)
    expect(decoding.readVarUint(decoder)).toBe(SYNC_TYPES.update)
    const merged = new Y.Doc()
    Y.applyUpdate(merged, decoding.readVarUint8Array(decoder))
    const oneByOne = new Y.Doc()
    for (const update of updates) Y.applyUpdate(oneByOne, update)
    expect(merged.getXmlFragment('default').toJSON()).toBe(oneByOne.getXmlFragment('default').toJSON())
  })

  it("[SYNC5] merging updates that pass the guard's bounds check never throws, even bit-flipped ones (seeded)", () => {
    const random = prng.create(0x5eed5)
    const updates = keystrokes(30)
    let merged = 0
    for (let attempt = 0; attempt < 50_000; attempt++) {
      const burst = Array.from({ length: prng.int32(random, 2, 5) }, () => {
        const update = Uint8Array.from(prng.oneOf(random, updates))
        if (prng.bool(random)) for (let flips = prng.int32(random, 1, 3); flips > 0; flips--) update[prng.int32(random, 0, update.length - 1)] = prng.uint32(random, 0, 255)
        return update
      })
      if (burst.some((update) => checkUpdateBounds(update, BOUNDS) !== null)) continue
      expect(() => mergedUpdateFrame('doc', burst)).not.toThrow()
      merged++
    }
    // Most bursts must get past the bounds check, or this tests nothing.
    expect(merged).toBeGreaterThan(5_000)
  })
})
