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
    expect(states).toEqual(['saving', 'saved'])
    // The server acknowledged keystrokes during the burst (the count fell back to 0 while it still said "Saving…"):
    // without the pause rule the indicator would have flipped there.
    expect(log.some((entry) => entry.state === 'saving' && entry.pending === '0')).toBe(true)
    // "Saved" only when everything was acknowledged [STAT1].
    expect(log.filter((entry) => entry.state === 'saved').every((entry) => entry.acknowledged)).toBe(true)
    expect(await page.textContent('#status .status-text')).toMatch(/^All changes saved · /)
  })
})
