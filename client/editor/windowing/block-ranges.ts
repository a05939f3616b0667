/**
 * The arithmetic of windowed rendering, kept apart from the DOM: which top-level block is at a
 * height on screen, and the sorted, disjoint ranges of blocks to display.
 */

/** Top-level blocks `start` (inclusive) to `end` (exclusive), by index in the document. */
export interface BlockRange {
  readonly start: number
  readonly end: number
}

/** One element of a windowed editor, as laid out: a displayed block, or a spacer for a run of hidden ones. */
export interface LaidOutItem {
  readonly blocks: BlockRange
  /** Where the element starts on screen, and where the next one starts. */
  readonly top: number
  readonly bottom: number
}

/**
 * The block at height `y` on screen, given the laid-out elements in order: a spacer's blocks are
 * taken as spread evenly over it. Above the first element, the first block; below the last, the
 * last block.
 */
export function blockAt(items: readonly LaidOutItem[], y: number): number {
  for (const { blocks, top, bottom } of items) {
    if (y >= bottom) continue
    if (y < top) return blocks.start
    const share = (y - top) / (bottom - top)
    return Math.min(blocks.end - 1, blocks.start + Math.floor(share * (blocks.end - blocks.start)))
  }
  return Math.max(0, (items.at(-1)?.blocks.end ?? 1) - 1)
}

/** `ranges` clamped to `[0, count)`, sorted, and merged where they overlap or touch. */
export function mergeRanges(ranges: readonly BlockRange[], count: number): BlockRange[] {
  const clamped = ranges
    .map((range) => ({ start: Math.max(0, range.start), end: Math.min(count, range.end) }))
    .filter((range) => range.start < range.end)
    .sort((a, b) => a.start - b.start)
  const merged: BlockRange[] = []
  for (const range of clamped) {
    const last = merged.at(-1)
    if (last && range.start <= last.end) merged[merged.length - 1] = { start: last.start, end: Math.max(last.end, range.end) }
    else merged.push(range)
  }
  return merged
}

/** Whether one of `ranges` holds block `index`. */
export function rangesInclude(ranges: readonly BlockRange[], index: number): boolean {
  return ranges.some((range) => range.start <= index && index < range.end)
}

/** Whether `inner` lies within `outer`. */
export function containsRange(outer: BlockRange, inner: BlockRange): boolean {
  return outer.start <= inner.start && inner.end <= outer.end
}

/** Whether two lists of ranges are the same. */
export function sameRanges(a: readonly BlockRange[], b: readonly BlockRange[]): boolean {
  return a.length === b.length && a.every((range, i) => range.start === b[i]!.start && range.end === b[i]!.end)
}
