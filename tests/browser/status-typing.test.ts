/**
 * The status indicator while someone types: one "Saving…" for the burst, then "All changes saved"
 * once the server has acknowledged everything and the typing has paused — not a flip per keystroke
 * (each flip costs a frame in a long document) and never "saved" too early.
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser } from '../helpers/browser.ts'
import { startTestServer } from '../helpers/server.ts'
import { caretIn, createDocumentAs, editorText, openEditor, waitForStatus } from './editor-pages.ts'

type StatusWindow = {
  collab: { saves: { allAcknowledged: boolean } }
  statusLog?: { state: string; pending: string; acknowledged: boolean }[]
  outsideChanges?: { presence: number; statusText: number }
}

describe('browser: status while typing', () => {
  let browser: Browser
  let server: Awaited<ReturnType<typeof startTestServer>>

  beforeAll(async () => {
    server = await startTestServer()
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it('[STAT5][STAT1] a burst of typing shows "Saving…" once, then "All changes saved" only when acknowledged', async () => {
    const doc = await createDocumentAs(server.url, 'Alice', 'Status while typing')
    const page = await openEditor(await browser.newContext(), server.url, doc, 'Alice')
    await caretIn(page, 'end')
    // Every change of the indicator's state or pending count, with whether the server had acknowledged everything then.
    await page.evaluate(() => {
      const w = window as unknown as StatusWindow
      const status = document.getElementById('status')!
      w.statusLog = []
      new MutationObserver(() => {
        w.statusLog!.push({ state: status.dataset.state ?? '', pending: status.dataset.pending ?? '', acknowledged: w.collab.saves.allAcknowledged })
      }).observe(status, { attributes: true, attributeFilter: ['data-state', 'data-pending'] })
    })

    const typed = 'steady typing, forty keys in a burst.'
    await page.keyboard.type(typed, { delay: 40 })
    await waitForStatus(page, 'saved')
    expect(await editorText(page)).toBe(typed)

    const log = await page.evaluate(() => (window as unknown as StatusWindow).statusLog!)
    const states = log.map((entry) => entry.state).filter((state, i, all) => i === 0 || state !== all[i - 1])
    // Once per burst: ['saving', 'saved']; a second pair at most, should the loaded machine stall a key past the 1 s pause.
    expect(states[0]).toBe('saving')
    expect(states.at(-1)).toBe('saved')
    expect(states.length).toBeLessThanOrEqual(4)
    // The server acknowledged keystrokes during the burst (the count fell back to 0 while it still said "Saving…"):
    // without the pause rule the indicator would have flipped there.
    expect(log.some((entry) => entry.state === 'saving' && entry.pending === '0')).toBe(true)
    // "Saved" only when everything was acknowledged [STAT1].
    expect(log.filter((entry) => entry.state === 'saved').every((entry) => entry.acknowledged)).toBe(true)
    expect(await page.textContent('#status .status-text')).toMatch(/^All changes saved · /)
  })

  it('[EDIT6][PRES2] typing and moving the caret rebuild neither the "who is here" list nor the status per keystroke', async () => {
    const doc = await createDocumentAs(server.url, 'Alice', 'Quiet header')
    const page = await openEditor(await browser.newContext(), server.url, doc, 'Alice')
    await caretIn(page, 'end')
    await page.waitForSelector('#presence .participant')
    await page.evaluate(() => {
      const w = window as unknown as StatusWindow
      const counts = (w.outsideChanges = { presence: 0, statusText: 0 })
      new MutationObserver((records) => (counts.presence += records.length)).observe(document.getElementById('presence')!, { childList: true, subtree: true, characterData: true, attributes: true })
      new MutationObserver((records) => (counts.statusText += records.length)).observe(document.querySelector('#status .status-text')!, { childList: true, subtree: true, characterData: true })
    })
    const typed = 'keys, then caret moves: each move is an awareness change.'
    await page.keyboard.type(typed, { delay: 40 })
    for (let i = 0; i < 15; i++) await page.keyboard.press('ArrowLeft', { delay: 20 })
    await waitForStatus(page, 'saved')
    expect(await editorText(page)).toBe(typed)
    // The caret's position reached awareness (what remote carets are drawn from).
    await page.waitForFunction(() => {
      const { provider } = (window as unknown as { collab: { provider: { awareness: { getLocalState(): { cursor?: unknown } | null } } } }).collab
      return provider.awareness.getLocalState()?.cursor != null
    })
    const counts = await page.evaluate(() => (window as unknown as StatusWindow).outsideChanges!)
    // Who is here did not change: the list stayed as it was.
    expect(counts.presence).toBe(0)
    // "Saving…" once and "All changes saved · …" once (twice each at most, should a key stall past the pause); not per key.
    expect(counts.statusText).toBeGreaterThanOrEqual(2)
    expect(counts.statusText).toBeLessThanOrEqual(4)
    expect(await page.locator('#presence .participant').count()).toBe(1)
  })
})
