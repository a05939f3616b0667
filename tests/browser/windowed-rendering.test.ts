/**
 * Windowed rendering of long documents [EDIT7], in Chromium: only the blocks near the viewport are
 * displayed, the rest stay in the DOM hidden behind spacers; scrolling, the keyboard, a
 * collaborator's edits, select-all and undo all act on the whole document. The threshold is
 * lowered to 200 blocks so the document stays small. Printing shows every block.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { BrowserContext, Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { SCREENSHOT_DIR, useBrowserAndServer } from '../helpers/browser.ts'
import { createDocumentAs, openEditor, waitForStatus } from './editor-pages.ts'

const BLOCKS = 600
const MIN_BLOCKS = 200

type EditorWindow = {
  collab: {
    view: {
      state: {
        doc: { childCount: number; textContent: string; content: { size: number }; child(i: number): { textContent: string } }
        selection: { $head: { index(depth: number): number } }
        schema: { node(type: string, attrs: null, content: unknown[]): unknown; text(text: string): unknown }
        tr: { replaceWith(from: number, to: number, nodes: unknown[]): unknown }
      }
      dispatch(tr: unknown): void
    }
  }
}

/** What the page shows of its document. */
interface Shown {
  windowed: boolean
  /** Top-level blocks in the DOM, and how many of them are displayed. */
  blocks: number
  displayed: number
  /** The text of the block at the middle of the viewport (null: none there, e.g. a spacer). */
  atCentre: string | null
  /** The block holding the caret: its index, and whether it is displayed and within the viewport. */
  caretBlock: number
  caretVisible: boolean
}

function shown(page: Page): Promise<Shown> {
  return page.evaluate(() => {
    const root = document.querySelector('.ProseMirror')!
    const blocks = [...root.children].filter((child) => !child.classList.contains('pm-window-spacer'))
    const displayed = blocks.filter((block) => getComputedStyle(block).display !== 'none')
    const rootBox = root.getBoundingClientRect()
    let atCentre = document.elementFromPoint(rootBox.left + 5, window.innerHeight / 2)
    while (atCentre && atCentre.parentElement !== root) atCentre = atCentre.parentElement
    const { view } = (window as unknown as EditorWindow).collab
    const caretBlock = view.state.selection.$head.index(0)
    const box = blocks[caretBlock]!.getBoundingClientRect()
    return {
      windowed: root.classList.contains('is-windowed'),
      blocks: blocks.length,
      displayed: displayed.length,
      atCentre: atCentre && !atCentre.classList.contains('pm-window-spacer') ? (atCentre.textContent ?? '') : null,
      caretBlock,
      caretVisible: displayed.includes(blocks[caretBlock]!) && box.bottom > 0 && box.top < window.innerHeight,
    }
  })
}

/** Waits two frames: the window follows the viewport on the next frame. */
function frames(page: Page): Promise<void> {
  return page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))))
}

function paragraphNumber(text: string | null): number {
  const match = /Paragraph (\d+)/.exec(text ?? '')
  if (!match) throw new Error(`not a seeded paragraph: ${JSON.stringify(text)}`)
  return Number(match[1])
}

async function open(context: BrowserContext, serverUrl: string, doc: string, user: string): Promise<Page> {
  await context.addInitScript((minBlocks) => Object.assign(window, { collabSettings: { windowedRenderingMinBlocks: minBlocks } }), MIN_BLOCKS)
  const page = await openEditor(context, serverUrl, doc, user)
  await page.setViewportSize({ width: 1000, height: 700 })
  return page
}

describe('browser: windowed rendering of long documents', () => {
  const harness = useBrowserAndServer()

  it('[EDIT7] displays only the blocks near the viewport; scrolling, keys, collaborators, select-all and undo act on the whole document', async () => {
    const doc = await createDocumentAs(harness.server.url, 'Alice', 'A long document')
    const alice = await open(await harness.browser.newContext(), harness.server.url, doc, 'Alice')
    await alice.evaluate((count) => {
      const { view } = (window as unknown as EditorWindow).collab
      const { schema } = view.state
      const blocks = Array.from({ length: count }, (_, i) => schema.node('paragraph', null, [schema.text(`Paragraph ${i}`)]))
      view.dispatch(view.state.tr.replaceWith(0, view.state.doc.content.size, blocks))
    }, BLOCKS)
    await waitForStatus(alice, 'saved')
    await frames(alice)

    // The whole document is in the DOM, a window of it displayed.
    let now = await shown(alice)
    expect(now.windowed).toBe(true)
    expect(now.blocks).toBe(BLOCKS)
    expect(now.displayed).toBeGreaterThan(10)
    expect(now.displayed).toBeLessThan(120)
    const fullText = await alice.evaluate(() => (window as unknown as EditorWindow).collab.view.state.doc.textContent)

    // Scrolled to the middle: the blocks there are displayed, and they are the middle ones
    // (the spacers stand for the hidden blocks' height).
    await alice.evaluate(() => window.scrollTo(0, (document.documentElement.scrollHeight - window.innerHeight) / 2))
    await alice.waitForFunction(() => {
      const root = document.querySelector('.ProseMirror')!
      const hit = document.elementFromPoint(root.getBoundingClientRect().left + 5, window.innerHeight / 2)
      return hit?.closest('.ProseMirror > p') !== null
    })
    now = await shown(alice)
    expect(paragraphNumber(now.atCentre)).toBeGreaterThan(BLOCKS / 2 - 60)
    expect(paragraphNumber(now.atCentre)).toBeLessThan(BLOCKS / 2 + 60)
    expect(now.displayed).toBeLessThan(120)
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true })
    const picture = path.join(SCREENSHOT_DIR, 'windowed-rendering-middle.png')
    await alice.screenshot({ path: picture })
    expect(fs.statSync(picture).size).toBeGreaterThan(1_000)

    // A click there puts the caret there; arrow keys walk through the window's edge, block by block.
    const left = await alice.evaluate(() => document.querySelector('.ProseMirror')!.getBoundingClientRect().left)
    await alice.mouse.click(left + 20, 350)
    // (The caret was at the end, where seeding left it, until the click is read.)
    const centre = paragraphNumber(now.atCentre)
    await alice.waitForFunction((near) => Math.abs((window as unknown as EditorWindow).collab.view.state.selection.$head.index(0) - near) < 3, centre)
    const clicked = (await shown(alice)).caretBlock
    for (let i = 0; i < 80; i++) {
      await alice.keyboard.press('ArrowDown')
      await frames(alice)
    }
    now = await shown(alice)
    expect(now.caretBlock).toBe(clicked + 80)
    expect(now.caretVisible).toBe(true)
    // Page Down moves a screen at a time, into blocks that were hidden before.
    await alice.keyboard.press('PageDown')
    await frames(alice)
    await alice.keyboard.press('PageDown')
    await alice.waitForFunction((before) => (window as unknown as EditorWindow).collab.view.state.selection.$head.index(0) > before + 15, clicked + 80)
    await frames(alice)
    expect((await shown(alice)).caretVisible).toBe(true)

    // Ctrl-End and Ctrl-Home reach the real ends of the document, not the window's.
    await alice.keyboard.press('Control+End')
    await alice.keyboard.type('Z')
    await alice.keyboard.press('Control+Home')
    await alice.keyboard.type('A')
    await frames(alice)
    now = await shown(alice)
    expect(now.caretBlock).toBe(0)
    expect(now.caretVisible).toBe(true)
    const texts = await alice.evaluate(() => {
      const { doc } = (window as unknown as EditorWindow).collab.view.state
      return [doc.child(0).textContent, doc.child(doc.childCount - 1).textContent, doc.childCount] as const
    })
    expect(texts).toEqual(['AParagraph 0', `Paragraph ${BLOCKS - 1}Z`, BLOCKS])

    // A collaborator edits a block Alice cannot see; she stays where she is, and gets it.
    const scrolled = await alice.evaluate(() => window.scrollY)
    const bob = await open(await harness.browser.newContext(), harness.server.url, doc, 'Bob')
    await bob.waitForFunction((count) => (window as unknown as EditorWindow).collab.view.state.doc.childCount === count, BLOCKS)
    await bob.evaluate(() => {
      const { view } = (window as unknown as EditorWindow).collab
      // The end of paragraph 400.
      let pos = 0
      for (let i = 0; i <= 400; i++) pos += (view.state.doc.child(i) as unknown as { nodeSize: number }).nodeSize
      view.dispatch((view.state.tr as unknown as { insertText(text: string, at: number): unknown }).insertText(' edited by Bob', pos - 1))
    })
    await alice.waitForFunction(() => (window as unknown as EditorWindow).collab.view.state.doc.child(400).textContent === 'Paragraph 400 edited by Bob')
    await frames(alice)
    now = await shown(alice)
    expect(Math.abs((await alice.evaluate(() => window.scrollY)) - scrolled)).toBeLessThan(5)
    expect(now.caretBlock).toBe(0)
    expect(now.caretVisible).toBe(true)
    await alice.keyboard.type('B')
    await bob.waitForFunction(() => (window as unknown as EditorWindow).collab.view.state.doc.child(0).textContent === 'ABParagraph 0')

    // Select all and type: the whole document is replaced, and a short document is not windowed.
    // (After the undo manager's 500 ms capture time, so undo brings back exactly this text.)
    const beforeSelectAll = await alice.evaluate(() => (window as unknown as EditorWindow).collab.view.state.doc.textContent)
    await alice.waitForTimeout(600)
    await alice.keyboard.press('Control+a')
    // Copying the selection takes every block, displayed or not.
    const copied = await alice.evaluate(() => {
      const clipboardData = new DataTransfer()
      document.querySelector('.ProseMirror')!.dispatchEvent(new ClipboardEvent('copy', { clipboardData, bubbles: true, cancelable: true }))
      return clipboardData.getData('text/plain')
    })
    expect(copied.split(/\n+/).filter(Boolean)).toHaveLength(BLOCKS)
    expect(copied.replace(/\n+/g, '')).toBe(beforeSelectAll)
    // Printed, every block shows and no spacer does.
    await alice.emulateMedia({ media: 'print' })
    expect(await alice.evaluate(() => [...document.querySelectorAll('.ProseMirror > *')].filter((el) => getComputedStyle(el).display !== 'none').length)).toBe(BLOCKS)
    await alice.emulateMedia({ media: 'screen' })
    await alice.keyboard.type('Q')
    await bob.waitForFunction(() => (window as unknown as EditorWindow).collab.view.state.doc.textContent === 'Q')
    await frames(alice)
    now = await shown(alice)
    expect(now.windowed).toBe(false)
    expect(now.blocks).toBe(1)

    // Undo brings the whole document back, windowed again.
    for (let i = 0; i < 3 && (await alice.evaluate(() => (window as unknown as EditorWindow).collab.view.state.doc.childCount)) < BLOCKS; i++) {
      await alice.keyboard.press('Control+z')
      await frames(alice)
    }
    await bob.waitForFunction((count) => (window as unknown as EditorWindow).collab.view.state.doc.childCount === count, BLOCKS)
    await frames(alice)
    now = await shown(alice)
    expect(now.windowed).toBe(true)
    expect(now.blocks).toBe(BLOCKS)
    expect(now.caretVisible).toBe(true)
    const restored = await alice.evaluate(() => (window as unknown as EditorWindow).collab.view.state.doc.textContent)
    expect(restored).toBe(beforeSelectAll)
    expect(beforeSelectAll).toBe(fullText.replace('Paragraph 0', 'ABParagraph 0').replace('Paragraph 400', 'Paragraph 400 edited by Bob').replace(`Paragraph ${BLOCKS - 1}`, `Paragraph ${BLOCKS - 1}Z`))
    await waitForStatus(alice, 'saved')
  }, 120_000)
})
