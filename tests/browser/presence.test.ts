/**
 * Presence in Chromium: who is here (one entry per user however many tabs), remote carets, away,
 * and no ghosts: a closed tab's caret and list entry disappear within 5 s.
 */
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { screenshot, useBrowserAndServer } from '../helpers/browser.ts'
import { testToken } from '../helpers/server.ts'
import { caretIn, createDocumentAs, openEditor, selectWordBeforeCaret, waitForStatus } from './editor-pages.ts'

describe('browser: presence', () => {
  const harness = useBrowserAndServer()

  const names = (page: Page) => page.$$eval('#presence .participant', (items) => items.map((item) => item.getAttribute('title') ?? ''))

  it('[PRES1][PRES2][PRES4] one list entry per user across tabs; a closed tab’s caret and entry vanish within 5 s', async () => {
    const doc = await createDocumentAs(harness.server.url, 'Alice', 'Presence')
    const aliceContext = await harness.browser.newContext()
    const aliceTab1 = await openEditor(aliceContext, harness.server.url, doc, 'Alice')
    const aliceTab2 = await openEditor(aliceContext, harness.server.url, doc, 'Alice')
    const bob = await openEditor(await harness.browser.newContext(), harness.server.url, doc, 'Bob')

    await expect.poll(() => names(bob)).toEqual(['Bob (you)', 'Alice · 2 tabs'])
    await expect.poll(() => names(aliceTab1)).toEqual(['Alice (you) · 2 tabs', 'Bob'])
    await caretIn(aliceTab1, 'end')
    await aliceTab1.keyboard.type('Alice is typing')
    // Each of Alice's tabs has its own caret.
    const caret = bob.locator('.ProseMirror-yjs-cursor', { hasText: 'Alice' }).first()
    // Polled: each of Alice's moves redraws her caret, and a caret element found just before a
    // redraw is detached by the time its style is read (a detached element has no computed style).
    const caretColour = () => caret.evaluate((element) => (element.isConnected ? getComputedStyle(element).borderLeftColor : 'detached'))
    const rgb = (css: string) => /rgba?\((\d+), (\d+), (\d+)/.exec(css)?.slice(1, 4)
    const avatar = await bob.locator('#presence .participant[data-user-id="alice"] .avatar').evaluate((element) => getComputedStyle(element).backgroundColor)
    await expect.poll(async () => rgb(await caretColour())).toEqual(rgb(avatar))
    // A selection shows as a tint in the selecting user's colour.
    // Carets are published only from a focused editor: make sure this tab is the active one.
    await aliceTab1.bringToFront()
    await aliceTab1.focus('.ProseMirror')
    await selectWordBeforeCaret(aliceTab1, 'Alice is typing')
    const tint = bob.locator('.ProseMirror-yjs-selection').first()
    // Alice's selection is published when her page is idle, and drawn on Bob's when it arrives.
    await expect.poll(() => tint.textContent()).toBe('typing')
    const highlight = () => tint.evaluate((element) => (element.isConnected ? getComputedStyle(element).backgroundColor : 'detached'))
    await expect.poll(async () => rgb(await highlight())).toEqual(rgb(avatar))
    await screenshot(bob, 'presence-two-users')

    // Closing both of Alice's tabs (no unload handlers run, as when a laptop lid shuts).
    await aliceTab1.close()
    await aliceTab2.close()
    await bob.waitForFunction(
      () => document.querySelectorAll('#presence .participant').length === 1 && document.querySelectorAll('.ProseMirror-yjs-cursor').length === 0,
      undefined,
      { timeout: 5_000 },
    )
    expect(await names(bob)).toEqual(['Bob (you)'])
    await bob.context().close()
    await aliceContext.close()
  })

  it('[PRES1][EDIT6] my caret is published when the page is idle, not in the keystroke that moved it', async () => {
    const doc = await createDocumentAs(harness.server.url, 'Dora', 'Caret when idle')
    const dora = await openEditor(await harness.browser.newContext(), harness.server.url, doc, 'Dora')
    await caretIn(dora, 'end')
    await dora.keyboard.type('one two')
    const published = await dora.evaluate(async () => {
      type Cursor = { head: unknown } | null | undefined
      const { view, provider } = (window as unknown as {
        collab: {
          view: { state: { doc: unknown; selection: { constructor: { atStart(doc: unknown): unknown } }; tr: { setSelection(selection: unknown): unknown } }; dispatch(tr: unknown): void }
          provider: { awareness: { getLocalState(): { cursor?: Cursor } | null } }
        }
      }).collab
      const caret = () => JSON.stringify(provider.awareness.getLocalState()?.cursor?.head ?? null)
      await new Promise((resolve) => requestIdleCallback(resolve))
      const before = caret()
      // The caret to the start of the document, as a keystroke's transaction would move it.
      view.dispatch(view.state.tr.setSelection(view.state.selection.constructor.atStart(view.state.doc)))
      const inTheKeystroke = caret()
      await new Promise((resolve) => requestIdleCallback(resolve, { timeout: 1_000 }))
      return { before, inTheKeystroke, afterIdle: caret() }
    })
    expect(published.before).not.toBe('null')
    expect(published.inTheKeystroke).toBe(published.before)
    expect(published.afterIdle).not.toBe(published.before)
  })

  it('[PRES3] an idle user is shown as away to others, and back once they type', async () => {
    const doc = await createDocumentAs(harness.server.url, 'Carol', 'Away')
    const carolContext = await harness.browser.newContext()
    // Carol goes away after 1.5 s without input (60 s by default).
    await carolContext.addInitScript(() => Object.assign(window, { collabSettings: { awayAfterMs: 1_500 } }))
    const carol = await carolContext.newPage()
    await carol.goto(`${harness.server.url}/d/${doc}?token=${await testToken('Carol')}`)
    await waitForStatus(carol, 'saved')
    const dave = await openEditor(await harness.browser.newContext(), harness.server.url, doc, 'Dave')
    const carolEntry = dave.locator('#presence .participant[data-user-id="carol"]')
    await expect.poll(() => carolEntry.getAttribute('data-away'), { timeout: 10_000 }).toBe('true')
    expect(await carolEntry.getAttribute('title')).toBe('Carol · away')
    await carol.click('.ProseMirror')
    await carol.keyboard.type('back')
    await expect.poll(() => carolEntry.getAttribute('data-away'), { timeout: 10_000 }).toBe('false')
    await carolContext.close()
    await dave.context().close()
  })
})
