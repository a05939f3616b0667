import { describe, expect, it } from 'vitest'
import { blockAt, containsRange, mergeRanges, rangesInclude, sameRanges, type LaidOutItem } from './block-ranges.ts'

describe('windowed rendering: block arithmetic [EDIT7]', () => {
  // Blocks 0-99 hidden behind a 4,000 px spacer, 100-102 displayed at 40 px each, 103-999 behind a spacer.
  const items: LaidOutItem[] = [
    { blocks: { start: 0, end: 100 }, top: -4_000, bottom: 0 },
    { blocks: { start: 100, end: 101 }, top: 0, bottom: 40 },
    { blocks: { start: 101, end: 102 }, top: 40, bottom: 80 },
    { blocks: { start: 102, end: 103 }, top: 80, bottom: 120 },
    { blocks: { start: 103, end: 1_000 }, top: 120, bottom: 35_000 },
  ]

  it('finds the displayed block at a height', () => {
    expect(blockAt(items, 0)).toBe(100)
    expect(blockAt(items, 39.9)).toBe(100)
    expect(blockAt(items, 40)).toBe(101)
    expect(blockAt(items, 119)).toBe(102)
  })

  it("spreads a spacer's blocks evenly over its height", () => {
    expect(blockAt(items, -4_000)).toBe(0)
    expect(blockAt(items, -2_000)).toBe(50)
    expect(blockAt(items, -1)).toBe(99)
    expect(blockAt(items, 120 + (35_000 - 120) / 2)).toBe(103 + Math.floor(897 / 2))
  })

  it('clamps above the first element and below the last', () => {
    expect(blockAt(items, -1e9)).toBe(0)
    expect(blockAt(items, 1e9)).toBe(999)
    expect(blockAt([], 10)).toBe(0)
  })

  it('merges, sorts and clamps ranges', () => {
    expect(mergeRanges([{ start: 50, end: 60 }, { start: -5, end: 3 }, { start: 58, end: 70 }, { start: 70, end: 71 }, { start: 998, end: 1_005 }], 1_000)).toEqual([
      { start: 0, end: 3 },
      { start: 50, end: 71 },
      { start: 998, end: 1_000 },
    ])
    expect(mergeRanges([{ start: 5, end: 5 }, { start: 2_000, end: 2_010 }], 1_000)).toEqual([])
  })

  it('compares ranges', () => {
    expect(containsRange({ start: 10, end: 20 }, { start: 10, end: 20 })).toBe(true)
    expect(containsRange({ start: 10, end: 20 }, { start: 9, end: 15 })).toBe(false)
    expect(containsRange({ start: 10, end: 20 }, { start: 15, end: 21 })).toBe(false)
    expect(sameRanges([{ start: 1, end: 2 }], [{ start: 1, end: 2 }])).toBe(true)
    expect(sameRanges([{ start: 1, end: 2 }], [{ start: 1, end: 3 }])).toBe(false)
    expect(sameRanges([], [{ start: 1, end: 2 }])).toBe(false)
    expect(rangesInclude([{ start: 1, end: 3 }, { start: 7, end: 8 }], 2)).toBe(true)
    expect(rangesInclude([{ start: 1, end: 3 }, { start: 7, end: 8 }], 3)).toBe(false)
    expect(rangesInclude([{ start: 1, end: 3 }, { start: 7, end: 8 }], 7)).toBe(true)
  })
})
