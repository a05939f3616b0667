/**
 * A real editing trace replayed into the editor while offline: every keystroke is its own
 * ProseMirror transaction, so the IndexedDB copy compacts again and again; after a reload with no
 * network and a reconnect, the text is exactly the trace's. By default the first 2,000
 * transactions (four compactions); `LONG=1` replays the whole trace (23,136 transactions).
 * Trace: ../shared/data/editing-traces/clownschool_flat (CC BY 4.0, Joseph Gentle and authors).
 */
import { describe, expect, it } from 'vitest'
import { useBrowserAndServer } from '../helpers/browser.ts'
import { loadTrace } from '../helpers/traces.ts'
import { createDocumentAs, openEditor, storedUpdateCount, waitForLocalFlush, waitForServiceWorker, waitForStatus, waitForText } from './editor-pages.ts'

const LONG = process.env.LONG === '1'

describe('browser: offline trace replay', () => {
  const harness = useBrowserAndServer()

  it(`[OFF2][OFF3] ${LONG ? 'the whole' : '2,000 transactions of a'} real editing trace typed offline survives compaction, a reload and the merge`, { timeout: LONG ? 600_000 : 60_000 }, async () => {
    const trace = loadTrace('clownschool_flat')
    const txns = LONG ? trace.txns : trace.txns.slice(0, 2_000)
    let expected = trace.startContent
    for (const txn of txns) {
      for (const [position, deleteCount, insert] of txn.patches) expected = expected.slice(0, position) + insert + expected.slice(position + deleteCount)
    }
    const doc = await createDocumentAs(harness.server.url, 'Tracey', 'Trace')
    const context = await harness.browser.newContext()
    const page = await openEditor(context, harness.server.url, doc, 'Tracey')
    await waitForServiceWorker(page)
    await context.setOffline(true)
    await waitForStatus(page, 'offline')

    // The trace is plain text with newlines: replay it into one code block, offset n at position 1 + n.
    await page.evaluate(
      ({ start, patches }) => {
        type View = {
          state: { schema: { nodes: Record<string, { create(attrs: null, content?: unknown): unknown }> ; text(value: string): unknown }; doc: { content: { size: number } }; tr: Transaction }
          dispatch(tr: Transaction): void
        }
        type Transaction = { replaceWith(from: number, to: number, node: unknown): Transaction; delete(from: number, to: number): Transaction; insertText(text: string, from: number): Transaction }
        const view = (window as unknown as { collab: { view: View } }).collab.view
        const { schema } = view.state
        view.dispatch(view.state.tr.replaceWith(0, view.state.doc.content.size, schema.nodes.codeBlock!.create(null, start ? schema.text(start) : undefined)))
        for (const txn of patches) {
          let tr = view.state.tr
          for (const [position, deleteCount, insert] of txn) {
            if (deleteCount > 0) tr = tr.delete(1 + position, 1 + position + deleteCount)
            if (insert) tr = tr.insertText(insert, 1 + position)
          }
          view.dispatch(tr)
        }
      },
      { start: trace.startContent, patches: txns.map((txn) => txn.patches) },
    )
    await waitForText(page, expected)
    // One IndexedDB transaction per update: tens of thousands take a while to commit.
    await waitForLocalFlush(page, LONG ? 300_000 : 30_000)
    // y-indexeddb compacts once its log passes 500 updates; well under the number of transactions.
    await expect.poll(() => storedUpdateCount(page, doc), { timeout: LONG ? 120_000 : 15_000 }).toBeLessThan(510)

    await page.reload()
    await waitForText(page, expected, 60_000)
    await context.setOffline(false)
    await waitForStatus(page, 'saved', 60_000)
    const reader = await openEditor(await harness.browser.newContext(), harness.server.url, doc, 'Reader')
    await waitForText(reader, expected, 60_000)
    await reader.context().close()
    await context.close()
  })
})
