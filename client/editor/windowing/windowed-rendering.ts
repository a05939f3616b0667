/**
 * Windowed rendering of long documents [EDIT7]. In a flat `contenteditable`, Chromium's own work
 * per keystroke grows with the whole editable: it measures the caret's offset from the start of
 * the element's text (`Editor::SyncSelection`) and lays out every block, about 18 ms a key at
 * 5,000 paragraphs on our benchmark machine, against 3 ms at 100. Blocks that are `display: none`
 * cost neither, so from `minBlocks` top-level blocks on, only the blocks near the viewport, and
 * those holding the selection's ends, are displayed; the rest stay in the DOM (ProseMirror's view
 * of the document is whole, so selection mapping, copy and the collaboration binding are as
 * before) but hidden, each run of them replaced on screen by a spacer of their measured height.
 *
 * What a reader loses above the threshold: the browser's find-in-page and screen readers see only
 * the displayed blocks. Printing shows the whole document.
 */
import type { Node } from 'prosemirror-model'
import { keydownHandler } from 'prosemirror-keymap'
import { Plugin, PluginKey, Selection, TextSelection, type Command, type EditorState, type Transaction } from 'prosemirror-state'
import { Mapping, StepMap } from 'prosemirror-transform'
import { Decoration, DecorationSet, type EditorView } from 'prosemirror-view'
import { blockAt, containsRange, mergeRanges, rangesInclude, sameRanges, type BlockRange, type LaidOutItem } from './block-ranges.ts'

/** Marks a displayed block; the stylesheet hides the other top-level blocks of a windowed editor. */
export const RENDERED_ATTRIBUTE = 'data-rendered'
/** The editor's class while windowed. */
const WINDOWED_CLASS = 'is-windowed'
const SPACER_CLASS = 'pm-window-spacer'

export interface WindowedRenderingOptions {
  /** Windowing starts at this many top-level blocks and stops below three quarters of it. */
  minBlocks: number
}

interface WindowState {
  readonly active: boolean
  /** The blocks the viewport needs (the viewport and a margin), as last measured. */
  readonly view: BlockRange
  /** The displayed blocks: `view` and the selection's ends. Sorted, disjoint. */
  readonly ranges: readonly BlockRange[]
  /** The height of each run of hidden blocks, in document order. */
  readonly gapHeights: readonly number[]
  readonly decorations: DecorationSet
}

/** A transaction's request from the view: the viewport now needs these blocks. */
interface ViewMeta {
  view: BlockRange
}

const windowKey = new PluginKey<WindowState>('windowedRendering')
const INACTIVE: WindowState = { active: false, view: { start: 0, end: 0 }, ranges: [], gapHeights: [], decorations: DecorationSet.empty }
/** Blocks displayed around the selection before the viewport has been measured. */
const INITIAL_BLOCKS = 60
/** A block's height before any has been measured, in pixels. */
const DEFAULT_BLOCK_HEIGHT = 40

/** Heights of blocks measured while displayed. Keyed by node: an edited block is a new node. */
class BlockHeights {
  private readonly byNode = new WeakMap<Node, number>()
  private sum = 0
  private count = 0
  average = DEFAULT_BLOCK_HEIGHT

  of(node: Node): number {
    return this.byNode.get(node) ?? this.average
  }

  /** Adds measurements; the average for unmeasured blocks follows the recent ones. */
  record(measured: ReadonlyArray<readonly [Node, number]>): void {
    for (const [node, height] of measured) {
      if (this.byNode.get(node) === height) continue
      this.byNode.set(node, height)
      this.sum += height
      this.count++
    }
    if (this.count > 0) this.average = this.sum / this.count
    if (this.count > 2_000) {
      this.sum /= 2
      this.count /= 2
    }
  }
}

/** The plugin: decorations that display the window, a spacer per hidden run, and the view that follows scrolling. */
export function windowedRendering(options: WindowedRenderingOptions): Plugin<WindowState> {
  const heights = new BlockHeights()
  const isActive = (blocks: number, wasActive: boolean) => blocks >= (wasActive ? Math.floor(options.minBlocks * 0.75) : options.minBlocks)
  return new Plugin<WindowState>({
    key: windowKey,
    state: {
      init: (_config, state) => (isActive(state.doc.childCount, false) ? computeWindow(state, null, null, heights) : INACTIVE),
      apply(tr, previous, _oldState, state) {
        if (!isActive(state.doc.childCount, previous.active)) return INACTIVE
        const meta = tr.getMeta(windowKey) as ViewMeta | undefined
        if (previous.active && !meta && selectionDisplayed(state, previous.ranges)) {
          if (!tr.docChanged) return previous
          const edited = afterEditsInside(previous, tr)
          if (edited) return edited
        }
        return computeWindow(state, previous.active ? previous : null, meta ? meta.view : null, heights, tr)
      },
    },
    props: {
      decorations: (state) => windowKey.getState(state)!.decorations,
      attributes: (state): Record<string, string> => (windowKey.getState(state)!.active ? { class: WINDOWED_CLASS } : {}),
      handleKeyDown: keydownHandler(documentEndKeys()),
    },
    view: (view) => new WindowFollower(view, heights),
  })
}

/** What is displayed of `state`'s document: whether it is windowed, and which blocks (for tests and tools). */
export function displayedBlocks(state: EditorState): { windowed: boolean; ranges: readonly BlockRange[] } {
  const current = windowKey.getState(state)
  return { windowed: current?.active ?? false, ranges: current?.ranges ?? [] }
}

/** Asks for the viewport's blocks to be `view` (what the view does on scroll). */
export function showBlocks(tr: Transaction, view: BlockRange): Transaction {
  return tr.setMeta(windowKey, { view } satisfies ViewMeta).setMeta('addToHistory', false)
}

/**
 * The viewport's blocks after an edit, found by their first block: the same node where it was, or
 * shifted by the blocks the edit added or removed. Positions cannot say: y-prosemirror applies a
 * remote change by replacing the whole document (unchanged blocks keep their node objects).
 * Otherwise the same indexes; the view corrects them on the next frame.
 */
function followEdit(view: BlockRange, tr: Transaction): BlockRange {
  const first = tr.before.maybeChild(view.start)
  const shift = tr.doc.childCount - tr.before.childCount
  const start = tr.doc.maybeChild(view.start) === first ? view.start : tr.doc.maybeChild(view.start + shift) === first ? view.start + shift : view.start
  return { start, end: start + (view.end - view.start) }
}

/** Whether the blocks holding the selection's ends are displayed. */
function selectionDisplayed(state: EditorState, ranges: readonly BlockRange[]): boolean {
  const { anchor, head } = selectionBlocks(state)
  return rangesInclude(ranges, anchor) && rangesInclude(ranges, head)
}

function selectionBlocks(state: EditorState): { anchor: number; head: number } {
  const last = state.doc.childCount - 1
  const { $anchor, $head } = state.selection
  return { anchor: Math.min($anchor.index(0), last), head: Math.min($head.index(0), last) }
}

/**
 * The window for `state`: the viewport's blocks (`view`, from the view; else `previous`'s mapped
 * through `tr`; else around the selection) and the selection's, as decorations.
 */
function computeWindow(state: EditorState, previous: WindowState | null, view: BlockRange | null, heights: BlockHeights, tr?: Transaction): WindowState {
  const { doc } = state
  const count = doc.childCount
  const selection = selectionBlocks(state)
  if (!view && previous && tr) view = followEdit(previous.view, tr)
  view ??= { start: selection.head - INITIAL_BLOCKS / 2, end: selection.head + INITIAL_BLOCKS / 2 }
  view = { start: Math.max(0, Math.min(view.start, count - 1)), end: Math.max(1, Math.min(view.end, count)) }
  const ranges = mergeRanges(
    [view, { start: selection.head - 1, end: selection.head + 2 }, { start: selection.anchor, end: selection.anchor + 1 }],
    count,
  )
  // Typing changes displayed blocks only: the hidden runs keep their heights without a walk
  // through the height cache.
  const reuseGaps =
    previous !== null && tr !== undefined && sameRanges(ranges, previous.ranges) && (!tr.docChanged || sameHiddenBlocks(tr.before, doc, ranges))

  const decorations: Decoration[] = []
  const gapHeights: number[] = []
  let gapStart = -1
  let gapHeight = 0
  const closeGap = () => {
    const height = reuseGaps ? previous!.gapHeights[gapHeights.length]! : Math.round(gapHeight)
    gapHeights.push(height)
    decorations.push(spacer(gapStart, height))
    gapStart = -1
  }
  eachBlock(doc, ranges, (child, pos, displayed) => {
    if (displayed) {
      if (gapStart >= 0) closeGap()
      decorations.push(Decoration.node(pos, pos + child.nodeSize, { [RENDERED_ATTRIBUTE]: '' }))
      return
    }
    if (gapStart < 0) {
      gapStart = pos
      gapHeight = 0
    }
    if (!reuseGaps) gapHeight += heights.of(child)
  })
  if (gapStart >= 0) closeGap()
  return { active: true, view, ranges, gapHeights, decorations: DecorationSet.create(doc, decorations) }
}

/**
 * The window after edits inside blocks (typing, formatting, a collaborator's typing anywhere), or
 * null for edits that add, remove or split blocks. Same blocks, same heights (a hidden block a
 * collaborator edits keeps its run's height until the window is next rebuilt): the decorations are
 * mapped rather than rebuilt, as building a decoration set visits every top-level block once per
 * decoration (half a millisecond a key at 5,000 blocks). The mapping is derived from the blocks
 * themselves, not the transaction's: y-prosemirror applies a remote change as a replacement of the
 * whole document, through which nothing maps, though unchanged blocks keep their node objects.
 */
function afterEditsInside(previous: WindowState, tr: Transaction): WindowState | null {
  const { before, doc } = tr
  if (before.childCount !== doc.childCount) return null
  const { ranges } = previous
  // Each changed block as a replacement of its content, in the old document's positions.
  const changes: number[] = []
  let pos = 0
  for (let index = 0; index < before.childCount; index++) {
    const old = before.child(index)
    const now = doc.child(index)
    if (old !== now) {
      if (old.isLeaf || now.isLeaf) {
        if (old.nodeSize !== now.nodeSize) return null
      } else changes.push(pos + 1, old.content.size, now.content.size)
    }
    pos += old.nodeSize
  }
  const decorations = previous.decorations.map(new Mapping([new StepMap(changes)]), doc)
  if (!decorationsFit(decorations, doc, ranges)) return null
  return { ...previous, decorations }
}

/** Whether `decorations` mark exactly the blocks in `ranges`, each as a whole node, and one spacer per hidden run. */
function decorationsFit(decorations: DecorationSet, doc: Node, ranges: readonly BlockRange[]): boolean {
  // In document order; a spacer (from = to) before the block at its position.
  const found = decorations.find().sort((a, b) => a.from - b.from || a.to - b.to)
  let next = 0
  const expect = (from: number, to: number) => {
    const decoration = found[next++]
    return decoration !== undefined && decoration.from === from && decoration.to === to
  }
  let inGap = false
  const fit = eachBlock(doc, ranges, (child, pos, displayed) => {
    if (displayed) {
      inGap = false
      return expect(pos, pos + child.nodeSize)
    }
    if (inGap) return true
    inGap = true
    return expect(pos, pos)
  })
  return fit && next === found.length
}

/** Whether every block outside `ranges` is the same node in `before` and `after`. */
function sameHiddenBlocks(before: Node, after: Node, ranges: readonly BlockRange[]): boolean {
  return before.childCount === after.childCount && eachBlock(after, ranges, (child, _pos, displayed, index) => displayed || before.child(index) === child)
}

/**
 * Calls `visit` with each top-level block of `doc`, its position and whether `ranges` display it,
 * until `visit` returns false; whether it never did.
 */
function eachBlock(doc: Node, ranges: readonly BlockRange[], visit: (block: Node, pos: number, displayed: boolean, index: number) => boolean | void): boolean {
  let rangeIndex = 0
  let pos = 0
  for (let index = 0; index < doc.childCount; index++) {
    const block = doc.child(index)
    while (rangeIndex < ranges.length && ranges[rangeIndex]!.end <= index) rangeIndex++
    const range = ranges[rangeIndex]
    if (visit(block, pos, range !== undefined && range.start <= index, index) === false) return false
    pos += block.nodeSize
  }
  return true
}

/** An empty block standing in for a run of hidden blocks, as tall as they would be. */
function spacer(pos: number, height: number): Decoration {
  return Decoration.widget(
    pos,
    () => {
      const element = document.createElement('div')
      element.className = SPACER_CLASS
      element.style.height = `${height}px`
      element.setAttribute('aria-hidden', 'true')
      return element
    },
    { key: `spacer-${height}`, side: -1, ignoreSelection: true },
  )
}

/**
 * Ctrl-Home / Ctrl-End (and Cmd-Up / Cmd-Down on a Mac), with Shift to extend: the browser would
 * stop at the first or last displayed block, so the editor moves the selection itself.
 */
function documentEndKeys(): Record<string, Command> {
  const keys: Record<string, Command> = {
    'Mod-Home': toDocumentEnd(false, false),
    'Mod-End': toDocumentEnd(true, false),
    'Shift-Mod-Home': toDocumentEnd(false, true),
    'Shift-Mod-End': toDocumentEnd(true, true),
  }
  if (typeof navigator !== 'undefined' && /Mac|iP(hone|[oa]d)/.test(navigator.platform)) {
    Object.assign(keys, {
      'Mod-ArrowUp': toDocumentEnd(false, false),
      'Mod-ArrowDown': toDocumentEnd(true, false),
      'Shift-Mod-ArrowUp': toDocumentEnd(false, true),
      'Shift-Mod-ArrowDown': toDocumentEnd(true, true),
    })
  }
  return keys
}

function toDocumentEnd(end: boolean, extend: boolean): Command {
  return (state, dispatch) => {
    if (!windowKey.getState(state)?.active) return false
    const target = end ? Selection.atEnd(state.doc) : Selection.atStart(state.doc)
    const selection = extend ? TextSelection.between(state.selection.$anchor, target.$head) : target
    dispatch?.(state.tr.setSelection(selection).scrollIntoView())
    return true
  }
}

/**
 * Keeps the window on the viewport: on scroll and resize (once per frame), measures the displayed
 * blocks and, when the viewport with half a screen each side is no longer displayed, asks for the
 * viewport with a full screen each side. Where the viewport is comes from the DOM as laid out (a
 * spacer's blocks spread evenly over it), so estimated heights never drift from the screen.
 */
class WindowFollower {
  private frame = 0
  private postponed = 0
  private readonly onScroll = () => this.schedule()
  private readonly view: EditorView
  private readonly heights: BlockHeights

  constructor(view: EditorView, heights: BlockHeights) {
    this.view = view
    this.heights = heights
    document.addEventListener('scroll', this.onScroll, { capture: true, passive: true })
    window.addEventListener('resize', this.onScroll, { passive: true })
    this.schedule()
  }

  update(view: EditorView, previousState: EditorState): void {
    const state = windowKey.getState(view.state)!
    const previous = windowKey.getState(previousState)!
    if (state.active && (!previous.active || !sameRanges(state.ranges, previous.ranges))) this.schedule()
  }

  destroy(): void {
    cancelAnimationFrame(this.frame)
    document.removeEventListener('scroll', this.onScroll, { capture: true })
    window.removeEventListener('resize', this.onScroll)
  }

  private schedule(): void {
    if (this.frame || !windowKey.getState(this.view.state)?.active) return
    this.frame = requestAnimationFrame(() => {
      this.frame = 0
      this.follow()
    })
  }

  private follow(): void {
    const state = windowKey.getState(this.view.state)
    if (!state?.active || this.view.isDestroyed) return
    // Redrawing now would put the caret back where ProseMirror last saw it; it reads a move on
    // the selectionchange event, which may come after this frame. Wait for it (a few frames).
    if (this.caretMovePending() && this.postponed++ < 3) return this.schedule()
    this.postponed = 0
    const items = this.layOut(state)
    if (!items) return
    const doc = this.view.state.doc
    // Spacers are estimates; displayed blocks are measured.
    this.heights.record(items.filter((item) => item.displayed).map((item) => [doc.child(item.blocks.start), item.bottom - item.top] as const))
    const screen = window.innerHeight
    const needed = { start: blockAt(items, -screen / 2), end: blockAt(items, screen * 1.5) + 1 }
    const wanted = { start: blockAt(items, -screen), end: blockAt(items, screen * 2) + 1 }
    // Ask again when the viewport runs out of displayed blocks, or when far more are displayed
    // than it needs (after a jump, or many blocks arriving inside the window).
    const displayed = state.view.end - state.view.start
    if (!containsRange(state.view, needed) || displayed > 3 * (wanted.end - wanted.start) + 10) {
      this.view.dispatch(showBlocks(this.view.state.tr, wanted))
    }
  }

  /** Whether the browser has moved the selection and ProseMirror has not read it yet. */
  private caretMovePending(): boolean {
    const selection = document.getSelection()
    const { anchorNode, focusNode } = selection ?? {}
    if (!selection || !anchorNode || !focusNode || !this.view.dom.contains(anchorNode) || !this.view.dom.contains(focusNode)) return false
    try {
      const { anchor, head } = this.view.state.selection
      return this.view.posAtDOM(anchorNode, selection.anchorOffset) !== anchor || this.view.posAtDOM(focusNode, selection.focusOffset) !== head
    } catch {
      return false
    }
  }

  /** The editor's displayed blocks and spacers, in order, with where they are on screen (viewport coordinates). */
  private layOut(state: WindowState): (LaidOutItem & { displayed: boolean })[] | null {
    const count = this.view.state.doc.childCount
    const segments: { blocks: BlockRange; displayed: boolean }[] = []
    let next = 0
    for (const range of state.ranges) {
      if (range.start > next) segments.push({ blocks: { start: next, end: range.start }, displayed: false })
      for (let index = range.start; index < range.end; index++) segments.push({ blocks: { start: index, end: index + 1 }, displayed: true })
      next = range.end
    }
    if (next < count) segments.push({ blocks: { start: next, end: count }, displayed: false })
    const elements = this.view.dom.querySelectorAll(`:scope > [${RENDERED_ATTRIBUTE}], :scope > .${SPACER_CLASS}`)
    // Between the state and the DOM (a transaction not drawn yet): try again on the next frame.
    if (elements.length !== segments.length) return null
    const tops = Array.from(elements, (element) => element.getBoundingClientRect().top)
    const end = this.view.dom.getBoundingClientRect().bottom
    return segments.map((segment, i) => ({ ...segment, top: tops[i]!, bottom: tops[i + 1] ?? end }))
  }
}
