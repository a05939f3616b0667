/**
 * What a keystroke costs the collaboration binding in a long document, counted rather than timed:
 * y-prosemirror compares the editor's document with Yjs block by block once per change (its
 * `updateYFragment`), and, unpatched, also walks every block before the caret each time it turns
 * the selection into Yjs positions: three selections a keystroke, anchor and head each, so seven
 * passes over the document in all (14,007 lookups here unpatched; patches/y-prosemirror+1.3.7.patch).
 */
import { describe, expect, it } from 'vitest'
import { useBrowserAndServer } from '../helpers/browser.ts'
import { createDocumentAs, openEditor, waitForStatus } from './editor-pages.ts'

const BLOCKS = 2_000

describe('browser: keystroke cost in a long document', () => {
  const harness = useBrowserAndServer()

  it('[EDIT7] a keystroke at the end of 2,000 paragraphs looks each block up about once, and reaches Yjs', async () => {
    const doc = await createDocumentAs(harness.server.url, 'Alice', 'Long')
    const page = await openEditor(await harness.browser.newContext(), harness.server.url, doc, 'Alice')
    const result = await page.evaluate((count) => {
      type Binding = { mapping: Map<unknown, unknown> }
      type View = {
        state: {
          schema: { node(type: string, attrs: null, content: unknown[]): unknown; text(text: string): unknown }
          doc: { content: { size: number } }
          plugins: { spec: { key?: { key?: string } }; getState(state: unknown): { binding: Binding } }[]
          selection: { constructor: { atEnd(doc: unknown): unknown } }
          tr: {
            replaceWith(from: number, to: number, nodes: unknown[]): unknown
            setSelection(selection: unknown): unknown
            insertText(text: string): unknown
          }
        }
        dispatch(tr: unknown): void
      }
      const { view, ydoc } = (window as unknown as { collab: { view: View; ydoc: { getXmlFragment(name: string): { length: number; get(i: number): { toString(): string } } } } }).collab
      const { schema } = view.state
      const blocks = Array.from({ length: count }, (_, i) => schema.node('paragraph', null, [schema.text(`Paragraph ${i}`)]))
      view.dispatch(view.state.tr.replaceWith(0, view.state.doc.content.size, blocks))
      view.dispatch(view.state.tr.setSelection(view.state.selection.constructor.atEnd(view.state.doc)))

      const sync = view.state.plugins.find((plugin) => plugin.spec.key?.key?.startsWith('y-sync'))!
      const { mapping } = sync.getState(view.state).binding
      let lookups = 0
      const get = mapping.get
      mapping.get = function (key) {
        lookups++
        return get.call(this, key)
      }
      try {
        // One keystroke: the binding's work happens within the dispatch.
        view.dispatch(view.state.tr.insertText('x'))
      } finally {
        mapping.get = get
      }
      const fragment = ydoc.getXmlFragment('default')
      return { lookups, lastInYjs: fragment.get(fragment.length - 1).toString() }
    }, BLOCKS)
    console.log(`a keystroke after ${BLOCKS} paragraphs: ${result.lookups} block lookups`)
    expect(result.lastInYjs).toBe(`<paragraph>Paragraph ${BLOCKS - 1}x</paragraph>`)
    // updateYFragment's comparison looks each block up once; each selection computed walking
    // the blocks before the caret would add 2,000.
    expect(result.lookups).toBeGreaterThanOrEqual(BLOCKS - 1)
    expect(result.lookups).toBeLessThan(BLOCKS * 1.5)
    await waitForStatus(page, 'saved')
    await page.context().close()
  })
})
